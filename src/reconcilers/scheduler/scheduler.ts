// The default-scheduler: a level-triggered reconciler over pods that have no node. Each attempt reads the nodes and
// the bound pods, runs schedule.ts and either binds through pods/binding (the HTTP handler's code path) or marks
// the pod PodScheduled=False/Unschedulable with a FailedScheduling event. Unschedulable pods are retried when a
// node changes or a bound pod goes away, and otherwise after an exponential back-off. Works through the client seam
// as system:kube-scheduler: informers on pods and nodes bring the changes, binding is the pods/binding subresource.
import { StatusError } from '../../machinery/api/errors.js';
import { setPodCondition } from '../../registry/strategies/pod/binding.js';
import type { KObject } from '../../machinery/api/meta.js';
import { Informer } from '../../client/informer.js';
import { KUBE_SCHEDULER } from '../../client/identities.js';
import { GVR } from '../../client/types.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { isTerminated } from './resources.js';
import { buildNodeInfos, fitErrorMessage, schedulePod } from './schedule.js';
import { findPreemption, priorityOf, type Preemption } from './preemption.js';
import { volumeFilter, volumePreFilter } from './volume-binding.js';
import { VolumeBindingConflict, preBindVolumes, readVolumeFacts } from './volume-prebind.js';
import { PERSISTENT_VOLUMES, STORAGE_CLASSES } from '../pvc-binder.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  recorder?: EventRecorder;
  /** First retry of an unschedulable pod without a cluster change (doubles up to maxBackoffMs). */
  initialBackoffMs?: number;
  /** kube-scheduler flushes unschedulable pods at least every 5 minutes. */
  maxBackoffMs?: number;
  now?: () => number;
}

export interface RunningScheduler {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

/** Pods this scheduler is responsible for: not yet bound, ours, not being deleted, not finished. */
export function needsScheduling(pod: KObject): boolean {
  const spec: J = (pod as J).spec ?? {};
  if (spec.nodeName || pod.metadata.deletionTimestamp || isTerminated(pod)) return false;
  return !spec.schedulerName || spec.schedulerName === SCHEDULER_NAME;
}

interface Unschedulable {
  resourceVersion: string;
  epoch: number;
  attempts: number;
  retryAt: number;
}

const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Other pending pods nominated to a node with at least this pod's priority, placed on that node for the filters. */
function nominatedFor(pod: KObject, pods: KObject[]): KObject[] {
  return pods
    .filter((p) => {
      const node = (p as J).status?.nominatedNodeName;
      return (
        node && !(p as J).spec?.nodeName && p.metadata.uid !== pod.metadata.uid && priorityOf(p) >= priorityOf(pod) && needsScheduling(p)
      );
    })
    .map((p) => ({ ...p, spec: { ...(p as J).spec, nodeName: (p as J).status.nominatedNodeName } }) as KObject);
}

export async function startScheduler(ctx: ReconcilerContext, opts: SchedulerOptions = {}): Promise<RunningScheduler> {
  const client = ctx.client(KUBE_SCHEDULER);
  const write = { fieldManager: SCHEDULER_NAME };
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const initialBackoff = opts.initialBackoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 300_000;
  const now = opts.now ?? Date.now;
  // Bumped by every cluster change that can make an unschedulable pod fit: such a pod is retried at once.
  let epoch = 0;
  const waiting = new Map<string, Unschedulable>();
  // Bound pods already seen finished: only the transition frees their resources.
  const finished = new Set<string>();
  let attempting: string | undefined;

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    let pod: KObject;
    try {
      pod = await client.get(GVR.pods, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) {
        waiting.delete(key);
        return;
      }
      throw e;
    }
    if (!needsScheduling(pod)) {
      waiting.delete(key);
      return;
    }
    const prev = waiting.get(key);
    // Nothing changed since the last failed attempt and its back-off has not run out: its timer will come back.
    if (prev && prev.resourceVersion === pod.metadata.resourceVersion && prev.epoch === epoch && now() < prev.retryAt) return;

    const attemptEpoch = epoch;
    attempting = key;
    try {
      return await attempt(pod, key, namespace, name, prev, attemptEpoch);
    } finally {
      attempting = undefined;
    }
  };

  const attempt = async (
    pod: KObject,
    key: string,
    namespace: string,
    name: string,
    prev: Unschedulable | undefined,
    attemptEpoch: number,
  ) => {
    // Read fresh, not from the informers' caches: without kube-scheduler's assumed-pod cache, a pod bound a moment ago
    // must already count against its node.
    const nodes = (await client.list(GVR.nodes, undefined)).items;
    const pods = (await client.list(GVR.pods, undefined)).items;
    // Room a preemption freed is held for its nominated pod against pods of no higher priority (addNominatedPods).
    const infos = buildNodeInfos(nodes, [...pods, ...nominatedFor(pod, pods)]);
    // VolumeBinding reads the pod's claims, the volumes and the classes (only for a pod with claims).
    const volumes = await readVolumeFacts(client, pod);
    const volumesOn = (node: KObject) => volumeFilter(pod, node, volumes!);
    const result = schedulePod(
      pod,
      infos,
      volumes
        ? {
            preFilter: volumePreFilter(pod, volumes),
            filter: (info) => {
              const r = volumesOn(info.node);
              return 'failure' in r ? r.failure : undefined;
            },
          }
        : {},
    );
    if (result.node !== undefined) {
      try {
        // PreBind: the unbound claims' volumes on the chosen node, before the pod is bound to it.
        const chosen = volumes && volumesOn(nodes.find((n) => n.metadata.name === result.node)!);
        if (chosen && 'bindings' in chosen) await preBindVolumes(client, chosen.bindings, result.node, SCHEDULER_NAME);
      } catch (e) {
        if (!(e instanceof VolumeBindingConflict)) throw e;
        ctx.log.debug({ pod: key, err: e.message }, 'volume binding conflict, retrying');
        return { requeueAfterMs: initialBackoff };
      }
      try {
        await client.createSubresource(
          GVR.pods,
          namespace,
          name,
          'binding',
          { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: result.node } },
          write,
        );
      } catch (e) {
        // Bound or deleted meanwhile by someone else: nothing left to do.
        if (e instanceof StatusError && (e.code === 409 || e.code === 404)) {
          waiting.delete(key);
          return;
        }
        throw e;
      }
      waiting.delete(key);
      ctx.log.debug({ pod: key, node: result.node }, 'pod scheduled');
      recorder.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${result.node}`, {
        component: SCHEDULER_NAME,
        action: 'Binding',
      });
      return;
    }

    // DefaultPreemption: the pod is nominated to the node where evicting lower-priority pods makes room.
    const preemption = findPreemption(pod, infos, result.failures);
    const message = preemption ? fitErrorMessage(nodes.length, Object.values(result.failures), true) : result.message;
    let updated: KObject = pod;
    for (let tries = 0; ; tries++) {
      try {
        const cur = tries === 0 ? structuredClone(pod) : await client.get(GVR.pods, namespace, name);
        if (!needsScheduling(cur)) {
          updated = cur;
          break;
        }
        const before = JSON.stringify(cur.status ?? null);
        setPodCondition(cur, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
        if (preemption) (cur as J).status.nominatedNodeName = preemption.node;
        updated = JSON.stringify(cur.status ?? null) === before ? cur : await client.updateStatus(GVR.pods, namespace, cur, write);
        break;
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) {
          waiting.delete(key);
          return;
        }
        // Written meanwhile (a lost race on resourceVersion): read again.
        if (e instanceof StatusError && e.code === 409 && tries < 5) continue;
        throw e;
      }
    }
    recorder.record(pod, 'Warning', 'FailedScheduling', message, { component: SCHEDULER_NAME, action: 'Scheduling' });
    if (preemption) await evictVictims(updated, preemption);
    const attempts = (prev?.attempts ?? 0) + 1;
    const delay = Math.min(initialBackoff * 2 ** (attempts - 1), maxBackoff);
    waiting.set(key, { resourceVersion: updated.metadata.resourceVersion!, epoch: attemptEpoch, attempts, retryAt: now() + delay });
    return { requeueAfterMs: delay };
  };

  /** prepareCandidate: each victim gets the DisruptionTarget condition and a Preempted event, then is deleted. */
  const evictVictims = async (preemptor: KObject, { node, victims }: Preemption) => {
    for (const victim of victims) {
      const { namespace, name } = victim.metadata;
      try {
        const cur = structuredClone(await client.get(GVR.pods, namespace, name!)); // the in-process client's are frozen
        if (cur.metadata.uid !== victim.metadata.uid) continue;
        setPodCondition(cur, {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByScheduler',
          message: `${SCHEDULER_NAME}: preempting to accommodate a higher priority pod`,
        });
        await client.updateStatus(GVR.pods, namespace, cur, write);
        await client.delete(GVR.pods, namespace, name!, { preconditions: { uid: victim.metadata.uid } });
      } catch (e) {
        // Gone or changed meanwhile: the next attempt sees the node as it is then.
        if (e instanceof StatusError && (e.code === 404 || e.code === 409)) continue;
        throw e;
      }
      recorder.record(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${node}`, {
        component: SCHEDULER_NAME,
        action: 'Preempting',
      });
      ctx.log.info({ victim: keyOf(victim), preemptor: keyOf(preemptor), node }, 'preempted');
    }
  };

  const controller = new Controller('scheduler', reconcile, ctx.log);
  const clusterChanged = () => {
    epoch++;
    for (const k of waiting.keys()) controller.enqueue(k);
    // A change during an attempt re-runs it (the controller marks a key being processed dirty).
    if (attempting) controller.enqueue(attempting);
  };
  const onError = (err: Error) => ctx.log.warn({ controller: 'scheduler', err: err.message }, 'informer');
  controller.source(new Informer(client, GVR.pods, { onError }), (type, _old, pod) => {
    const key = keyOf(pod);
    const bound = !!(pod as J).spec?.nodeName;
    if (type === 'DELETED') {
      if (bound && !finished.has(key)) clusterChanged();
      else if (waiting.has(key)) controller.enqueue(key); // forgets it
      finished.delete(key);
    } else if (bound && isTerminated(pod)) {
      if (!finished.has(key)) {
        finished.add(key);
        clusterChanged();
      }
    } else if (needsScheduling(pod)) controller.enqueue(key);
    return [];
  });
  // Any node change (added, cordoned, relabelled, untainted, Ready again, bigger) may make room.
  controller.source(new Informer(client, GVR.nodes, { onError }), (type) => {
    if (type !== 'DELETED') clusterChanged();
    return [];
  });
  // Claims, volumes and classes: a claim bound, a volume made available or a class created may let a pod through.
  for (const gvr of [GVR.persistentvolumeclaims, PERSISTENT_VOLUMES, STORAGE_CLASSES])
    controller.source(new Informer(client, gvr, { onError }), (type) => {
      if (type !== 'DELETED') clusterChanged();
      return [];
    });
  await controller.start();
  return {
    controller,
    recorder,
    stop: () => controller.stop(),
  };
}
