// Authorization: may this user do this (the apiserver's authorizer.Attributes and its decision). The built-in
// policy stands in for RBAC; the HTTP layer and in-process callers ask the same function.
import type { UserInfo } from '../machinery/api/user.js';
import { forbidden, type StatusError, type StatusDetails } from '../machinery/api/errors.js';
import { VIEWER_USER } from '../pki/identities.js';
import { hasTemporaryComponentGrant } from './component-grants.js';

/** The group every authenticated user has. */
export const AUTHENTICATED = 'system:authenticated';

const PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

/** Paths anyone may read without credentials (Kubernetes' system:public-info-viewer). */
export function isAnonymousAllowedPath(path: string): boolean {
  const p = path.split('?')[0]!;
  return PUBLIC_PATHS.some((base) => p === base || p.startsWith(`${base}/`));
}

/** What a request does, as the apiserver's RequestInfo / authorizer.Attributes describe it. */
export interface RequestAttributes {
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection...) for resource requests;
   * the lower-case HTTP method for non-resource paths. */
  verb: string;
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Request path; what non-resource requests are judged by. */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}
export type Authorizer = (user: UserInfo, attrs: RequestAttributes) => Decision;

const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Non-resource paths any authenticated user may GET (system:discovery, system:public-info-viewer). */
const DISCOVERY_PATHS = ['/api', '/apis', '/openapi', ...PUBLIC_PATHS];
/** system:monitoring's non-resource URLs (the ClusterRole of that name, bound to the group of that name). */
const MONITORING_GROUP = 'system:monitoring';
const MONITORING_PATHS = ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz'];
const MONITORING_URLS = ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'];
const isMonitoringPath = (path: string) =>
  MONITORING_PATHS.includes(path) || ['/livez', '/readyz', '/healthz'].some((b) => path.startsWith(`${b}/`));
/** Self-inspection every authenticated user may create (system:basic-user): `kubectl auth can-i`, `auth whoami`. */
const SELF_REVIEWS = new Set([
  'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews',
  'authentication.k8s.io/selfsubjectreviews',
]);

const underAny = (path: string, bases: string[]) => bases.some((b) => path === b || path.startsWith(`${b}/`));

/**
 * The built-in policy, standing in for RBAC (the one place it lives): system:masters may do anything; dockube:viewers may read every
 * resource except secrets (as Kubernetes' `view` role); every authenticated user may read discovery and health
 * paths and review its own permissions — all a service account (system:serviceaccount:NS:NAME, groups
 * system:serviceaccounts[:NS]) gets, as under Kubernetes' default RBAC; the system:monitoring group may also GET
 * /metrics (nobody else but system:masters may); anonymous users may read health and version only.
 */
export const authorize: Authorizer = (user, attrs) => {
  if (user.groups.includes('system:masters') || hasTemporaryComponentGrant(user)) return { allowed: true };
  const authenticated = user.groups.includes(AUTHENTICATED);
  if (!attrs.resourceRequest) {
    const path = (attrs.path ?? '').split('?')[0]!;
    if (attrs.verb !== 'get' && attrs.verb !== 'head') return { allowed: false };
    if (user.groups.includes(MONITORING_GROUP) && isMonitoringPath(path)) return { allowed: true };
    return { allowed: authenticated ? underAny(path, DISCOVERY_PATHS) : isAnonymousAllowedPath(path) };
  }
  if (!authenticated) return { allowed: false };
  if (attrs.verb === 'create' && !attrs.subresource && SELF_REVIEWS.has(`${attrs.apiGroup ?? ''}/${attrs.resource ?? ''}`))
    return { allowed: true };
  if (user.groups.includes(VIEWER_USER.groups[0]!) && READ_VERBS.has(attrs.verb) && attrs.resource !== 'secrets') return { allowed: true };
  return { allowed: false };
};

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
  return forbidden(message, details);
}

export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/**
 * The same policy as `authorize`, listed as rules for SelfSubjectRulesReview (`kubectl auth can-i --list`).
 * `served` names every resource as [group, plural], since the viewer rule has to spell out "all but secrets".
 */
export function rulesFor(
  user: UserInfo,
  served: [string, string][],
): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const selfReviews: ResourceRule[] = [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ];
  const discovery: NonResourceRule = { verbs: ['get'], nonResourceURLs: [...DISCOVERY_PATHS.flatMap((p) => [p, `${p}/*`])] };
  if (user.groups.includes('system:masters') || hasTemporaryComponentGrant(user)) {
    return {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...selfReviews],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }, discovery],
    };
  }
  if (!user.groups.includes(AUTHENTICATED)) return { resourceRules: [], nonResourceRules: [] };
  const rules = [...selfReviews];
  const nonResourceRules = [discovery];
  if (user.groups.includes(MONITORING_GROUP)) nonResourceRules.push({ verbs: ['get'], nonResourceURLs: MONITORING_URLS });
  if (user.groups.includes(VIEWER_USER.groups[0]!)) {
    const byGroup = new Map<string, string[]>();
    for (const [g, r] of served) if (r !== 'secrets') byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    for (const [g, rs] of byGroup) rules.push({ verbs: [...READ_VERBS], apiGroups: [g], resources: rs });
  }
  return { resourceRules: rules, nonResourceRules };
}
