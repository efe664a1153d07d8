// For the in-process test harnesses only, which build a ResourceService without RBAC objects: the fixed policy that
// stood in for RBAC before it (system:masters and the component identities may do anything; dockube:viewers may read
// every resource except secrets; every authenticated user may read discovery and health paths and review its own
// permissions; system:monitoring may also GET /metrics; anonymous users health and version only). The server never
// asks it: RBAC with the bootstrap policy and the Node authorizer decide there (src/server/server.ts).
import type { UserInfo } from '../../src/machinery/api/user.js';
import { VIEWER_USER } from '../../src/pki/identities.js';
import { KUBE_CONTROLLER_MANAGER, KUBE_PROXY, KUBE_SCHEDULER } from '../../src/client/identities.js';
import { AUTHENTICATED, PUBLIC_PATHS, isAnonymousAllowedPath } from '../../src/authorization/authorizer.js';
import type {
  Authorizer,
  Decision,
  NonResourceRule,
  RequestAttributes,
  ResourceRule,
  SubjectRules,
} from '../../src/authorization/types.js';

/** The control-plane components' identities (node names vary: matched by prefix), which this policy lets do anything. */
function hasTemporaryComponentGrant(user: UserInfo): boolean {
  return (
    [KUBE_SCHEDULER.name, KUBE_CONTROLLER_MANAGER.name, KUBE_PROXY.name].includes(user.name) ||
    (user.name.startsWith('system:node:') && user.groups.includes('system:nodes')) ||
    user.name.startsWith('system:serviceaccount:kube-system:')
  );
}
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

function authorize(user: UserInfo, attrs: RequestAttributes): Decision {
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
}

/**
 * The same policy as `authorize`, listed as rules for SelfSubjectRulesReview (`kubectl auth can-i --list`).
 * `served` names every resource as [group, plural], since the viewer rule has to spell out "all but secrets".
 */
function rulesFor(user: UserInfo, served: [string, string][]): SubjectRules {
  const selfReviews: ResourceRule[] = [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ];
  const discovery: NonResourceRule = { verbs: ['get'], nonResourceURLs: [...DISCOVERY_PATHS.flatMap((p) => [p, `${p}/*`])] };
  if (user.groups.includes('system:masters') || hasTemporaryComponentGrant(user)) {
    return {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...selfReviews],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }, discovery],
      incomplete: false,
    };
  }
  if (!user.groups.includes(AUTHENTICATED)) return { resourceRules: [], nonResourceRules: [], incomplete: false };
  const rules = [...selfReviews];
  const nonResourceRules = [discovery];
  if (user.groups.includes(MONITORING_GROUP)) nonResourceRules.push({ verbs: ['get'], nonResourceURLs: MONITORING_URLS });
  if (user.groups.includes(VIEWER_USER.groups[0]!)) {
    const byGroup = new Map<string, string[]>();
    for (const [g, r] of served) if (r !== 'secrets') byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    for (const [g, rs] of byGroup) rules.push({ verbs: [...READ_VERBS], apiGroups: [g], resources: rs });
  }
  return { resourceRules: rules, nonResourceRules, incomplete: false };
}

/** The fixed policy as an Authorizer; `served` lists every resource as [group, plural] for the viewer's rules. */
export function staticPolicyAuthorizer(served: () => [string, string][]): Authorizer {
  return { authorize, rulesFor: (user) => rulesFor(user, served()) };
}
