// TEMPORARY, until the RBAC issue: the control-plane components' identities (system:kube-scheduler,
// system:kube-controller-manager, system:node:<name>) may do what the admin may. This is the one place their rights
// are decided; RBAC will bound each to its Kubernetes role (system:kube-scheduler, system:node, ...).
import type { UserInfo } from '../machinery/api/user.js';
import { isComponentIdentity } from '../client/identities.js';

export function hasTemporaryComponentGrant(user: UserInfo): boolean {
  return isComponentIdentity(user);
}
