// ServiceLB (k3s's embedded cloud load balancer, pkg/cloudprovider/servicelb.go) on the client seam: every
// LoadBalancer service without a loadBalancerClass gets status.loadBalancer.ingress = the nodes' addresses
// (ipMode VIP), which is what the service proxy programs the host ports from. A service whose port+protocol another
// such service already holds gets no ingress and a Warning event, and is served as soon as the holder goes. The
// decision is over all LoadBalancer services at once (one key), since a port is shared cluster-wide.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { Informer, PREDICATE } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { GVR, type Client, type Gvr } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { conflictMessage, decideLoadBalancers, isServiceLBService, nodeAddresses, type Ingress } from './port-claims.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SERVICES: Gvr = { group: '', version: 'v1', resource: 'services' };
const COMPONENT = 'service-lb-controller';
const FIELD_MANAGER = 'service-lb-controller';
const ALL = 'all';

export interface RunningServiceLB {
  controller: Controller;
  stop(): void;
}

const ingressOf = (svc: KObject): J[] => (svc.status as J | undefined)?.loadBalancer?.ingress ?? [];
const ips = (ingress: J[]) => `[${ingress.map((i) => i.ip ?? i.hostname).join(' ')}]`;

export async function startServiceLBController(ctx: ReconcilerContext, opts: { recorder?: EventRecorder } = {}): Promise<RunningServiceLB> {
  // As the cloud provider's service controller, which sets LoadBalancer status upstream (system:controller:service-controller).
  const client: Client = ctx.client(controllerIdentity('service-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'servicelb', err: err.message }, 'informer');
  const services = new Informer(client, SERVICES, { onError });
  const nodes = new Informer(client, GVR.nodes, { onError });
  /** The last refusal told per service uid, so that an unchanged conflict is not announced again. */
  const told = new Map<string, string>();

  const event = (svc: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record({ ...svc, apiVersion: 'v1', kind: 'Service' }, type, reason, message, { component: COMPONENT });

  const writeIngress = async (svc: KObject, ingress: Ingress[]): Promise<boolean> => {
    const status: J = { ...((svc.status as J | undefined) ?? {}), loadBalancer: ingress.length ? { ingress } : {} };
    try {
      await client.updateStatus(SERVICES, svc.metadata.namespace, { ...svc, status }, { fieldManager: FIELD_MANAGER });
      return true;
    } catch (e) {
      // Gone or changed meanwhile: its watch event brings another pass.
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return false;
      throw e;
    }
  };

  const reconcile = async (): Promise<ReconcileResult> => {
    const all = services.list();
    const decisions = decideLoadBalancers(all, nodeAddresses(nodes.list()));
    const live = new Set<string>();
    for (const svc of all) {
      if (!isServiceLBService(svc)) continue;
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const d = decisions.get(key);
      if (!d) continue; // being deleted
      live.add(svc.metadata.uid!);
      const before = ingressOf(svc);
      if (!deepEqual(before, d.ingress) && (await writeIngress(svc, d.ingress))) {
        if (d.ingress.length)
          event(svc, 'Normal', 'UpdatedLoadBalancer', `Updated LoadBalancer with new IPs: ${ips(before)} -> ${ips(d.ingress)}`);
        else if (!d.conflicts.length) event(svc, 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
      }
      const refusal = d.conflicts.length ? conflictMessage(d.conflicts) : '';
      if (refusal && told.get(svc.metadata.uid!) !== refusal) event(svc, 'Warning', 'UnAvailableLoadBalancer', refusal);
      if (refusal) told.set(svc.metadata.uid!, refusal);
      else told.delete(svc.metadata.uid!);
    }
    for (const uid of told.keys()) if (!live.has(uid)) told.delete(uid);
  };

  const c = new Controller('servicelb', reconcile, ctx.log);
  c.source(services, () => [ALL], PREDICATE.resourceVersionChanged);
  c.source(
    nodes,
    () => [ALL],
    (_t, old, obj) => !old || !deepEqual((old.status as J)?.addresses, (obj.status as J)?.addresses),
  );
  await c.start();
  c.enqueue(ALL);
  return { controller: c, stop: () => c.stop() };
}
