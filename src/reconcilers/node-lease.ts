// The node heartbeat Lease (kube-node-lease/<node>), renewed as the kubelet's lease controller renews it: every
// quarter of its 40 s duration, owned by the Node so it goes with it.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { nodeIdentity } from '../client/identities.js';
import { GVR } from '../client/types.js';
import type { ReconcilerContext } from './context.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
/** nodeLeaseRenewIntervalFraction 0.25 of the duration. */
export const LEASE_RENEW_MS = (LEASE_DURATION_SECONDS * 1000) / 4;

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const isCode = (e: unknown, code: number) => e instanceof StatusError && e.code === code;
const FIELD_MANAGER = 'dockube-node';

/** Creates or renews the lease once, as the node (system:node:<name>) through the client seam; returns it. */
export async function renewNodeLease(ctx: ReconcilerContext, node: string, now = new Date()): Promise<KObject> {
  const client = ctx.client(nodeIdentity(node));
  const spec = { holderIdentity: node, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) };
  for (let attempt = 0; ; attempt++) {
    // Optimistic concurrency: a write that lost a race (409) reads again and retries, as the lease controller does.
    const retry = (e: unknown) => {
      if (!isCode(e, 409) || attempt >= 5) throw e;
    };
    let cur: KObject | undefined;
    try {
      cur = await client.get(GVR.leases, NODE_LEASE_NAMESPACE, node);
    } catch (e) {
      if (!isCode(e, 404)) throw e;
    }
    if (cur) {
      try {
        return await client.update(
          GVR.leases,
          NODE_LEASE_NAMESPACE,
          { ...cur, spec: { ...(cur.spec as J), ...spec } },
          { fieldManager: FIELD_MANAGER },
        );
      } catch (e) {
        retry(e);
        continue;
      }
    }
    // The owner reference lets the garbage collector remove the lease with the Node, as the kubelet sets it.
    let owner: KObject | undefined;
    try {
      owner = await client.get(GVR.nodes, undefined, node);
    } catch (e) {
      if (!isCode(e, 404)) throw e;
    }
    try {
      return await client.create(
        GVR.leases,
        NODE_LEASE_NAMESPACE,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: node,
            namespace: NODE_LEASE_NAMESPACE,
            ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid! }] } : {}),
          },
          spec,
        },
        { fieldManager: FIELD_MANAGER },
      );
    } catch (e) {
      retry(e);
    }
  }
}

/** Renews the lease now and every LEASE_RENEW_MS; returns a stop function. */
export function startNodeLease(ctx: ReconcilerContext, node: string, renewMs = LEASE_RENEW_MS): () => void {
  const run = () => renewNodeLease(ctx, node).catch((e) => ctx.log.warn({ err: (e as Error).message }, 'node lease renewal failed'));
  void run();
  const t = setInterval(run, renewMs);
  return () => clearInterval(t);
}
