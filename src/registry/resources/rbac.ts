// rbac.authorization.k8s.io/v1: Role, ClusterRole (its aggregationRule is stored; the aggregation controller fills
// its rules), RoleBinding, ClusterRoleBinding. Writes are checked against escalation as the policybased storages
// of pkg/registry/rbac do: a writer may not grant, through a role or a binding, more than it holds.
import { forbidden, notFound } from '../../machinery/api/errors.js';
import { deepEqual } from '../../machinery/api/equality.js';
import {
  FULL_AUTHORITY,
  bindingAuthorized,
  confirmNoEscalation,
  escalationAllowed,
  roleEscalationAuthorized,
} from '../../authorization/rbac/escalation.js';
import type { PolicyRule, RoleRef } from '../../authorization/rbac/types.js';
import { RBAC_GROUP, clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from '../strategies/rbac.js';
import { clusterRoleBindingsTable, roleBindingsTable, rolesTable } from '../tables/rbac.js';
import type { AdmitContext, KObject, ResourceDef } from '../types.js';

/** NewForbidden(roles.rbac.authorization.k8s.io, name, err). */
const refused = (plural: string, name: string, why: string) =>
  forbidden(`${plural}.${RBAC_GROUP} ${JSON.stringify(name)} is forbidden: ${why}`, { name, group: RBAC_GROUP, kind: plural });

/** IsOnlyMutatingGCFields: an update that only moves ownerReferences or finalizers is never an escalation. */
function onlyGCFieldsChange(obj: KObject, old: KObject): boolean {
  const strip = (o: KObject) => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

const rulesOf = (o: KObject): PolicyRule[] => (Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : []);

/** Role and ClusterRole writes: system:masters, `escalate` on the role, or every rule already held. */
function admitRole(plural: 'roles' | 'clusterroles') {
  return (obj: KObject, old: KObject | undefined, ctx: AdmitContext): void => {
    const { user, authorizer } = ctx;
    if (!user || !authorizer || escalationAllowed(user)) return;
    if (old && onlyGCFieldsChange(obj, old)) return;
    const name = obj.metadata.name ?? '';
    const namespace = plural === 'roles' ? obj.metadata.namespace : undefined;
    // The request names the role only on update (a create's URL is the collection's).
    if (roleEscalationAuthorized(authorizer, user, { resource: plural, namespace, name: old ? name : '' })) return;
    const refusal = confirmNoEscalation(authorizer, user, namespace ?? '', rulesOf(obj));
    if (refusal) throw refused(plural, name, refusal);
    const aggregation = obj.aggregationRule;
    if (plural === 'clusterroles' && aggregation && (!old || !deepEqual(old.aggregationRule, aggregation))) {
      if (confirmNoEscalation(authorizer, user, '', FULL_AUTHORITY))
        throw refused(plural, name, 'must have cluster-admin privileges to use the aggregationRule');
    }
  };
}

/** The rules of the role a binding names, read from storage as the registry's rule resolver does. */
async function referencedRules(ref: RoleRef, namespace: string, ctx: AdmitContext): Promise<PolicyRule[]> {
  const plural = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  const roles = await ctx.list(RBAC_GROUP, plural);
  const role = roles.find((r) => r.metadata.name === ref.name && (plural === 'clusterroles' || r.metadata.namespace === namespace));
  if (!role) throw notFound({ group: RBAC_GROUP, resource: plural }, ref.name);
  return rulesOf(role);
}

/** RoleBinding and ClusterRoleBinding writes: system:masters, `bind` on the role, or every rule of it already held. */
function admitBinding(plural: 'rolebindings' | 'clusterrolebindings') {
  return async (obj: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> => {
    const { user, authorizer } = ctx;
    if (!user || !authorizer || escalationAllowed(user)) return;
    if (old && onlyGCFieldsChange(obj, old)) return;
    const ref = obj.roleRef as RoleRef;
    const namespace = plural === 'rolebindings' ? (obj.metadata.namespace ?? '') : '';
    if (bindingAuthorized(authorizer, user, ref, namespace)) return;
    const refusal = confirmNoEscalation(authorizer, user, namespace, await referencedRules(ref, namespace, ctx));
    if (refusal) throw refused(plural, obj.metadata.name ?? '', refusal);
  };
}

const common = { group: RBAC_GROUP, version: 'v1' };

export const roles: ResourceDef = {
  ...common,
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  strategy: roleStrategy,
  table: rolesTable,
  admit: admitRole('roles'),
};

export const clusterroles: ResourceDef = {
  ...common,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  strategy: clusterRoleStrategy,
  table: rolesTable,
  admit: admitRole('clusterroles'),
};

export const rolebindings: ResourceDef = {
  ...common,
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  strategy: roleBindingStrategy,
  table: roleBindingsTable,
  admit: admitBinding('rolebindings'),
};

export const clusterrolebindings: ResourceDef = {
  ...common,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  strategy: clusterRoleBindingStrategy,
  table: clusterRoleBindingsTable,
  admit: admitBinding('clusterrolebindings'),
};

export const RBAC_RESOURCES: ResourceDef[] = [clusterrolebindings, clusterroles, rolebindings, roles];
