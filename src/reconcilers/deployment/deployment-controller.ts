// The deployment controller (kube-controller-manager's pkg/controller/deployment): level-triggered over
// deployments, their ReplicaSets and (for Recreate) their pods, through the client seam as
// kube-system/deployment-controller. Each sync claims the sets, then either only resizes (paused, or a scaling event:
// proportional scaling) or takes one rollout step (RollingUpdate or Recreate), then writes status and conditions.
// The arithmetic lives in rollout-math.ts and status.ts; this file reads and writes.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../machinery/labels.js';
import { INDEX, Informer, PREDICATE } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { GVR, type Client } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { setNewReplicaSetAnnotations, setReplicasAnnotations, replicasAnnotationsNeedUpdate } from './annotations.js';
import { GVR_DEPLOYMENTS, GVR_REPLICASETS, claimReplicaSets, controllerRefTo } from './claim.js';
import { computeHash } from './hash.js';
import {
  DESIRED_REPLICAS,
  POD_TEMPLATE_HASH,
  REVISION,
  activeOf,
  byRevision,
  controllerOf,
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  specReplicas,
  statusOf,
  statusSum,
} from './replica-sets.js';
import { desiredReplicas, maxSurge, newReplicaSetReplicas, oldReplicaSetScaleDowns, scalePlan } from './rollout-math.js';
import {
  REASON,
  calculateStatus,
  deploymentComplete,
  getCondition,
  newCondition,
  pausedConditionChange,
  progressDeadline,
  rolloutStatus,
  setCondition,
  stuckRequeueMs,
} from './status.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CONTROLLER_NAME = 'deployment-controller';
const WRITE = { fieldManager: CONTROLLER_NAME };

export interface DeploymentControllerOptions {
  recorder?: EventRecorder;
  now?: () => number;
  /** Concurrent syncs (kube-controller-manager's --concurrent-deployment-syncs is 5). */
  workers?: number;
}

export interface RunningDeploymentController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;
const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

/** A selector that selects everything (upstream refuses to act on it). */
function selectsEverything(d: KObject): boolean {
  const s = (d as J).spec?.selector as LabelSelectorObject | undefined;
  return !s || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length);
}

export async function startDeploymentController(
  ctx: ReconcilerContext,
  opts: DeploymentControllerOptions = {},
): Promise<RunningDeploymentController> {
  const client: Client = ctx.client(controllerIdentity('deployment-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const now = opts.now ?? Date.now;
  const deployments = new Informer(client, GVR_DEPLOYMENTS);
  const replicaSets = new Informer(client, GVR_REPLICASETS, { indexers: { ownerUid: INDEX.ownerUid } });
  const pods = new Informer(client, GVR.pods, { indexers: { ownerUid: INDEX.ownerUid } });

  const event = (d: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(d, type, reason, message, { component: CONTROLLER_NAME });

  /** One sync's view of its deployment: replaced by every write so later writes carry the latest resourceVersion. */
  interface Sync {
    d: KObject;
    /** The claimed sets; a set this sync wrote is replaced by the written version (a later step must not undo it). */
    sets: KObject[];
  }

  const remember = (s: Sync, rs: KObject) => {
    const i = s.sets.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) s.sets[i] = rs;
    else s.sets.push(rs);
  };

  const writeStatus = async (s: Sync, status: J) => {
    s.d = await client.updateStatus(GVR_DEPLOYMENTS, s.d.metadata.namespace, { ...s.d, status }, WRITE);
  };

  /**
   * SetDeploymentRevision. Upstream writes the annotation along with status (its status strategy keeps annotation
   * changes); our /status keeps only status, so the annotation goes in an update of its own (the controller's role
   * has update on deployments, not patch).
   */
  const syncRevision = async (s: Sync, revision: string): Promise<void> => {
    if (s.d.metadata.annotations?.[REVISION] === revision) return;
    const annotations = { ...s.d.metadata.annotations, [REVISION]: revision };
    s.d = await client.update(GVR_DEPLOYMENTS, s.d.metadata.namespace, { ...s.d, metadata: { ...s.d.metadata, annotations } }, WRITE);
  };

  /** scaleReplicaSet: resize and refresh the replica annotations; the event only for a resize. */
  const scaleReplicaSet = async (s: Sync, rs: KObject, replicas: number, operation: string | undefined): Promise<KObject> => {
    const d = s.d;
    const max = desiredReplicas(d) + maxSurge(d);
    const resize = specReplicas(rs) !== replicas;
    if (!resize && !replicasAnnotationsNeedUpdate(rs, desiredReplicas(d), max)) return rs;
    const from = specReplicas(rs);
    const next = structuredClone(rs) as J;
    next.spec.replicas = replicas;
    setReplicasAnnotations(next as KObject, desiredReplicas(d), max);
    const updated = await client.update(GVR_REPLICASETS, rs.metadata.namespace, next as KObject, WRITE);
    remember(s, updated);
    if (resize)
      event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation ?? ''} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    return updated;
  };

  /** scaleReplicaSetAndRecordEvent: nothing when the size is right. */
  const scaleAndRecord = (s: Sync, rs: KObject, replicas: number) =>
    specReplicas(rs) === replicas ? Promise.resolve(rs) : scaleReplicaSet(s, rs, replicas, specReplicas(rs) < replicas ? 'up' : 'down');

  /** getNewReplicaSet: the set running the deployment's template, its annotations synced, created when asked. */
  const getNewReplicaSet = async (s: Sync, rsList: KObject[], oldRSs: KObject[], create: boolean): Promise<KObject | undefined> => {
    const existing = findNewReplicaSet(s.d, rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    const spec: J = (s.d as J).spec;
    if (existing) {
      let rs = structuredClone(existing) as J;
      const annotated = setNewReplicaSetAnnotations(
        s.d,
        rs as KObject,
        newRevision,
        true,
        desiredReplicas(s.d),
        desiredReplicas(s.d) + maxSurge(s.d),
      );
      if (annotated || (rs.spec.minReadySeconds ?? 0) !== (spec.minReadySeconds ?? 0)) {
        rs.spec.minReadySeconds = spec.minReadySeconds ?? 0;
        rs = await client.update(GVR_REPLICASETS, rs.metadata.namespace, rs as KObject, WRITE);
        remember(s, rs as KObject);
      }
      await syncRevision(s, rs.metadata.annotations?.[REVISION] ?? '');
      if (progressDeadline(s.d) !== undefined && !getCondition((s.d as J).status ?? {}, 'Progressing')) {
        const status = structuredClone((s.d as J).status ?? {});
        setCondition(status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${rs.metadata.name}"`, now()));
        await writeStatus(s, status);
      }
      return rs as KObject;
    }
    if (!create) return undefined;

    const collisionCount: number | undefined = (s.d as J).status?.collisionCount;
    const hash = computeHash(spec.template, collisionCount);
    const template = structuredClone(spec.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const fresh: J = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${s.d.metadata.name}-${hash}`,
        namespace: s.d.metadata.namespace,
        ownerReferences: [controllerRefTo(s.d)],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newReplicaSetReplicas(s.d, [...oldRSs, fresh as KObject], fresh as KObject);
    fresh.spec.replicas = replicas;
    setNewReplicaSetAnnotations(s.d, fresh as KObject, newRevision, false, desiredReplicas(s.d), desiredReplicas(s.d) + maxSurge(s.d));

    let created: KObject;
    let alreadyExists = false;
    try {
      created = await client.create(GVR_REPLICASETS, s.d.metadata.namespace, fresh as KObject, WRITE);
    } catch (e) {
      if (e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists') {
        const rs = await client.get(GVR_REPLICASETS, s.d.metadata.namespace, fresh.metadata.name);
        if (controllerOf(rs)?.uid === s.d.metadata.uid && equalIgnoreHash(spec.template, (rs as J).spec?.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          // A hash collision: another template (or owner) holds the name. Bump collisionCount; the next sync hashes anew.
          const status = structuredClone((s.d as J).status ?? {});
          status.collisionCount = (collisionCount ?? 0) + 1;
          await writeStatus(s, status);
          ctx.log.info(
            { deployment: keyOf(s.d.metadata.namespace, s.d.metadata.name!), collisionCount: status.collisionCount },
            'found a hash collision for deployment - bumping collisionCount',
          );
          throw e;
        }
      } else if (e instanceof StatusError && e.code === 403) {
        throw e; // the namespace is terminating
      } else {
        const msg = `Failed to create new replica set "${fresh.metadata.name}": ${(e as Error).message}`;
        if (progressDeadline(s.d) !== undefined) {
          const status = structuredClone((s.d as J).status ?? {});
          setCondition(status, newCondition('Progressing', 'False', REASON.failedRSCreate, msg, now()));
          await writeStatus(s, status);
        }
        event(s.d, 'Warning', REASON.failedRSCreate, msg);
        throw e;
      }
    }
    remember(s, created);
    if (!alreadyExists && replicas > 0)
      event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    await syncRevision(s, newRevision);
    if (!alreadyExists && progressDeadline(s.d) !== undefined) {
      const status = structuredClone((s.d as J).status ?? {});
      setCondition(
        status,
        newCondition('Progressing', 'True', REASON.newReplicaSet, `Created new replica set "${created.metadata.name}"`, now()),
      );
      await writeStatus(s, status);
    }
    return created;
  };

  /** getAllReplicaSetsAndSyncRevision: the new set (maybe created) and every old one. */
  const allReplicaSets = async (s: Sync, rsList: KObject[], create: boolean) => {
    const { allOld } = findOldReplicaSets(s.d, rsList);
    const newRS = await getNewReplicaSet(s, rsList, allOld, create);
    return { newRS, oldRSs: allOld };
  };

  /** syncRolloutStatus: write the status if it changed; otherwise look again when the progress deadline may pass. */
  const syncRolloutStatus = async (s: Sync, allRSs: (KObject | undefined)[], newRS: KObject | undefined): Promise<ReconcileResult> => {
    const status = rolloutStatus(allRSs, newRS, s.d, now());
    if (deepEqual((s.d as J).status ?? {}, status)) {
      const after = stuckRequeueMs(s.d, status, now());
      return after === undefined ? undefined : { requeueAfterMs: after };
    }
    await writeStatus(s, status);
    return undefined;
  };

  /** cleanupDeployment: old sets beyond revisionHistoryLimit go, oldest revision first, only when fully scaled down. */
  const cleanup = async (s: Sync, oldRSs: KObject[]) => {
    const limit = (s.d as J).spec?.revisionHistoryLimit;
    if (typeof limit !== 'number') return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - limit;
    for (const rs of cleanable.slice(0, Math.max(0, diff))) {
      const st = statusOf(rs);
      if (Number(st.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > Number(st.observedGeneration ?? 0))
        continue;
      try {
        await client.delete(GVR_REPLICASETS, rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  };

  /** sync(): resize only (paused deployments and scaling events), then status. */
  const syncScale = async (s: Sync, rsList: KObject[]): Promise<ReconcileResult> => {
    const { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
    const plan = scalePlan(s.d, newRS, oldRSs);
    for (const step of plan.steps) {
      if (step.always) await scaleReplicaSet(s, step.rs, step.replicas, plan.operation);
      else await scaleAndRecord(s, step.rs, step.replicas);
    }
    if ((s.d as J).spec?.paused) await cleanup(s, oldRSs);
    const status = calculateStatus([...oldRSs, newRS], newRS, s.d, now());
    if (!deepEqual((s.d as J).status ?? {}, status)) await writeStatus(s, status);
    return undefined;
  };

  /** isScalingEvent: an active set was sized for another replica count than the deployment asks for now. */
  const isScalingEvent = async (s: Sync, rsList: KObject[]): Promise<boolean> => {
    const { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
    return activeOf([...oldRSs, newRS]).some((rs) => {
      const v = rs.metadata.annotations?.[DESIRED_REPLICAS];
      return v !== undefined && /^\d+$/.test(v) && Number(v) !== desiredReplicas(s.d);
    });
  };

  const rolloutRolling = async (s: Sync, rsList: KObject[]): Promise<ReconcileResult> => {
    const { newRS, oldRSs } = await allReplicaSets(s, rsList, true);
    const allRSs = [...oldRSs, newRS];
    if (newRS) {
      // reconcileNewReplicaSet
      const n = desiredReplicas(s.d);
      const target = specReplicas(newRS) > n ? n : newReplicaSetReplicas(s.d, allRSs, newRS);
      if (target !== specReplicas(newRS)) {
        await scaleAndRecord(s, newRS, target);
        return syncRolloutStatus(s, allRSs, newRS);
      }
    }
    const downs = oldReplicaSetScaleDowns(s.d, allRSs, activeOf(oldRSs), newRS);
    for (const step of downs) await scaleAndRecord(s, step.rs, step.replicas);
    if (downs.length) return syncRolloutStatus(s, allRSs, newRS);
    if (deploymentComplete(s.d, (s.d as J).status ?? {})) await cleanup(s, oldRSs);
    return syncRolloutStatus(s, allRSs, newRS);
  };

  /** oldPodsRunning: an old set still reports pods, or a pod of one is not finished (terminating ones count). */
  const oldPodsRunning = (newRS: KObject | undefined, oldRSs: KObject[]) =>
    statusSum(oldRSs, 'replicas') > 0 ||
    oldRSs.some(
      (rs) =>
        rs.metadata.uid !== newRS?.metadata.uid &&
        pods.byIndex('ownerUid', rs.metadata.uid!).some((p) => !['Failed', 'Succeeded'].includes((p as J).status?.phase)),
    );

  const rolloutRecreate = async (s: Sync, rsList: KObject[]): Promise<ReconcileResult> => {
    let { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
    let scaledDown = false;
    for (const rs of activeOf(oldRSs)) {
      await scaleAndRecord(s, rs, 0);
      scaledDown = true;
    }
    if (scaledDown || oldPodsRunning(newRS, oldRSs)) return syncRolloutStatus(s, [...oldRSs, newRS], newRS);
    if (!newRS) ({ newRS, oldRSs } = await allReplicaSets(s, rsList, true));
    if (newRS) await scaleAndRecord(s, newRS, desiredReplicas(s.d));
    if (deploymentComplete(s.d, (s.d as J).status ?? {})) await cleanup(s, oldRSs);
    return syncRolloutStatus(s, [...oldRSs, newRS], newRS);
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const slash = key.indexOf('/');
    const cached = deployments.get(key.slice(0, slash), key.slice(slash + 1));
    if (!cached) return;
    const s: Sync = { d: structuredClone(cached), sets: [] };
    const d = s.d as J;
    if (selectsEverything(s.d)) {
      event(s.d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0))
        await writeStatus(s, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      return;
    }
    const candidates = replicaSets.byIndex('namespace', s.d.metadata.namespace!);
    const rsList = await claimReplicaSets(client, s.d, candidates);
    s.sets = rsList;
    if (s.d.metadata.deletionTimestamp) {
      // syncStatusOnly
      const { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
      const status = calculateStatus([...oldRSs, newRS], newRS, s.d, now());
      if (!deepEqual(d.status ?? {}, status)) await writeStatus(s, status);
      return;
    }
    const paused = pausedConditionChange(s.d, now());
    if (paused) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, paused);
      await writeStatus(s, status);
    }
    if ((s.d as J).spec?.paused || (await isScalingEvent(s, rsList))) return syncScale(s, rsList);
    return ((s.d as J).spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate' ? rolloutRecreate(s, rsList) : rolloutRolling(s, rsList);
  };

  const c = new Controller(CONTROLLER_NAME, reconcile, ctx.log, opts.workers ?? 2);

  /** The deployment controlling a set (uid checked), or every deployment in its namespace whose selector matches an orphan. */
  const ownersOf = (rs: KObject): string[] => {
    const ref = controllerOf(rs);
    const ns = rs.metadata.namespace;
    if (ref) {
      if (ref.kind !== 'Deployment') return [];
      const d = deployments.get(ns, ref.name);
      return d && d.metadata.uid === ref.uid ? [keyOf(ns, ref.name)] : [];
    }
    if (rs.metadata.deletionTimestamp) return [];
    return deployments
      .byIndex('namespace', ns ?? '')
      .filter((d) => {
        if (selectsEverything(d)) return false;
        try {
          return labelSelectorFromObject((d as J).spec?.selector).matches(rs.metadata.labels ?? {});
        } catch {
          return false;
        }
      })
      .map((d) => keyOf(ns, d.metadata.name!));
  };

  c.source(deployments, (_t, _old, d) => [keyOf(d.metadata.namespace, d.metadata.name!)], PREDICATE.resourceVersionChanged);
  c.source(replicaSets, (_t, old, rs) => [...new Set([...(old ? ownersOf(old) : []), ...ownersOf(rs)])], PREDICATE.resourceVersionChanged);
  // Recreate waits for old pods to be gone: their deletion (or finishing) is what lets it go on.
  c.source(
    pods,
    (t, old, pod) => {
      const finished =
        ['Failed', 'Succeeded'].includes((pod as J).status?.phase) && (old as J | undefined)?.status?.phase !== (pod as J).status?.phase;
      if (t !== 'DELETED' && !finished) return [];
      const ref = controllerOf(pod);
      const rs = ref?.kind === 'ReplicaSet' ? replicaSets.get(pod.metadata.namespace, ref.name) : undefined;
      return rs ? ownersOf(rs) : [];
    },
    PREDICATE.resourceVersionChanged,
  );
  await c.start();
  ctx.log.debug({ controller: CONTROLLER_NAME, keys: deployments.list().length }, 'deployment controller started');
  return {
    controller: c,
    recorder,
    stop: () => c.stop(),
  };
}
