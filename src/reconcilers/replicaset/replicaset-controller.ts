// The ReplicaSet controller (kube-controller-manager's pkg/controller/replicaset), and the ReplicationController
// controller as the same code over a map selector. Level-triggered, key namespace/name: each sync claims the active
// pods (adopt matching orphans, release pods that stopped matching, never touch another controller's), creates
// (slow-start batches) or deletes (ranked) the difference once its previous creates and deletes have been seen
// through the pod informer (expectations), and writes status through /status. Works through the client seam as
// system:kube-controller-manager.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import type { LabelSelector } from '../../machinery/labels.js';
import { Informer } from '../../client/informer.js';
import { KUBE_CONTROLLER_MANAGER, controllerIdentity } from '../../client/identities.js';
import { GVR, objectKey, type Client } from '../../client/types.js';
import { Controller, type KeysOf, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { adoptPatch, claimDecision, controllerRef, controllerRefOf, releasePatch } from './claim.js';
import { Expectations } from './expectations.js';
import { ownerLookup } from './owner-lookup.js';
import { REPLICA_SET, REPLICATION_CONTROLLER, type ReplicaKind } from './kinds.js';
import { isPodActive, isPodReady } from './pod-state.js';
import { podsToDelete } from './pod-ranking.js';
import { podFromTemplate } from './pod-template.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start.js';
import { availabilityRecheckMs, calculateStatus, statusNeedsUpdate, type ReplicaStatus } from './status.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
const FIELD_MANAGER = 'kube-controller-manager';

export interface ReplicaSetControllerOptions {
  now?: () => number;
  recorder?: EventRecorder;
  burstReplicas?: number;
  /** Which kinds to run (both by default). */
  kinds?: ReplicaKind[];
}

export interface RunningReplicaControllers {
  controllers: Controller[];
  recorder: EventRecorder;
  /** The shared pod informer (tests read its cache). */
  pods: Informer;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
const hasCause = (e: unknown, reason: string) =>
  e instanceof StatusError && (e.details?.causes ?? []).some((c: { reason?: string }) => c.reason === reason);
const splitKey = (key: string) => {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)] as const;
};

export async function startReplicaSetControllers(
  ctx: ReconcilerContext,
  opts: ReplicaSetControllerOptions = {},
): Promise<RunningReplicaControllers> {
  // The pod informer both share is kube-controller-manager's shared informer (its own list/watch rights); each
  // controller writes as its service account (replicaset-controller, replication-controller), as with
  // --use-service-account-credentials.
  const shared = ctx.client(KUBE_CONTROLLER_MANAGER);
  const recorder = opts.recorder ?? new EventRecorder(ctx.client(controllerIdentity(REPLICA_SET.component)), ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'replicaset', err: err.message }, 'informer');
  const pods = new Informer(shared, GVR.pods, { onError });
  const controllers = (opts.kinds ?? [REPLICA_SET, REPLICATION_CONTROLLER]).map((kind) =>
    replicaController(ctx, ctx.client(controllerIdentity(kind.component)), kind, pods, recorder, opts),
  );
  await Promise.all(controllers.map((c) => c.start()));
  return { controllers, recorder, pods, stop: () => controllers.forEach((c) => c.stop()) };
}

function replicaController(
  ctx: ReconcilerContext,
  client: Client,
  kind: ReplicaKind,
  pods: Informer,
  recorder: EventRecorder,
  opts: ReplicaSetControllerOptions,
): Controller {
  const now = opts.now ?? Date.now;
  const burst = opts.burstReplicas ?? BURST_REPLICAS;
  const expectations = new Expectations(now);
  const write = { fieldManager: FIELD_MANAGER };
  const onError = (err: Error) => ctx.log.warn({ controller: kind.name, err: err.message }, 'informer');
  const owners = new Informer(client, kind.gvr, { onError });
  const event = (owner: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(owner, type, reason, message, { component: kind.component });
  const typed = (o: KObject): KObject => ({ ...o, apiVersion: kind.apiVersion, kind: kind.kind });

  const selectorOrUndefined = (owner: KObject): LabelSelector | undefined => {
    try {
      return kind.selectorOf(owner);
    } catch {
      return undefined;
    }
  };
  // resolveControllerRef, and getPodReplicaSets (the owners who might adopt an orphan).
  const { ownerKeyOf, ownersMatching } = ownerLookup(owners, kind, selectorOrUndefined);

  const onPod: KeysOf = (type, old, pod) => {
    const keys = new Set<string>();
    const podKey = objectKey(pod);
    const deleted = (p: KObject) => {
      const k = ownerKeyOf(p);
      if (k) {
        expectations.deletionObserved(k, podKey);
        keys.add(k);
      }
    };
    if (type === 'DELETED') deleted(pod);
    else if (type === 'ADDED') {
      // A pod seen first already terminating (after a restart): its deletion is what counts.
      if (pod.metadata.deletionTimestamp) deleted(pod);
      else if (controllerRefOf(pod)) {
        const k = ownerKeyOf(pod);
        if (k) {
          expectations.creationObserved(k);
          keys.add(k);
        }
      } else ownersMatching(pod).forEach((k) => keys.add(k));
    } else {
      if (old?.metadata.resourceVersion === pod.metadata.resourceVersion) return [];
      const labelsChanged = !deepEqual(old?.metadata.labels ?? {}, pod.metadata.labels ?? {});
      if (pod.metadata.deletionTimestamp) {
        deleted(pod);
        if (labelsChanged && old) deleted(old);
        return [...keys];
      }
      const refChanged = !deepEqual(old ? controllerRefOf(old) : undefined, controllerRefOf(pod));
      if (refChanged && old) {
        const k = ownerKeyOf(old);
        if (k) keys.add(k);
      }
      const k = ownerKeyOf(pod);
      if (k) {
        keys.add(k);
        // Becoming ready starts minReadySeconds: look again once it may count as available.
        const owner = owners.get(...splitKey(k));
        const minReady = Number((owner as J | undefined)?.spec?.minReadySeconds ?? 0);
        if (old && !isPodReady(old) && isPodReady(pod) && minReady > 0) controller.enqueueAfter(k, minReady * 1000 + 1000);
      } else if (!controllerRefOf(pod) && (labelsChanged || refChanged)) ownersMatching(pod).forEach((o) => keys.add(o));
    }
    return [...keys];
  };

  const onOwner: KeysOf = (type, _old, owner) => {
    const key = objectKey(owner);
    if (type === 'DELETED') expectations.delete(key);
    return [key];
  };

  /** ClaimPods: the active pods this owner keeps after adopting and releasing. */
  const claimPods = async (owner: KObject, selector: LabelSelector, candidates: KObject[]): Promise<KObject[]> => {
    let canAdopt: Promise<boolean> | undefined;
    // RecheckDeletionTimestamp: adopt only if a fresh read shows the same owner, not being deleted.
    const recheck = async () => {
      try {
        const fresh = await client.get(kind.gvr, owner.metadata.namespace, owner.metadata.name!);
        return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
      } catch (e) {
        if (isStatus(e, 404)) return false;
        throw e;
      }
    };
    const claimed: KObject[] = [];
    const errors: Error[] = [];
    for (const pod of candidates) {
      const decision = claimDecision(owner, pod, selector.matches(pod.metadata.labels ?? {}));
      if (decision === 'owned') claimed.push(pod);
      else if (decision === 'adopt') {
        try {
          if (!(await (canAdopt ??= recheck()))) continue;
          claimed.push(
            await client.patch(GVR.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', adoptPatch(owner, pod), write),
          );
        } catch (e) {
          if (!isStatus(e, 404, 409)) errors.push(e as Error);
        }
      } else if (decision === 'release') {
        try {
          await client.patch(GVR.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', releasePatch(owner, pod), write);
        } catch (e) {
          // Gone, or replaced by another pod of that name (the uid precondition): nothing to release.
          if (!isStatus(e, 404, 409, 422)) errors.push(e as Error);
        }
      }
    }
    if (errors.length) throw errors[0];
    return claimed;
  };

  const createPod = async (owner: KObject) => {
    const template = (owner as J).spec?.template;
    if (!Object.keys(template?.metadata?.labels ?? {}).length) throw new Error('unable to create pods, no labels');
    try {
      const pod = await client.create(GVR.pods, owner.metadata.namespace, podFromTemplate(template, owner, controllerRef(owner)), write);
      event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (e) {
      // A terminating namespace refuses every create: not the template's fault, and not worth an event.
      if (hasCause(e, 'NamespaceTerminating')) return;
      event(owner, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
  };

  const deletePod = async (owner: KObject, key: string, pod: KObject) => {
    try {
      await client.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name!);
      event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      // The informer will not see this deletion: stop waiting for it.
      expectations.deletionObserved(key, objectKey(pod));
      if (isStatus(e, 404)) return;
      event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
  };

  /** manageReplicas: creates or deletes the difference; resolves to the first error, if any. */
  const manageReplicas = async (owner: KObject, key: string, claimed: KObject[]): Promise<Error | undefined> => {
    const diff = claimed.length - Number((owner as J).spec?.replicas ?? 1);
    if (diff < 0) {
      const n = Math.min(-diff, burst);
      expectations.expectCreations(key, n);
      const { successes, error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH_SIZE, () => createPod(owner));
      // Creations that failed or were skipped will never be observed.
      for (let i = successes; i < n; i++) expectations.creationObserved(key);
      return error;
    }
    if (diff > 0) {
      const victims = podsToDelete(claimed, claimed, Math.min(diff, burst), now());
      expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map((p) => deletePod(owner, key, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return failed?.reason as Error | undefined;
    }
    return undefined;
  };

  /** updateReplicaSetStatus: only when something changed; a conflict reads the owner again once. */
  const updateStatus = async (owner: KObject, status: ReplicaStatus): Promise<void> => {
    let cur = owner;
    for (let attempt = 0; ; attempt++) {
      if (!statusNeedsUpdate(cur, status)) return;
      try {
        await client.updateStatus(
          kind.gvr,
          cur.metadata.namespace,
          { ...cur, status: { ...status, observedGeneration: cur.metadata.generation } },
          write,
        );
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409) || attempt >= 1) throw e;
        cur = typed(await client.get(kind.gvr, owner.metadata.namespace, owner.metadata.name!));
        if (cur.metadata.uid !== owner.metadata.uid) return;
      }
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const cached = owners.get(namespace, name);
    if (!cached) {
      expectations.delete(key);
      return;
    }
    const owner = typed(cached);
    const selector = selectorOrUndefined(owner);
    if (!selector) {
      ctx.log.warn({ controller: kind.name, key }, 'invalid selector');
      return;
    }
    // Read before looking at pods: a creation observed meanwhile must not be missing from the list below.
    const needsSync = expectations.satisfied(key);
    const active = pods.byIndex('namespace', namespace).filter(isPodActive);
    const claimed = await claimPods(owner, selector, active);
    const manageError = needsSync && !owner.metadata.deletionTimestamp ? await manageReplicas(owner, key, claimed) : undefined;
    const status = calculateStatus(owner, claimed, manageError, now());
    await updateStatus(owner, status);
    // Back-off (the workqueue's rate limiter) for a refused template: no storm of creates.
    if (manageError) throw manageError;
    const recheck = availabilityRecheckMs(owner, status);
    return recheck === undefined ? undefined : { requeueAfterMs: recheck };
  };

  const controller = new Controller(kind.name, reconcile, ctx.log, 5);
  controller.source(owners, onOwner);
  controller.source(pods, onPod);
  return controller;
}
