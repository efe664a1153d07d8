// Under the fixed policy only (static-policy.ts, the default of a bare ResourceService in test harnesses): the
// control-plane components' identities may do what the admin may. The server does not use it: there each component
// is bounded by its RBAC role (src/authorization/bootstrap) and kubelets by the Node authorizer.
import type { UserInfo } from '../machinery/api/user.js';
import { isComponentIdentity } from '../client/identities.js';

export function hasTemporaryComponentGrant(user: UserInfo): boolean {
  return isComponentIdentity(user);
}
