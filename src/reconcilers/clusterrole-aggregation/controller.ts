// The clusterrole-aggregation controller (pkg/controller/clusterroleaggregation): a ClusterRole with an
// aggregationRule holds the union of the rules of the ClusterRoles its selectors match, rewritten whenever any
// ClusterRole changes. Through the client seam as kube-system/clusterrole-aggregation-controller, whose role has
// `escalate` on clusterroles so that it may write rules it does not hold itself.
import type { RoleObject } from '../../authorization/rbac/types.js';
import { RBAC_GROUP } from '../../authorization/rbac/types.js';
import { StatusError } from '../../machinery/api/errors.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import type { Gvr } from '../../client/types.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { aggregatedRoles, aggregatedRules, sameRules } from './aggregate.js';

const CLUSTER_ROLES: Gvr = { group: RBAC_GROUP, version: 'v1', resource: 'clusterroles' };
const NAME = 'clusterrole-aggregation-controller';

export async function startClusterRoleAggregation(ctx: ReconcilerContext): Promise<Controller> {
  const client = ctx.client(controllerIdentity(NAME));
  const roles = new Informer(client, CLUSTER_ROLES, {
    onError: (err) => ctx.log.warn({ controller: NAME, err: err.message }, 'informer'),
  });
  const c = new Controller(
    NAME,
    async (name) => {
      const role = roles.get(undefined, name) as RoleObject | undefined;
      if (!role) return;
      const rules = aggregatedRules(role, roles.list() as RoleObject[]);
      if (!rules || sameRules(rules, role.rules)) return;
      try {
        await client.update(CLUSTER_ROLES, undefined, { ...role, rules }, { fieldManager: NAME });
      } catch (e) {
        // Deleted meanwhile: nothing to do. A conflict is retried by the queue once the cache has the newer role.
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    },
    ctx.log,
  );
  // Any change to any ClusterRole may change what an aggregated one should hold: all of them are looked at again.
  c.source(roles, () => aggregatedRoles(roles.list() as RoleObject[]).map((r) => r.metadata.name!));
  await c.start();
  return c;
}
