// The TokenRequest subresource (TokenREST.Create): the request with its defaults filled in, and status.token /
// status.expirationTimestamp, answered to POST .../serviceaccounts/NAME/token with 201.
import { badRequest, conflict, invalid, notFound, StatusError, type FieldError } from '../machinery/api/errors.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { KObject } from '../machinery/api/meta.js';
import type { SubresourceDef } from '../registry/types.js';
import {
  DEFAULT_EXPIRATION_SECONDS,
  EXTENDED_EXPIRATION_SECONDS,
  MAX_EXPIRATION_SECONDS,
  MIN_EXPIRATION_SECONDS,
  WARN_ONLY_EXPIRATION_SECONDS,
} from './constants.js';
import { lookupFrom, serviceAccountRuntime } from './runtime.js';
import type { ServiceAccountTokens } from './tokens.js';
import { admitNodeTokenRequest } from '../admission/node-restriction.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GROUP = 'authentication.k8s.io';

export interface BoundObjectRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}
export interface TokenRequestObject {
  apiVersion?: string;
  kind?: string;
  metadata?: J;
  spec?: { audiences?: string[] | null; expirationSeconds?: number; boundObjectRef?: BoundObjectRef | null };
  status?: J;
}

/** authentication/v1 defaulting and ValidateTokenRequest. */
function defaultAndValidate(tr: TokenRequestObject, name: string): void {
  tr.spec = tr.spec ?? {};
  const exp =
    tr.spec.expirationSeconds === undefined || tr.spec.expirationSeconds === null
      ? DEFAULT_EXPIRATION_SECONDS
      : Number(tr.spec.expirationSeconds);
  tr.spec.expirationSeconds = exp;
  const errs: FieldError[] = [];
  if (exp < MIN_EXPIRATION_SECONDS)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.expirationSeconds',
      value: exp,
      detail: 'may not specify a duration less than 10 minutes',
    });
  if (exp > MAX_EXPIRATION_SECONDS)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.expirationSeconds',
      value: exp,
      detail: 'may not specify a duration larger than 2^32 seconds',
    });
  if (errs.length) throw invalid('TokenRequest', GROUP, name, errs);
}

const groupOf = (apiVersion: string | undefined) => (apiVersion && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** Creates the token for serviceaccount ns/name: the pure part of the handler, also used by tests. */
export async function createTokenRequest(
  tokens: ServiceAccountTokens,
  lookup: ReturnType<typeof lookupFrom>,
  ns: string,
  name: string,
  input: TokenRequestObject,
): Promise<TokenRequestObject> {
  const tr: TokenRequestObject = structuredClone(input);
  tr.metadata = tr.metadata ?? {};
  if (tr.metadata.name && tr.metadata.name !== name) {
    throw invalid('TokenRequest', GROUP, name, [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        value: tr.metadata.name,
        detail: 'must match the service account name if specified',
      },
    ]);
  }
  if (tr.metadata.namespace && tr.metadata.namespace !== ns) {
    throw invalid('TokenRequest', GROUP, name, [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.namespace',
        value: tr.metadata.namespace,
        detail: 'must match the service account namespace if specified',
      },
    ]);
  }
  defaultAndValidate(tr, name);
  const sa = await lookup('ServiceAccount', ns, name);
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const spec = tr.spec!;
  if (!spec.audiences?.length) spec.audiences = [...tokens.audiences];
  tr.metadata.name = name;
  tr.metadata.namespace = ns;
  const issuedAt = new Date();
  tr.metadata.creationTimestamp = nowTimestamp(issuedAt);

  let pod: KObject | undefined;
  let secret: KObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const group = groupOf(ref.apiVersion);
    let obj: KObject | undefined; // set by every branch that does not throw
    if (group === '' && ref.kind === 'Pod') {
      obj = pod = await lookup('Pod', ns, ref.name ?? '');
      if (!pod) throw notFound({ group: '', resource: 'pods' }, ref.name ?? '');
      const podSa = (pod.spec as J | undefined)?.serviceAccountName;
      if (podSa !== name)
        throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with serviceaccount "${podSa ?? ''}"`);
    } else if (group === '' && ref.kind === 'Secret') {
      obj = secret = await lookup('Secret', ns, ref.name ?? '');
      if (!secret) throw notFound({ group: '', resource: 'secrets' }, ref.name ?? '');
    } else {
      const version = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[1] : (ref.apiVersion ?? '');
      throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`); // GroupVersionKind.String()
    }
    if (ref.uid && ref.uid !== obj!.metadata.uid) {
      throw conflict(
        { group, resource: ref.kind! },
        ref.name ?? '',
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
  }
  // A pod-bound token with the auto-mount marker lifetime really lasts a year and only warns after the hour
  // (--service-account-extend-token-expiration, on by default); the reported expiry stays the requested one.
  const requested = spec.expirationSeconds!;
  const extend = !!pod && requested === WARN_ONLY_EXPIRATION_SECONDS && spec.audiences.every((a) => tokens.audiences.includes(a));
  const issued = await tokens.issue({
    serviceAccount: sa,
    audiences: spec.audiences,
    pod,
    secret,
    expirationSeconds: extend ? EXTENDED_EXPIRATION_SECONDS : requested,
    warnAfterSeconds: extend ? requested : undefined,
  });
  tr.apiVersion = `${GROUP}/v1`;
  tr.kind = 'TokenRequest';
  tr.status = { token: issued.token, expirationTimestamp: nowTimestamp(new Date((issued.issuedAt + requested) * 1000)) };
  return tr;
}

/** serviceaccounts/token on the ServiceAccount resource. */
export const serviceAccountToken: SubresourceDef = {
  name: 'token',
  kind: 'TokenRequest',
  group: GROUP,
  version: 'v1',
  verbs: ['create'],
  async create(ctx, namespace, name, body) {
    const rt = serviceAccountRuntime();
    if (!rt) throw new StatusError(503, 'ServiceUnavailable', 'service account token issuing is not configured on this server');
    const lookup = lookupFrom(rt.service);
    // NodeRestriction: a kubelet's token must be bound to a pod scheduled on it.
    await admitNodeTokenRequest(ctx.write.user, namespace!, name, body as TokenRequestObject, (pod) => lookup('Pod', namespace!, pod));
    return (await createTokenRequest(rt.tokens, lookup, namespace!, name, body as TokenRequestObject)) as KObject;
  },
};
