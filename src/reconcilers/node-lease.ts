// The node heartbeat Lease (kube-node-lease/<node>), renewed as the kubelet's lease controller renews it: every
// quarter of its 40 s duration, owned by the Node so it goes with it.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { systemContext, type ReconcilerContext } from './context.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
/** nodeLeaseRenewIntervalFraction 0.25 of the duration. */
export const LEASE_RENEW_MS = (LEASE_DURATION_SECONDS * 1000) / 4;

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Creates or renews the lease once; returns it. */
export async function renewNodeLease(ctx: ReconcilerContext, node: string, now = new Date()): Promise<KObject> {
  const leases = ctx.def('coordination.k8s.io', 'leases');
  const nodes = ctx.def('', 'nodes');
  const sys = systemContext('dockube-node');
  const renewTime = microTime(now);
  try {
    return await ctx.service.update(leases, NODE_LEASE_NAMESPACE, node, (cur) => {
      const spec: J = (cur.spec ??= {});
      spec.holderIdentity = node;
      spec.leaseDurationSeconds = LEASE_DURATION_SECONDS;
      spec.renewTime = renewTime;
      return cur;
    }, sys);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  // The owner reference lets the garbage collector remove the lease with the Node, as the kubelet sets it.
  let owner: KObject | undefined;
  try { owner = await ctx.service.get(nodes, undefined, node); } catch (e) { if (!(e instanceof StatusError && e.code === 404)) throw e; }
  return ctx.service.create(leases, NODE_LEASE_NAMESPACE, {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: node, namespace: NODE_LEASE_NAMESPACE,
      ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid! }] } : {}),
    },
    spec: { holderIdentity: node, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
  }, sys);
}

/** Renews the lease now and every LEASE_RENEW_MS; returns a stop function. */
export function startNodeLease(ctx: ReconcilerContext, node: string, renewMs = LEASE_RENEW_MS): () => void {
  const run = () => renewNodeLease(ctx, node).catch((e) => ctx.log.warn({ err: (e as Error).message }, 'node lease renewal failed'));
  void run();
  const t = setInterval(run, renewMs);
  return () => clearInterval(t);
}
