// Impersonation (the apiserver's WithImpersonation filter): `Impersonate-User`, `Impersonate-Group` (repeatable),
// `Impersonate-Uid` and `Impersonate-Extra-<key>` headers switch the request's user once the authenticated caller
// may `impersonate` each requested user, service account, group, uid and extra value. Every request path asks this
// after authentication: the express app, and the upgrades (exec/attach, port-forward, log, proxy) that express never sees.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { UserInfo } from '../machinery/api/user.js';
import { StatusError, unauthorized } from '../machinery/api/errors.js';
import type { Authorizer, RequestAttributes } from '../authorization/types.js';
import { forbiddenError } from '../authorization/authorizer.js';

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';
const SA_PREFIX = 'system:serviceaccount:';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** One thing the caller asks to act as (upstream's ObjectReference per header value). */
export type ImpersonationRequest =
  | { kind: 'User'; name: string }
  | { kind: 'ServiceAccount'; namespace: string; name: string }
  | { kind: 'Group'; name: string }
  | { kind: 'UserExtra'; key: string; value: string }
  | { kind: 'UID'; name: string };

/** Header values by lower-case name, each repeated header's values apart (IncomingMessage.headersDistinct). */
export type HeaderValues = Record<string, string | string[] | undefined>;

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** serviceaccount.SplitUsername: `system:serviceaccount:<ns>:<name>` with both parts non-empty and no further colon. */
function splitServiceAccount(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** unescapeExtraKey: extra keys travel percent-encoded in header names; a bad escape keeps the key as it came. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Upstream's %v of the request list, for the "without impersonating a user" error. */
const describe = (r: ImpersonationRequest): string =>
  r.kind === 'UserExtra'
    ? `{UserExtra  ${r.value} authentication.k8s.io/v1 ${r.key}}`
    : r.kind === 'UID'
      ? `{UID  ${r.name} authentication.k8s.io/v1}`
      : r.kind === 'ServiceAccount'
        ? `{ServiceAccount ${r.namespace} ${r.name}}`
        : `{${r.kind}  ${r.name}}`;

export class ImpersonationHeaderError extends Error {}

/**
 * buildImpersonationRequests: what the headers ask for, in upstream's order (user or service account, groups, extras,
 * uid). Groups, extras or a uid without a user are refused, as upstream refuses them.
 */
export function impersonationRequests(headers: HeaderValues): ImpersonationRequest[] {
  const out: ImpersonationRequest[] = [];
  // http.Header.Get: the first value.
  const user = values(headers[IMPERSONATE_USER])[0] ?? '';
  if (user) {
    const sa = splitServiceAccount(user);
    out.push(sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: user });
  }
  const groups = values(headers[IMPERSONATE_GROUP]);
  for (const name of groups) out.push({ kind: 'Group', name });
  let hasExtra = false;
  for (const [header, value] of Object.entries(headers)) {
    if (!header.startsWith(IMPERSONATE_EXTRA_PREFIX)) continue;
    hasExtra = true;
    const key = unescapeExtraKey(header.slice(IMPERSONATE_EXTRA_PREFIX.length).toLowerCase());
    for (const v of values(value)) out.push({ kind: 'UserExtra', key, value: v });
  }
  const uid = values(headers[IMPERSONATE_UID])[0] ?? '';
  if (uid) out.push({ kind: 'UID', name: uid });
  if ((groups.length || hasExtra || uid) && !user)
    throw new ImpersonationHeaderError(`requested [${out.map(describe).join(' ')}] without impersonating a user`);
  return out;
}

/** The `impersonate` check for one request (upstream's actingAsAttributes). */
export function impersonationAttributes(r: ImpersonationRequest): RequestAttributes {
  const base = { verb: 'impersonate', resourceRequest: true } as const;
  switch (r.kind) {
    case 'User':
      return { ...base, apiGroup: '', resource: 'users', name: r.name };
    case 'ServiceAccount':
      return { ...base, apiGroup: '', resource: 'serviceaccounts', namespace: r.namespace, name: r.name };
    case 'Group':
      return { ...base, apiGroup: '', resource: 'groups', name: r.name };
    case 'UserExtra':
      return { ...base, apiGroup: AUTHENTICATION_GROUP, apiVersion: 'v1', resource: 'userextras', subresource: r.key, name: r.value };
    case 'UID':
      return { ...base, apiGroup: AUTHENTICATION_GROUP, apiVersion: 'v1', resource: 'uids', name: r.name };
  }
}

/** Who really asked, for requests that act as someone else (the audit's `user` beside its `impersonatedUser`). */
const impersonators = new WeakMap<IncomingMessage, UserInfo>();
export const impersonatorOf = (req: IncomingMessage): UserInfo | undefined => impersonators.get(req);

/** True when the request carries any impersonation header (the common case has none, and costs one scan). */
export function wantsImpersonation(headers: IncomingHttpHeaders): boolean {
  for (const h in headers) if (h.startsWith('impersonate-')) return true;
  return false;
}

/**
 * The user a request acts as: `requestor` itself when no impersonation header is present, else the impersonated user
 * once every part is authorized. Throws the 403 upstream answers for the first part that is not allowed, and a 500
 * (as upstream's InternalError) for groups, extras or a uid without a user.
 */
export function impersonate(req: IncomingMessage, requestor: UserInfo, authorizer: Authorizer): UserInfo {
  if (!wantsImpersonation(req.headers)) return requestor;
  let requests: ImpersonationRequest[];
  try {
    // headersDistinct keeps repeated headers apart (req.headers joins them with ", ").
    requests = impersonationRequests(req.headersDistinct ?? req.headers);
  } catch (e) {
    if (!(e instanceof ImpersonationHeaderError)) throw e;
    throw new StatusError(500, 'InternalError', `Internal Server Error: ${JSON.stringify(req.url ?? '')}: ${e.message}`);
  }
  if (!requests.length) return requestor;
  // Groups given are the authority; a service account's own groups are added only when none are.
  const groupsSpecified = requests.some((r) => r.kind === 'Group');
  let name = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attrs = impersonationAttributes(r);
    const decision = authorizer.authorize(requestor, attrs);
    if (!decision.allowed) throw forbiddenError(requestor, attrs, decision.reason);
    if (r.kind === 'ServiceAccount') {
      name = `${SA_PREFIX}${r.namespace}:${r.name}`;
      if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`];
    } else if (r.kind === 'User') name = r.name;
    else if (r.kind === 'Group') groups.push(r.name);
    else if (r.kind === 'UserExtra') (extra[r.key] ??= []).push(r.value);
    else uid = r.name;
  }
  if (name !== ANONYMOUS) {
    // A non-anonymous user is authenticated unless the caller said otherwise with either of the two groups.
    if (!groups.includes(AUTHENTICATED) && !groups.includes(UNAUTHENTICATED)) groups.push(AUTHENTICATED);
  } else if (!groups.includes(UNAUTHENTICATED)) groups.push(UNAUTHENTICATED);
  // The headers are consumed: nothing further down (the proxy to a pod) sees them.
  for (const h of Object.keys(req.headers)) if (h.startsWith('impersonate-')) delete req.headers[h];
  impersonators.set(req, requestor);
  return { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

/** What the upgrade paths authenticate with. */
export interface RequestAuthentication {
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
  service: { authorizer: Authorizer };
}

/**
 * Authentication then impersonation, for paths express never sees: resolves to the user the request acts as, or
 * rejects with 401 (no credentials that check out) or the impersonation's 403/500.
 */
export async function authenticateAndImpersonate(deps: RequestAuthentication, req: IncomingMessage): Promise<UserInfo> {
  const user = await deps.authenticate(req);
  if (!user) throw unauthorized();
  return impersonate(req, user, deps.service.authorizer);
}
