// The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction): a kubelet (`system:node:<name>` in
// `system:nodes`) may change only its own Node (not its taints, nor labels outside the kubelet's set), the status of
// pods bound to it (not their labels), mirror pods bound to it, the status (capacity, conditions) of PVCs, and its own
// Lease. The Node authorizer and the system:node rules decide what a node may ask at all; this narrows the writes.
// Deletes and evictions are not seen here (dockube's delete admission gets no user), so those two checks are not made.
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { forbidden, notFound, type StatusError } from '../machinery/api/errors.js';
import type { UserInfo } from '../machinery/api/user.js';
import { deepEqual } from '../machinery/api/equality.js';
import { compareStrings } from '../machinery/compare.js';
import { nodeIdentity, NODE_LEASE_NAMESPACE } from '../authorization/node/authorizer.js';
import { podReferences } from '../authorization/node/pod-references.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** Labels a kubelet may set on its Node (kubeletapis.IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'kubernetes.io/os',
  'kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const NODE_RESTRICTION_NAMESPACE = 'node-restriction.kubernetes.io';

type Resource = 'pods' | 'nodes' | 'persistentvolumeclaims' | 'leases';
const GROUP: Record<Resource | 'serviceaccounts', string> = {
  pods: '',
  nodes: '',
  persistentvolumeclaims: '',
  leases: 'coordination.k8s.io',
  serviceaccounts: '',
};

/** admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`. */
function denied(resource: Resource | 'serviceaccounts', name: string | undefined, why: string): StatusError {
  const group = GROUP[resource];
  const qualified = group ? `${resource}.${group}` : resource;
  const message = name ? `${qualified} "${name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return forbidden(message, { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource });
}

const labelNamespace = (key: string) => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const under = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

/** getForbiddenLabels: node-restriction.kubernetes.io labels, and kubernetes.io/k8s.io labels that are not the kubelet's. */
export function forbiddenNodeLabels(labels: Record<string, string> | undefined, old: Record<string, string> | undefined): string[] {
  const a = labels ?? {};
  const b = old ?? {};
  const modified = new Set<string>();
  for (const [k, v] of Object.entries(a)) if (b[k] !== v) modified.add(k);
  for (const [k, v] of Object.entries(b)) if (a[k] !== v) modified.add(k);
  const out: string[] = [];
  for (const key of modified) {
    const ns = labelNamespace(key);
    const kubeletLabel = KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((d) => under(ns, d));
    if (under(ns, NODE_RESTRICTION_NAMESPACE) || ((under(ns, 'kubernetes.io') || under(ns, 'k8s.io')) && !kubeletLabel)) out.push(key);
  }
  return out.sort(compareStrings);
}

const nodeNameOf = (pod: KObject | undefined) => (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

function admitPod(node: string, obj: KObject, old: KObject | undefined, subresource: string | undefined): void {
  const name = obj.metadata.name;
  if (subresource === 'status') {
    if (!old) return;
    if (nodeNameOf(old) !== node)
      throw denied('pods', name, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
    if (!deepEqual(old.metadata.labels ?? {}, obj.metadata.labels ?? {}))
      throw denied('pods', name, `node "${node}" cannot update labels through pod status`);
    return;
  }
  if (subresource) throw denied('pods', name, `unexpected pod subresource "${subresource}", only 'status' and 'eviction' are allowed`);
  if (old) throw denied('pods', name, `unexpected operation "UPDATE", node "${node}" can only create and delete mirror pods`);
  // Create: only mirror pods bound to itself, owned by its Node, referencing nothing else.
  if (!(MIRROR_POD_ANNOTATION in (obj.metadata.annotations ?? {})))
    throw denied('pods', name, `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
  if (nodeNameOf(obj) !== node) throw denied('pods', name, `node "${node}" can only create pods with spec.nodeName set to itself`);
  const owners = obj.metadata.ownerReferences ?? [];
  if (owners.length > 1) throw denied('pods', name, `node "${node}" can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node)
    throw denied('pods', name, `node "${node}" can only create pods with an owner reference set to itself`);
  if (!owner.controller) throw denied('pods', name, `node "${node}" can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion) throw denied('pods', name, `node "${node}" must not set blockOwnerDeletion on an owner reference`);
  const refs = podReferences(obj);
  if (refs.some((r) => r.type === 'serviceaccount'))
    throw denied('pods', name, `node "${node}" can not create pods that reference a service account`);
  if (refs.some((r) => r.type === 'secret')) throw denied('pods', name, `node "${node}" can not create pods that reference secrets`);
  if (refs.some((r) => r.type === 'configmap')) throw denied('pods', name, `node "${node}" can not create pods that reference configmaps`);
  const volumes = ((obj.spec as { volumes?: { persistentVolumeClaim?: unknown }[] } | undefined)?.volumes ?? []).filter(
    (v) => v.persistentVolumeClaim,
  );
  if (volumes.length) throw denied('pods', name, `node "${node}" can not create pods that reference persistentvolumeclaims`);
}

function admitNode(node: string, obj: KObject, old: KObject | undefined): void {
  const name = obj.metadata.name ?? '';
  if (name !== node) throw denied('nodes', name, `node "${node}" is not allowed to modify node "${name}"`);
  const spec = (obj.spec ?? {}) as { configSource?: unknown; taints?: unknown };
  if (!old) {
    if (spec.configSource) throw denied('nodes', name, `node "${node}" is not allowed to create pods with a non-nil configSource`);
    const labels = forbiddenNodeLabels(obj.metadata.labels, undefined);
    if (labels.length) throw denied('nodes', name, `node "${node}" is not allowed to set the following labels: ${labels.join(', ')}`);
    return;
  }
  const oldSpec = (old.spec ?? {}) as { configSource?: unknown; taints?: unknown };
  if (spec.configSource && !deepEqual(spec.configSource, oldSpec.configSource))
    throw denied('nodes', name, `node "${node}" is not allowed to update configSource to a new non-nil configSource`);
  if (!deepEqual(spec.taints ?? null, oldSpec.taints ?? null))
    throw denied('nodes', name, `node "${node}" is not allowed to modify taints`);
  const labels = forbiddenNodeLabels(obj.metadata.labels, old.metadata.labels);
  if (labels.length) throw denied('nodes', name, `is not allowed to modify labels: ${labels.join(', ')}`);
}

function admitPvc(node: string, obj: KObject, old: KObject | undefined, subresource: string | undefined): void {
  const name = obj.metadata.name;
  if (subresource !== 'status') throw denied('persistentvolumeclaims', name, 'may only update PVC status');
  if (!old) return;
  // Only status.capacity and status.conditions (and allocatedResources*, as with RecoverVolumeExpansionFailure) may move.
  const comparable = (o: KObject) => {
    const {
      capacity: _c,
      conditions: _k,
      allocatedResources: _a,
      allocatedResourceStatuses: _s,
      ...status
    } = (o.status ?? {}) as Record<string, unknown>;
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = o.metadata;
    return { ...o, metadata, status };
  };
  if (!deepEqual(comparable(old), comparable(obj)))
    throw denied(
      'persistentvolumeclaims',
      name,
      `node "${node}" is not allowed to update fields other than status.capacity and status.conditions`,
    );
}

function admitLease(node: string, obj: KObject): void {
  const name = obj.metadata.name;
  if (obj.metadata.namespace !== NODE_LEASE_NAMESPACE)
    throw denied('leases', name, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  if (name !== node) throw denied('leases', name, 'can only access node lease with the same name as the requesting node');
}

interface TokenRequestBody {
  spec?: { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } | null };
}

/**
 * NodeRestriction for serviceaccounts/<name>/token: a node's TokenRequest must be bound to a pod (by name and uid)
 * scheduled on that node. `getPod` reads a pod of the namespace (undefined: not found).
 */
export async function admitNodeTokenRequest(
  user: UserInfo | undefined,
  namespace: string,
  serviceAccount: string,
  body: TokenRequestBody,
  getPod: (name: string) => Promise<KObject | undefined>,
): Promise<void> {
  const node = user && nodeIdentity(user);
  if (node === undefined) return;
  const no = (why: string) => denied('serviceaccounts', serviceAccount, why);
  if (!node) throw no(`could not determine node from user "${user!.name}"`);
  const ref = body.spec?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw no('node requested token not bound to a pod');
  if (!ref.uid) throw no('node requested token with a pod binding without a uid');
  const pod = await getPod(ref.name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, ref.name);
  if (pod.metadata.uid !== ref.uid)
    throw no(
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  if (nodeNameOf(pod) !== node) throw no('node requested token bound to a pod scheduled on a different node');
}

/** NodeRestriction for a delete: a node deletes only pods bound to it (and, as for writes, its own Node and Lease). */
export function admitNodeRestrictionDelete(resource: Resource, obj: KObject, user: UserInfo | undefined): void {
  const node = user && nodeIdentity(user);
  if (node === undefined) return;
  const name = obj.metadata.name;
  if (!node) throw denied(resource, name, `could not determine node from user "${user!.name}"`);
  if (resource === 'pods') {
    if (nodeNameOf(obj) !== node) throw denied('pods', name, `node "${node}" can only delete pods with spec.nodeName set to itself`);
  } else if (resource === 'nodes') {
    if (name !== node) throw denied('nodes', name, `node "${node}" is not allowed to modify node "${name}"`);
  } else if (resource === 'persistentvolumeclaims') throw denied('persistentvolumeclaims', name, 'may only update PVC status');
  else admitLease(node, obj);
}

/** NodeRestriction for an eviction: only of a pod bound to the node. */
export function admitNodeEviction(pod: KObject, user: UserInfo | undefined): void {
  const node = user && nodeIdentity(user);
  if (node === undefined) return;
  if (!node || nodeNameOf(pod) !== node)
    throw denied('pods', pod.metadata.name, `node ${node} can only evict pods with spec.nodeName set to itself`);
}

/** NodeRestriction for one write of `resource`; a no-op for anyone but a node. Throws the 403 upstream answers. */
export function admitNodeRestriction(resource: Resource, obj: KObject, old: KObject | undefined, ctx: AdmitContext): void {
  const user = ctx.user;
  if (!user) return;
  const node = nodeIdentity(user);
  if (node === undefined) return;
  if (!node) throw denied(resource, obj.metadata.name, `could not determine node from user "${user.name}"`);
  if (resource === 'pods') admitPod(node, obj, old, ctx.subresource);
  else if (resource === 'nodes') admitNode(node, obj, old);
  else if (resource === 'persistentvolumeclaims') admitPvc(node, obj, old, ctx.subresource);
  else admitLease(node, obj);
}
