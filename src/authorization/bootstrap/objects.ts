// The builders the bootstrap policy is written with (upstream's rbacv1helpers.NewRule / NewClusterBinding, and
// addDefaultMetadata): every bootstrap object carries the rbac-defaults label and the autoupdate annotation.
import { RBAC_GROUP, type BindingObject, type PolicyRule, type RoleObject, type Subject } from '../rbac/types.js';

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
/** rbacv1.AutoUpdateAnnotationKey: "false" on an object keeps reconciliation from changing it. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

const words = (s: string) => s.split(' ').filter(Boolean);

/** A resource rule: verbs, groups and resources as space-separated words ('' is the core group). */
export function rule(verbs: string, groups: string[], resources: string, resourceNames?: string[]): PolicyRule {
  const r: PolicyRule = { verbs: words(verbs), apiGroups: groups, resources: words(resources) };
  if (resourceNames) r.resourceNames = resourceNames;
  return r;
}

/** A non-resource rule: `get` on the given URLs. */
export const urls = (verbs: string, ...nonResourceURLs: string[]): PolicyRule => ({ verbs: words(verbs), nonResourceURLs });

/** eventsRule(): what every controller needs to record events, in both event groups. */
export const eventsRule = () => rule('create update patch', ['', 'events.k8s.io'], 'events');

const metadata = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { ...BOOTSTRAP_LABEL, ...labels },
  annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
});

export function clusterRole(
  name: string,
  rules: PolicyRule[],
  opts: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): RoleObject {
  const role: RoleObject = { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: metadata(name, undefined, opts.labels) };
  if (opts.aggregateFrom) {
    role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [opts.aggregateFrom]: 'true' } }] };
    role.rules = [];
  } else role.rules = rules;
  return role;
}

export const role = (namespace: string, name: string, rules: PolicyRule[]): RoleObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: 'Role',
  metadata: metadata(name, namespace),
  rules,
});

export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

/** A ClusterRoleBinding named after the ClusterRole it binds, unless `name` says otherwise. */
export function clusterBinding(roleName: string, subjects: Subject[], name = roleName): BindingObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: metadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export function roleBinding(
  namespace: string,
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Subject[],
): BindingObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: metadata(name, namespace),
    roleRef: { apiGroup: RBAC_GROUP, ...roleRef },
    subjects,
  };
}
