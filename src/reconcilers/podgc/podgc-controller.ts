// The pod garbage collector (kube-controller-manager's pkg/controller/podgc), on the shared Controller with pod and
// node informers, as kube-system/pod-garbage-collector through the client seam. One key, "gc", synced on relevant
// changes and every gcCheckPeriod:
// - gcOrphaned: a node name pods are bound to that the node cache lacks is quarantined; once the quarantine is over
//   a GET confirms the Node is really gone (a re-registered node, or one the cache was late to show, saves its pods);
//   its pods are then marked Failed with the DisruptionTarget condition (DeletionByPodGC) and deleted with grace 0,
//   so their controllers replace them.
// - gcUnscheduledTerminating: terminating pods never bound to a node (no kubelet will finish them) are marked Failed
//   and force-deleted.
// - gcTerminated: terminated pods beyond --terminated-pod-gc-threshold (12500) go, evicted and oldest first.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { nowTimestamp } from '../../registry/object-meta.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { GVR } from '../../client/types.js';
import { Controller, type KeysOf, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import {
  ORPHAN_CONDITION,
  failedStatusPatch,
  isPodTerminated,
  missingNodes,
  orphanedPods,
  terminatedOverThreshold,
  unscheduledTerminating,
} from './decisions.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** gcCheckPeriod: how often the collector looks even when nothing changed. */
export const GC_CHECK_PERIOD_MS = 20_000;
/** quarantineTime: how long a node may be missing from the cache before a GET decides it is gone. */
export const QUARANTINE_MS = 40_000;
/** --terminated-pod-gc-threshold's default. */
export const TERMINATED_POD_GC_THRESHOLD = 12_500;
const KEY = 'gc';
const FIELD_MANAGER = 'PodGC';

export interface PodGCOptions {
  now?: () => number;
  checkPeriodMs?: number;
  quarantineMs?: number;
  terminatedPodThreshold?: number;
}

export interface RunningPodGC {
  controller: Controller;
  pods: Informer;
  nodes: Informer;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);

export async function startPodGC(ctx: ReconcilerContext, opts: PodGCOptions = {}): Promise<RunningPodGC> {
  const client = ctx.client(controllerIdentity('pod-garbage-collector'));
  const now = opts.now ?? Date.now;
  const checkPeriodMs = opts.checkPeriodMs ?? GC_CHECK_PERIOD_MS;
  const quarantineMs = opts.quarantineMs ?? QUARANTINE_MS;
  const threshold = opts.terminatedPodThreshold ?? TERMINATED_POD_GC_THRESHOLD;
  const onError = (err: Error) => ctx.log.warn({ controller: 'pod-garbage-collector', err: err.message }, 'informer');
  const pods = new Informer(client, GVR.pods, { onError });
  const nodes = new Informer(client, GVR.nodes, { onError });
  /** The nodeQueue: a missing node name and when its quarantine ends. */
  const quarantined = new Map<string, number>();

  const existingNodes = () => new Set(nodes.list().map((n) => n.metadata.name!));

  /** checkIfNodeExists: the cache may lag; the API decides. */
  const nodeExists = async (name: string): Promise<boolean> => {
    try {
      await client.get(GVR.nodes, undefined, name);
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return false;
      throw e;
    }
  };

  /** markFailedAndDeletePodWithCondition: Failed (and the condition) through /status first, then grace 0. */
  const markFailedAndDelete = async (pod: KObject, condition?: J): Promise<void> => {
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    ctx.log.info({ controller: 'pod-garbage-collector', pod: `${ns}/${name}` }, 'PodGC is force deleting Pod');
    try {
      const patch = failedStatusPatch(pod, condition, nowTimestamp(new Date(now())));
      if (patch) await client.patch(GVR.pods, ns, name, 'strategic', patch, { subresource: 'status', fieldManager: FIELD_MANAGER });
      await client.delete(GVR.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      // Gone already, or replaced by another pod of that name: nothing of ours to delete.
      if (!isStatus(e, 404, 409)) throw e;
    }
  };

  const gcOrphaned = async (all: KObject[]): Promise<number | undefined> => {
    const existing = existingNodes();
    const missing = missingNodes(all, existing);
    const t = now();
    for (const name of missing) if (!quarantined.has(name)) quarantined.set(name, t + quarantineMs);
    // A node back in the cache, or without pods any more, needs no verdict.
    for (const name of quarantined.keys()) if (!missing.has(name)) quarantined.delete(name);
    const deleted = new Set<string>();
    const errors: Error[] = [];
    for (const [name, due] of quarantined) {
      if (due > t) continue;
      try {
        if (await nodeExists(name)) quarantined.delete(name);
        else deleted.add(name);
      } catch (e) {
        errors.push(e as Error); // asked again on the next pass
      }
    }
    for (const pod of orphanedPods(all, deleted)) {
      try {
        await markFailedAndDelete(pod, ORPHAN_CONDITION);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    for (const name of deleted) quarantined.delete(name);
    if (errors.length) throw errors[0];
    const next = Math.min(...quarantined.values());
    return Number.isFinite(next) ? Math.max(next - now(), 1) : undefined;
  };

  const reconcile = async (): Promise<ReconcileResult> => {
    const all = pods.list();
    const doomed = [...terminatedOverThreshold(all, threshold), ...unscheduledTerminating(all)];
    const results = await Promise.allSettled(doomed.map((p) => markFailedAndDelete(p)));
    const orphanWait = await gcOrphaned(all);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
    return { requeueAfterMs: Math.min(checkPeriodMs, orphanWait ?? Infinity) };
  };

  // Only changes that can make something collectable wake the collector; the period covers the rest.
  const onPod: KeysOf = (_type, _old, pod) => {
    const node = (pod as J).spec?.nodeName as string | undefined;
    const orphan = !!node && !nodes.get(undefined, node);
    const unscheduledTerminating = !node && !!pod.metadata.deletionTimestamp;
    return orphan || unscheduledTerminating || isPodTerminated(pod) ? [KEY] : [];
  };
  const onNode: KeysOf = (type) => (type === 'DELETED' ? [KEY] : []);

  const controller = new Controller('pod-garbage-collector', reconcile, ctx.log, 1);
  controller.source(pods, onPod);
  controller.source(nodes, onNode);
  await controller.start();
  controller.enqueue(KEY);
  return { controller, pods, nodes, stop: () => controller.stop() };
}
