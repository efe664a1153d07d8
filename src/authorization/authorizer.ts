// Authorization's shared parts: the public paths, and a denial worded as the apiserver words it. Each server's
// Authorizer (types.ts) decides; the HTTP layer, the in-process client and the reviews ask that one instance.
import type { UserInfo } from '../machinery/api/user.js';
import { forbidden, type StatusError, type StatusDetails } from '../machinery/api/errors.js';
import type { Authorizer, Decision, RequestAttributes } from './types.js';

export type { Authorizer, Decision, RequestAttributes, ResourceRule, NonResourceRule, SubjectRules } from './types.js';

/** The group every authenticated user has. */
export const AUTHENTICATED = 'system:authenticated';

export const PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

/** Paths anyone may read without credentials (Kubernetes' system:public-info-viewer). */
export function isAnonymousAllowedPath(path: string): boolean {
  const p = path.split('?')[0]!;
  return PUBLIC_PATHS.some((base) => p === base || p.startsWith(`${base}/`));
}

// Quotes are fine, but nothing in the message may look like HTML.
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const q = (s: string | undefined) => JSON.stringify(s ?? '');

/** The apiserver's denial sentence: `User "bob" cannot create resource "pods" in API group "" in the namespace "default"`. */
export function forbiddenMessage(user: UserInfo | undefined, attrs: RequestAttributes): string {
  const who = q(user?.name);
  if (!attrs.resourceRequest) return `User ${who} cannot ${attrs.verb} path ${q(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace ${q(attrs.namespace)}` : 'at the cluster scope';
  return `User ${who} cannot ${attrs.verb} resource ${q(resource)} in API group ${q(attrs.apiGroup)} ${where}`;
}

/** The 403 Status for a denied request, worded as Kubernetes' NewForbidden: `pods "x" is forbidden: User ...`. */
export function forbiddenError(user: UserInfo | undefined, attrs: RequestAttributes, reason?: string): StatusError {
  const msg = sanitize(forbiddenMessage(user, attrs));
  const err = reason ? `${msg}: ${reason}` : msg;
  const group = attrs.resourceRequest ? (attrs.apiGroup ?? '') : '';
  const resource = attrs.resourceRequest ? (attrs.resource ?? '') : '';
  const name = attrs.resourceRequest ? (attrs.name ?? '') : '';
  const qualified = group ? `${resource}.${group}` : resource;
  const message = !qualified
    ? `forbidden: ${err}`
    : name
      ? `${qualified} ${q(name)} is forbidden: ${err}`
      : `${qualified} is forbidden: ${err}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  const error = forbidden(message, details);
  // The decision travels with the error, for the audit line the HTTP layer writes (src/api/denial-audit.ts).
  Object.defineProperty(error, DENIAL, { value: { user, attrs, reason } satisfies Denial, enumerable: false });
  return error;
}

/** What was denied, to whom, and why. */
export interface Denial {
  user: UserInfo | undefined;
  attrs: RequestAttributes;
  reason?: string;
}
const DENIAL = Symbol('denial');

/** The denial a 403 of forbiddenError carries. */
export function denialOf(err: StatusError): Denial | undefined {
  return (err as StatusError & { [DENIAL]?: Denial })[DENIAL];
}

/** Asks `authorizer` and throws the 403 the apiserver answers when it says no; returns the (allowing) decision. */
export function requireAuthorized(authorizer: Authorizer, user: UserInfo, attrs: RequestAttributes): Decision {
  const decision = authorizer.authorize(user, attrs);
  // As responsewriters.Forbidden, the authorizer's reason (the Node authorizer's "no relationship found...") follows.
  if (!decision.allowed) throw forbiddenError(user, attrs, decision.reason);
  return decision;
}
