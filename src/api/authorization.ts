// Applies the authorizer to a resource request, answering 403 as Kubernetes words it.
import type { UserInfo } from '../machinery/api/user.js';
import type { ResourceRequest } from './resource-path.js';
import { authorize, forbiddenError, type RequestAttributes } from '../authorization/authorizer.js';

export function authorizeRequest(user: UserInfo, verb: string, rr: ResourceRequest): void {
  const attrs: RequestAttributes = {
    verb,
    resourceRequest: true,
    apiGroup: rr.group,
    apiVersion: rr.version,
    resource: rr.def.plural,
    subresource: rr.subresource,
    namespace: rr.namespace,
    name: rr.name,
  };
  if (!authorize(user, attrs).allowed) throw forbiddenError(user, attrs);
}
