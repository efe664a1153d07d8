// The `request` CEL variable: the AdmissionRequest an admission webhook would get (cel.CreateAdmissionRequest), minus
// uid, object and oldObject (those are variables of their own).
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../chain.js';

const OPTIONS_KIND: Record<string, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions' };

/**
 * The request as JSON. `matched` is the resource and kind the configuration matched (an equivalent version under
 * matchPolicy Equivalent); the request's own are in requestResource/requestKind.
 */
export function admissionRequestJson(
  attrs: AdmissionAttributes,
  matched?: { resource: GroupVersionResource; kind: GroupVersionKind },
): Record<string, unknown> {
  const user = attrs.user;
  const kind = kindOf(attrs.kind);
  return {
    kind: matched ? kindOf(matched.kind) : kind,
    resource: matched ? { ...matched.resource } : { ...attrs.resource },
    subResource: attrs.subresource,
    requestKind: kind,
    requestResource: { ...attrs.resource },
    requestSubResource: attrs.subresource,
    name: attrs.name,
    namespace: attrs.namespace,
    operation: attrs.operation,
    userInfo: {
      username: user.name,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: [...user.groups],
      ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
    },
    dryRun: attrs.dryRun,
    options:
      attrs.options ?? (OPTIONS_KIND[attrs.operation] ? { kind: OPTIONS_KIND[attrs.operation], apiVersion: 'meta.k8s.io/v1' } : null),
  };
}

const kindOf = (k: GroupVersionKind) => ({ group: k.group, version: k.version, kind: k.kind });
