// The whole bootstrap policy, as kube-apiserver's rbac/bootstrap-roles post-start hook reconciles it on every start.
import type { BindingObject, RoleObject } from '../rbac/types.js';
import { bootstrapClusterRoles } from './cluster-roles.js';
import { bootstrapClusterRoleBindings } from './cluster-role-bindings.js';
import { controllerRoleBindings, controllerRoles } from './controller-roles.js';
import { bootstrapRoleBindings, bootstrapRoles } from './namespace-policy.js';
import { dockubeClusterRoleBindings, dockubeClusterRoles, dockubeRoleBindings, dockubeRoles } from './dockube-policy.js';

export interface BootstrapPolicy {
  clusterRoles: RoleObject[];
  clusterRoleBindings: BindingObject[];
  /** Namespaced, in kube-system and kube-public. */
  roles: RoleObject[];
  roleBindings: BindingObject[];
}

export function bootstrapPolicy(): BootstrapPolicy {
  return {
    clusterRoles: [...bootstrapClusterRoles(), ...controllerRoles(), ...dockubeClusterRoles()],
    clusterRoleBindings: [...bootstrapClusterRoleBindings(), ...controllerRoleBindings(), ...dockubeClusterRoleBindings()],
    roles: [...bootstrapRoles(), ...dockubeRoles()],
    roleBindings: [...bootstrapRoleBindings(), ...dockubeRoleBindings()],
  };
}
