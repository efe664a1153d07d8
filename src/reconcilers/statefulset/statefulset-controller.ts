// The StatefulSet controller (kube-controller-manager's pkg/controller/statefulset), through the client seam as
// system:serviceaccount:kube-system:statefulset-controller. Each sync claims the set's pods (members by name and
// selector) and revisions, settles the current and update revisions, keeps the claims' owners as the retention
// policy says, then runs the plan of plan.ts (creates with their PVCs first, deletes, identity fixes), writes status
// and trims the history to revisionHistoryLimit. No expectations: pod names are fixed, so a create the cache has not
// seen yet fails with AlreadyExists and the next event brings the sync back.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { GVR, objectKey, splitKey, type Client, type Gvr } from '../../client/types.js';
import { updateWith } from '../../client/update-with.js';
import { Controller, type KeysOf, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { controllerRef, controllerRefOf } from '../replicaset/claim.js';
import { ownerLookup, specSelectorOf } from '../replicaset/owner-lookup.js';
import { claimObjects } from '../replicaset/claim-objects.js';
import { isPodReady } from '../replicaset/pod-state.js';
import { historyToDelete } from '../history/controller-history.js';
import { GVR_CONTROLLER_REVISIONS } from '../history/store.js';
import { claimsFor, identityPatch, isMemberOf, ordinalOf, podRevision } from './identity.js';
import { completeRollingUpdate, planStatefulSet, type SetAction, type SetStatus } from './plan.js';
import { claimIsStale, claimOwnerRefs, hasUnexpectedController, isClaimOwnerUpToDate } from './retention.js';
import { applyRevision, statefulSetRevisions } from './revisions.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const STATEFULSET_CONTROLLER = 'statefulset-controller';
export const GVR_STATEFULSETS: Gvr = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const WRITE = { fieldManager: STATEFULSET_CONTROLLER };

export interface StatefulSetControllerOptions {
  recorder?: EventRecorder;
  now?: () => number;
  /** Concurrent syncs (kube-controller-manager's --concurrent-statefulset-syncs is 5). */
  workers?: number;
}

export interface RunningStatefulSetController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const code = (e: unknown) => (e instanceof StatusError ? e.code : 0);
const typed = (s: KObject): KObject => ({ ...s, apiVersion: 'apps/v1', kind: 'StatefulSet' });

const selectorOf = (set: KObject) => specSelectorOf(set, { nonEmpty: true });

const STATUS_FIELDS: (keyof SetStatus)[] = [
  'observedGeneration',
  'replicas',
  'readyReplicas',
  'currentReplicas',
  'updatedReplicas',
  'availableReplicas',
  'currentRevision',
  'updateRevision',
  'collisionCount',
];

const OMIT_EMPTY = ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision'];

export async function startStatefulSetController(
  ctx: ReconcilerContext,
  opts: StatefulSetControllerOptions = {},
): Promise<RunningStatefulSetController> {
  const client: Client = ctx.client(controllerIdentity(STATEFULSET_CONTROLLER));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const now = opts.now ?? Date.now;
  const onError = (err: Error) => ctx.log.warn({ controller: STATEFULSET_CONTROLLER, err: err.message }, 'informer');
  const sets = new Informer(client, GVR_STATEFULSETS, { onError });
  const pods = new Informer(client, GVR.pods, { onError });
  const revisions = new Informer(client, GVR_CONTROLLER_REVISIONS, { onError });
  const claims = new Informer(client, GVR.persistentvolumeclaims, { onError });
  const event = (set: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(typed(set), type, reason, message, { component: STATEFULSET_CONTROLLER });

  // The set a pod or revision names as its controller; getPodStatefulSets (the sets that might adopt an orphan).
  const { ownerKeyOf, ownersMatching: setsMatching } = ownerLookup(sets, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, selectorOf);
  const onOwned: KeysOf = (type, old, o) => {
    const keys = new Set<string>();
    for (const x of old && type === 'MODIFIED' ? [old, o] : [o]) {
      const k = ownerKeyOf(x);
      if (k) keys.add(k);
      else if (!controllerRefOf(x) && type !== 'DELETED') setsMatching(x).forEach((s) => keys.add(s));
    }
    // Becoming ready starts minReadySeconds: look again once the pod may count as available.
    if (old && !isPodReady(old) && isPodReady(o))
      for (const k of keys) {
        const minReady = Number((sets.get(...splitKey(k)) as J | undefined)?.spec?.minReadySeconds ?? 0);
        if (minReady > 0) controller.enqueueAfter(k, minReady * 1000 + 500);
      }
    return [...keys];
  };
  const onClaim: KeysOf = (_type, _old, claim) => {
    const [parent] = /^(.*)-[0-9]+$/.exec(claim.metadata.name ?? '') ?? [];
    if (!parent) return [];
    return sets
      .byIndex('namespace', claim.metadata.namespace ?? '')
      .filter((s) => claim.metadata.name!.includes(`-${s.metadata.name}-`))
      .map(objectKey);
  };

  /** PodClaimIsStale: a claim of the pod still names an earlier pod of its name (the garbage collector will take it). */
  const hasStaleClaim = (set: KObject, pod: KObject) =>
    claimsFor(set, ordinalOf(pod)).some((want) => {
      const claim = claims.get(set.metadata.namespace, want.metadata.name!);
      return !!claim && claimIsStale(set, pod, claim);
    });

  /** createPersistentVolumeClaims: each missing claim of the pod, owned as the retention policy says. */
  const createClaims = async (set: KObject, pod: KObject) => {
    for (const claim of claimsFor(set, ordinalOf(pod))) {
      const existing = claims.get(set.metadata.namespace, claim.metadata.name!);
      if (existing?.metadata.deletionTimestamp) throw new Error(`pvc ${claim.metadata.name} is being deleted`);
      if (existing) continue;
      const refs = claimOwnerRefs(set, pod, claim);
      if (refs.length) claim.metadata.ownerReferences = refs;
      try {
        await client.create(GVR.persistentvolumeclaims, set.metadata.namespace, claim, WRITE);
        event(
          set,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
        );
      } catch (e) {
        if (code(e) === 409) continue;
        event(
          set,
          'Warning',
          'FailedCreate',
          `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`,
        );
        throw e;
      }
    }
  };

  /** Claims of existing pods carry the owners the retention policy asks for (updateClaimOwnerRefForSetAndPod). */
  const syncClaimOwners = async (set: KObject, owned: KObject[]) => {
    for (const pod of owned) {
      if (pod.metadata.deletionTimestamp) continue;
      for (const want of claimsFor(set, ordinalOf(pod))) {
        const claim = claims.get(set.metadata.namespace, want.metadata.name!);
        if (!claim || claim.metadata.deletionTimestamp) continue;
        if (hasUnexpectedController(claim, set, pod))
          event(
            set,
            'Warning',
            'ConflictingController',
            `PersistentVolumeClaim ${claim.metadata.name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`,
          );
        if (isClaimOwnerUpToDate(set, pod, claim)) continue;
        try {
          await updateWith(
            client,
            GVR.persistentvolumeclaims,
            claim.metadata.namespace,
            claim.metadata.name!,
            (cur) => {
              const refs = claimOwnerRefs(set, pod, cur);
              if (refs.length) cur.metadata.ownerReferences = refs;
              else delete cur.metadata.ownerReferences;
              return cur;
            },
            WRITE,
          );
        } catch (e) {
          if (code(e) !== 404) throw e;
        }
      }
    }
  };

  const run = async (set: KObject, action: SetAction): Promise<void> => {
    const ns = set.metadata.namespace;
    const name = action.pod.metadata.name!;
    if (action.type === 'create') {
      // A claim left by an earlier pod of this name waits for the garbage collector: its deletion brings us back.
      if (hasStaleClaim(set, action.pod)) return;
      await createClaims(set, action.pod);
      try {
        await client.create(GVR.pods, ns, action.pod, WRITE);
        event(set, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} successful`);
      } catch (e) {
        // The cache is behind our own create, or the old pod of that name is still terminating: its event returns us here.
        if (code(e) === 409) return;
        event(
          set,
          'Warning',
          'FailedCreate',
          `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`,
        );
        throw e;
      }
    } else if (action.type === 'delete') {
      try {
        await client.delete(GVR.pods, ns, name, { preconditions: { uid: action.pod.metadata.uid } });
        event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${set.metadata.name} successful`);
      } catch (e) {
        if (code(e) === 404 || code(e) === 409) return;
        event(
          set,
          'Warning',
          'FailedDelete',
          `delete Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`,
        );
        throw e;
      }
    } else {
      await createClaims(set, action.pod);
      const patch = identityPatch(set, action.pod);
      if (!patch) return;
      try {
        await client.patch(GVR.pods, ns, name, 'merge', patch, WRITE);
        event(set, 'Normal', 'SuccessfulUpdate', `update Pod ${name} in StatefulSet ${set.metadata.name} successful`);
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    }
  };

  const execute = async (set: KObject, actions: SetAction[]) => {
    // Parallel creates go together (the burst slowStartBatch makes); everything else in order.
    // Failed pods go first, so that their replacements' names are free.
    const creates = actions.filter((a) => a.type === 'create');
    if (creates.length > 1) {
      const failedPods = actions.filter((a) => a.type === 'delete' && a.why === 'failed');
      for (const a of failedPods) await run(set, a);
      const results = await Promise.allSettled(creates.map((a) => run(set, a)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const a of actions) if (a.type !== 'create' && !failedPods.includes(a)) await run(set, a);
      return;
    }
    for (const a of actions) await run(set, a);
  };

  const writeStatus = async (set: KObject, status: SetStatus) => {
    const cur: J = (set as J).status ?? {};
    if (STATUS_FIELDS.every((f) => deepEqual(cur[f] ?? (typeof status[f] === 'string' ? '' : 0), status[f] ?? 0))) return;
    try {
      await updateWith(
        client,
        GVR_STATEFULSETS,
        set.metadata.namespace,
        set.metadata.name!,
        (fresh) => {
          if (fresh.metadata.uid !== set.metadata.uid) return fresh;
          const next: J = { ...((fresh as J).status ?? {}), ...status };
          // StatefulSetStatus's omitempty fields are left out at zero, as the apiserver serializes them.
          for (const f of OMIT_EMPTY) if (!next[f]) delete next[f];
          (fresh as J).status = next;
          return fresh;
        },
        { ...WRITE, status: true },
      );
    } catch (e) {
      if (code(e) !== 404) throw e;
    }
  };

  const truncateHistory = async (set: KObject, all: KObject[], owned: KObject[], current: KObject, update: KObject) => {
    const live = new Set([current.metadata.name!, update.metadata.name!, ...owned.map(podRevision)]);
    const limit = Number((set as J).spec?.revisionHistoryLimit ?? 10);
    for (const r of historyToDelete(all, live, limit)) {
      try {
        await client.delete(GVR_CONTROLLER_REVISIONS, r.metadata.namespace, r.metadata.name!);
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const cached = sets.get(namespace, name);
    if (!cached) return;
    const set = typed(cached);
    const selector = selectorOf(set);
    if (!selector) {
      event(set, 'Warning', 'SelectingAll', 'This statefulset is selecting all pods. A non-empty selector is required.');
      return;
    }
    const ref: OwnerReference = controllerRef(set);
    const target = { client, ownerGvr: GVR_STATEFULSETS, owner: set, ref, write: WRITE };
    const owned = await claimObjects(
      target,
      GVR.pods,
      pods.byIndex('namespace', namespace),
      (p) => isMemberOf(set, p) && selector.matches(p.metadata.labels ?? {}),
    );
    const ownedRevisions = await claimObjects(target, GVR_CONTROLLER_REVISIONS, revisions.byIndex('namespace', namespace), (r) =>
      selector.matches(r.metadata.labels ?? {}),
    );
    const revs = await statefulSetRevisions(client, set, ref, ownedRevisions, WRITE);
    await syncClaimOwners(set, owned);
    const plan = planStatefulSet({
      set,
      currentSet: applyRevision(set, revs.current),
      updateSet: applyRevision(set, revs.update),
      currentRevision: revs.current.metadata.name!,
      updateRevision: revs.update.metadata.name!,
      collisionCount: revs.collisionCount,
      pods: owned,
      ref,
      now: now(),
    });
    let failure: unknown;
    try {
      await execute(set, plan.actions);
    } catch (e) {
      failure = e;
    }
    await writeStatus(set, completeRollingUpdate(set, plan.status));
    if (failure) throw failure;
    await truncateHistory(set, revs.all, owned, revs.current, revs.update);
    const minReady = Number((set as J).spec?.minReadySeconds ?? 0);
    if (minReady > 0 && plan.status.availableReplicas < plan.status.readyReplicas) return { requeueAfterMs: minReady * 1000 };
    return undefined;
  };

  const controller = new Controller(STATEFULSET_CONTROLLER, reconcile, ctx.log, opts.workers ?? 5);
  controller.source(sets, (_t, _o, s) => [objectKey(s)]);
  controller.source(pods, onOwned);
  controller.source(revisions, onOwned);
  controller.source(claims, onClaim);
  await controller.start();
  return { controller, recorder, stop: () => controller.stop() };
}
