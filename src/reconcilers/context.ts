// What every reconciler gets: a client per component identity (the seam: in-process or HTTPS), a logger, and, for
// the reconcilers not yet moved onto the client, the store-backed service acting as the system user.
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Logger } from '../log.js';
import type { ResourceDef } from '../registry/types.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { AuthorizeFn, Client } from '../client/types.js';
import { InProcessClient } from '../client/in-process.js';
import { authorize, forbiddenError } from '../authorization/authorizer.js';

export interface ReconcilerContext {
  service: ResourceService;
  log: Logger;
  def(group: string, plural: string): ResourceDef;
  /** The client a component acting as `user` uses (system:kube-controller-manager, system:kube-scheduler, ...). */
  client(user: UserInfo): Client;
}

/** The authorizer's decision as the HTTP layer applies it: 403 with the apiserver's wording. */
export const authorizeOrForbid: AuthorizeFn = (user, attrs) => {
  if (!authorize(user, attrs).allowed) throw forbiddenError(user, attrs);
};

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
  const auth = opts.authorize ?? authorizeOrForbid;
  return {
    service,
    log,
    client: opts.client ?? ((user) => new InProcessClient({ service, user, authorize: auth })),
    def: (group, plural) => {
      const d = service.registry.defs.find((x) => x.group === group && x.plural === plural);
      if (!d) throw new Error(`no resource ${group}/${plural}`);
      return d;
    },
  };
}
