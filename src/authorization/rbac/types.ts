// rbac.authorization.k8s.io/v1 as the authorizer reads it (the objects are stored as plain KObjects).
import type { KObject } from '../../machinery/api/meta.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface AggregationRule {
  clusterRoleSelectors?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }[];
}

/** Role and ClusterRole. */
export interface RoleObject extends KObject {
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** kind User or Group (apiGroup rbac.authorization.k8s.io), or ServiceAccount (apiGroup "", with a namespace). */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

/** RoleBinding and ClusterRoleBinding. */
export interface BindingObject extends KObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/**
 * What the RBAC authorizer reads, synchronously: the roles and bindings as the watch cache holds them now.
 * Namespaced lookups take the namespace; cluster-scoped ones none.
 */
export interface RbacSource {
  getRole(namespace: string, name: string): RoleObject | undefined;
  getClusterRole(name: string): RoleObject | undefined;
  listRoleBindings(namespace: string): readonly BindingObject[];
  listClusterRoleBindings(): readonly BindingObject[];
}
