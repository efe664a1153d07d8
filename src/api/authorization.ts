// Applies the server's authorizer to a resource request, answering 403 as Kubernetes words it.
import type { UserInfo } from '../machinery/api/user.js';
import type { ResourceRequest } from './resource-path.js';
import type { Authorizer, Decision } from '../authorization/types.js';
import { requireAuthorized } from '../authorization/authorizer.js';
import { nameFromFieldSelector } from '../authorization/request-name.js';

export { nameFromFieldSelector } from '../authorization/request-name.js';

/** RequestInfo's rule: a request about one namespace object (`/api/v1/namespaces/foo[/status]`) is in that namespace. */
const namespaceOf = (rr: ResourceRequest) => rr.namespace ?? (!rr.def.group && rr.def.plural === 'namespaces' ? rr.name : undefined);

/** Throws the 403 when the authorizer says no; returns its decision (the audit log's annotations) when it allows. */
export function authorizeRequest(
  authorizer: Authorizer,
  user: UserInfo,
  verb: string,
  rr: ResourceRequest,
  fieldSelector?: string,
): Decision {
  const name = rr.name ?? (verb === 'list' || verb === 'watch' ? nameFromFieldSelector(fieldSelector) : undefined);
  return requireAuthorized(authorizer, user, {
    verb,
    resourceRequest: true,
    apiGroup: rr.group,
    apiVersion: rr.version,
    resource: rr.def.plural,
    subresource: rr.subresource,
    namespace: namespaceOf(rr),
    name,
    ...(fieldSelector && (verb === 'list' || verb === 'watch') ? { fieldSelector } : {}),
  });
}
