// Applies the server's authorizer to a resource request, answering 403 as Kubernetes words it.
import type { UserInfo } from '../machinery/api/user.js';
import type { ResourceRequest } from './resource-path.js';
import type { Authorizer } from '../authorization/types.js';
import { requireAuthorized } from '../authorization/authorizer.js';

export function authorizeRequest(authorizer: Authorizer, user: UserInfo, verb: string, rr: ResourceRequest): void {
  requireAuthorized(authorizer, user, {
    verb,
    resourceRequest: true,
    apiGroup: rr.group,
    apiVersion: rr.version,
    resource: rr.def.plural,
    subresource: rr.subresource,
    namespace: rr.namespace,
    name: rr.name,
  });
}
