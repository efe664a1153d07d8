// networking.k8s.io/v1 IPAddress objects as the ClusterIP allocator's visible state: one per allocated ClusterIP,
// named by the address, its parentRef the Service, labelled as upstream's IPAddress allocator labels them; removed
// when no Service holds the address any more. kube-apiserver writes them while allocating; dockube's allocator keeps
// its own table, so this loop mirrors it right after (as the apiserver, through the client seam).
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import { Controller } from './controller.js';
import type { ReconcilerContext } from './context.js';
import { Informer } from '../client/informer.js';
import { isIPv4 } from 'node:net';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IPADDRESSES = { group: 'networking.k8s.io', version: 'v1', resource: 'ipaddresses' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };
/** The allocator writes as the apiserver itself (its loopback identity). */
const APISERVER: UserInfo = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
export const LABEL_MANAGED_BY = 'ipaddress.kubernetes.io/managed-by';
export const LABEL_IP_FAMILY = 'ipaddress.kubernetes.io/ip-family';
export const ALLOCATOR = 'ipallocator.k8s.io';

const clusterIPsOf = (svc: KObject | undefined): string[] =>
  ((svc?.spec as J | undefined)?.clusterIPs ?? [(svc?.spec as J | undefined)?.clusterIP]).filter(
    (ip: unknown): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None',
  );

export async function startIPAddressAllocatorState(ctx: ReconcilerContext): Promise<Controller> {
  const log = ctx.log.child({ component: 'ipaddress-allocator-state' });
  const client = ctx.client(APISERVER);
  const onError = (err: Error) => log.warn({ err: err.message }, 'informer');
  const services = new Informer(client, SERVICES, { onError });
  const addresses = new Informer(client, IPADDRESSES, { onError });
  const ignoreNotFound = (e: unknown) => {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  };

  const c = new Controller(
    'ipaddress-allocator-state',
    async (ip) => {
      const owner = services.list().find((s) => clusterIPsOf(s).includes(ip));
      const current = addresses.list().find((a) => a.metadata.name === ip);
      const ref = owner ? { group: '', resource: 'services', namespace: owner.metadata.namespace, name: owner.metadata.name } : undefined;
      if (current) {
        const cur = (current.spec as J | undefined)?.parentRef as J | undefined;
        const ours = current.metadata.labels?.[LABEL_MANAGED_BY] === ALLOCATOR;
        if (ref && cur && cur.resource === ref.resource && cur.namespace === ref.namespace && cur.name === ref.name) return;
        if (!ours) return; // someone else's address: left alone
        await client.delete(IPADDRESSES, undefined, ip).catch(ignoreNotFound);
      }
      if (!ref) return;
      await client
        .create(IPADDRESSES, undefined, {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'IPAddress',
          metadata: { name: ip, labels: { [LABEL_IP_FAMILY]: isIPv4(ip) ? 'IPv4' : 'IPv6', [LABEL_MANAGED_BY]: ALLOCATOR } },
          spec: { parentRef: ref },
        })
        .catch((e) => {
          if (!(e instanceof StatusError && e.code === 409)) throw e;
        });
    },
    log,
  );
  c.source(services, (_t, old, svc) => [...new Set([...clusterIPsOf(old), ...clusterIPsOf(svc)])]);
  c.source(addresses, (_t, _old, a) => [a.metadata.name!]);
  await c.start();
  return c;
}
