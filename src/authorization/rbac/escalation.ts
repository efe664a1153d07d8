// Privilege-escalation prevention on writes of roles and bindings (pkg/registry/rbac/escalation_check.go and the
// policybased storages): a writer may create or change a role only with rules it already holds, unless it is in
// system:masters or has `escalate` on the role; may bind a role only if it holds the role's rules or has `bind` on it.
import type { UserInfo } from '../../machinery/api/user.js';
import type { Authorizer } from '../types.js';
import { escalationRefusal } from './covers.js';
import { RBAC_GROUP, type PolicyRule, type RoleRef } from './types.js';

/** user.SystemPrivilegedGroup: the API server's own loopback identity is in it, so it may always do anything. */
export const SYSTEM_MASTERS = 'system:masters';

/** EscalationAllowed: a member of system:masters. */
export const escalationAllowed = (user: UserInfo): boolean => user.groups.includes(SYSTEM_MASTERS);

/**
 * RoleEscalationAuthorized: `escalate` on the role being written (`roles` or `clusterroles`). On create the request
 * names no object yet, so a rule limited by resourceNames does not grant it there, as upstream.
 */
export function roleEscalationAuthorized(
  authorizer: Authorizer,
  user: UserInfo,
  target: { resource: 'roles' | 'clusterroles'; namespace?: string; name?: string },
): boolean {
  return authorizer.authorize(user, {
    verb: 'escalate',
    resourceRequest: true,
    apiGroup: RBAC_GROUP,
    apiVersion: '*',
    resource: target.resource,
    namespace: target.namespace,
    name: target.name ?? '',
  }).allowed;
}

/** BindingAuthorized: `bind` on the referenced role, asked in the binding's namespace (none for a ClusterRoleBinding). */
export function bindingAuthorized(authorizer: Authorizer, user: UserInfo, ref: RoleRef, bindingNamespace: string | undefined): boolean {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return false;
  return authorizer.authorize(user, {
    verb: 'bind',
    resourceRequest: true,
    apiGroup: ref.apiGroup,
    resource: ref.kind === 'Role' ? 'roles' : 'clusterroles',
    namespace: bindingNamespace || undefined,
    name: ref.name,
  }).allowed;
}

/**
 * ConfirmNoEscalation: the refusal text when the rules `user` holds in `namespace` ('' = cluster-wide bindings only)
 * do not cover `rules`, else undefined.
 */
export function confirmNoEscalation(
  authorizer: Authorizer,
  user: UserInfo,
  namespace: string,
  rules: readonly PolicyRule[],
): string | undefined {
  const held = authorizer.rulesFor(user, namespace);
  const owned: PolicyRule[] = [
    ...held.resourceRules.map((r) => ({ ...r })),
    ...held.nonResourceRules.map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
  ];
  return escalationRefusal(user, owned, rules, held.evaluationError);
}

/** Everything (cluster-admin's rules): what setting an aggregationRule requires, since it can gather any rule. */
export const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];
