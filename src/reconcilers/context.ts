// What every reconciler gets: a client per component identity (the seam: in-process or HTTPS) and a logger. Nothing
// else: no reconciler reaches the store behind the API's authorization and admission.
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Logger } from '../log.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { AuthorizeFn, Client } from '../client/types.js';
import { InProcessClient } from '../client/in-process.js';
import { requireAuthorized } from '../authorization/authorizer.js';

export interface ReconcilerContext {
  log: Logger;
  /** The client a component acting as `user` uses (system:kube-controller-manager, system:kube-scheduler, ...). */
  client(user: UserInfo): Client;
}

/** A write as a system:masters user, for the server's own bootstrap and tests writing straight to the service. */
export const systemContext = (manager: string): WriteContext => ({
  user: { name: `system:${manager}`, groups: ['system:masters'] },
  dryRun: false,
  fieldManager: manager,
  warnings: [],
});

/** In process by default; `opts.client` replaces the seam (an HTTPS client in tests that run controllers over the API). */
export function makeContext(
  service: ResourceService,
  log: Logger,
  opts: { client?: (user: UserInfo) => Client; authorize?: AuthorizeFn } = {},
): ReconcilerContext {
  // The server's authorizer as the HTTP layer applies it: 403 with the apiserver's wording.
  const auth: AuthorizeFn = opts.authorize ?? ((user, attrs) => requireAuthorized(service.authorizer, user, attrs));
  return {
    log,
    client: opts.client ?? ((user) => new InProcessClient({ service, user, authorize: auth })),
  };
}
