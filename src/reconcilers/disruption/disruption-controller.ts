// The disruption controller (kube-controller-manager's pkg/controller/disruption): keeps each PodDisruptionBudget's
// status (currentHealthy, desiredHealthy, disruptionsAllowed, expectedPods, disruptedPods, observedGeneration and
// the DisruptionAllowed condition) from the pods it selects and their controllers' scale. The eviction subresource
// spends disruptionsAllowed; this controller recounts it as pods go and come. Level-triggered on namespace/name,
// through the client seam as kube-system/disruption-controller.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import { Informer, PREDICATE } from '../../client/informer.js';
import { KUBE_CONTROLLER_MANAGER, controllerIdentity } from '../../client/identities.js';
import { objectKey, GVR, type Client, type Gvr, splitKey } from '../../client/types.js';
import { setBudgetCondition, SYNC_FAILED, updateDisruptionAllowedCondition } from '../../registry/policy/disruption-budget.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import {
  buildDisruptedPodMap,
  controllerRefOf,
  countHealthyPods,
  disruptionsAllowed,
  expectedPodCount,
  type ControllerScale,
  type ScaleFinder,
} from './budget-math.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PDBS: Gvr = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
const REPLICASETS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };
const DEPLOYMENTS: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
const RCS: Gvr = { group: '', version: 'v1', resource: 'replicationcontrollers' };
const COMPONENT = 'controllermanager';
const FIELD_MANAGER = 'kube-controller-manager';

export interface DisruptionControllerOptions {
  now?: () => number;
  recorder?: EventRecorder;
}

export interface RunningDisruptionController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0]! : '');
const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);

/** The pods a budget selects: a null selector none, an empty one all (policy/v1). */
function selectorOf(pdb: KObject): LabelSelector | undefined {
  const sel = (pdb as J).spec?.selector as LabelSelectorObject | undefined;
  try {
    return labelSelectorFromObject(sel);
  } catch {
    return undefined;
  }
}

export async function startDisruptionController(
  ctx: ReconcilerContext,
  opts: DisruptionControllerOptions = {},
): Promise<RunningDisruptionController> {
  const client: Client = ctx.client(controllerIdentity('disruption-controller'));
  const now = opts.now ?? Date.now;
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'disruption', err: err.message }, 'informer');
  const pdbs = new Informer(client, PDBS, { onError });
  // Its role does not read pods: upstream it sees them through kube-controller-manager's shared informer.
  const pods = new Informer(ctx.client(KUBE_CONTROLLER_MANAGER), GVR.pods, { onError });
  const replicaSets = new Informer(client, REPLICASETS, { onError });
  const deployments = new Informer(client, DEPLOYMENTS, { onError });
  const rcs = new Informer(client, RCS, { onError });
  const event = (pdb: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record({ ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }, type, reason, message, { component: COMPONENT });

  /** The finders of getExpectedScale: ReplicationController, a ReplicaSet not run by a Deployment, a Deployment. */
  const findScale: ScaleFinder = (pod, ref) => {
    const ns = pod.metadata.namespace;
    const same = (o: KObject | undefined) => (o && o.metadata.uid === ref.uid ? o : undefined);
    if (ref.kind === 'ReplicationController' && groupOf(ref.apiVersion) === '') {
      const rc = same(rcs.get(ns, ref.name));
      return rc ? { uid: rc.metadata.uid!, replicas: Number((rc as J).spec?.replicas ?? 1) } : undefined;
    }
    if (ref.kind === 'ReplicaSet' && ['apps', 'extensions'].includes(groupOf(ref.apiVersion))) {
      const rs = same(replicaSets.get(ns, ref.name));
      if (!rs) return undefined;
      const owner = controllerRefOf(rs);
      if (owner?.kind !== 'Deployment') return { uid: rs.metadata.uid!, replicas: Number((rs as J).spec?.replicas ?? 1) };
      const d = deployments.get(ns, owner.name);
      return d && d.metadata.uid === owner.uid
        ? ({ uid: d.metadata.uid!, replicas: Number((d as J).spec?.replicas ?? 1) } as ControllerScale)
        : undefined;
    }
    return undefined;
  };

  const writeStatus = async (pdb: KObject, status: J): Promise<void> => {
    try {
      await client.updateStatus(PDBS, pdb.metadata.namespace, { ...pdb, status }, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      // Gone, or changed meanwhile: the change enqueues another sync from the newer object.
      if (!isStatus(e, 404, 409)) throw e;
    }
  };

  /** trySync: count, compute, and write the status when it changed. */
  const trySync = async (pdb: KObject, selector: LabelSelector): Promise<ReconcileResult> => {
    const matching = pods.byIndex('namespace', pdb.metadata.namespace ?? '').filter((p) => selector.matches(p.metadata.labels ?? {}));
    if (!matching.length) event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    const { expectedCount, desiredHealthy, unmanaged } = expectedPodCount(pdb, matching, findScale);
    if (unmanaged.length) {
      ctx.log.debug({ controller: 'disruption', pdb: objectKey(pdb), unmanaged }, 'pods without a controller are ignored for the scale');
    }
    const nowMs = now();
    const { disrupted, expired, recheckAtMs } = buildDisruptedPodMap(matching, pdb, nowMs);
    for (const name of expired) event(pdb, 'Warning', 'NotDeleted', `Pod ${pdb.metadata.namespace}/${name} was expected to be deleted`);
    const currentHealthy = countHealthyPods(matching, disrupted, nowMs);
    const old: J = (pdb as J).status ?? {};
    const status: J = {
      ...old,
      currentHealthy,
      desiredHealthy,
      expectedPods: expectedCount,
      disruptionsAllowed: disruptionsAllowed(currentHealthy, desiredHealthy, expectedCount),
      observedGeneration: pdb.metadata.generation,
    };
    if (Object.keys(disrupted).length) status.disruptedPods = disrupted;
    else delete status.disruptedPods;
    status.conditions = structuredClone(old.conditions ?? []);
    updateDisruptionAllowedCondition(status, new Date(nowMs).toISOString());
    if (!deepEqual(status, old)) await writeStatus(pdb, status);
    return recheckAtMs === undefined ? undefined : { requeueAfterMs: Math.max(1000, recheckAtMs - nowMs + 1000) };
  };

  /** failSafe: a budget that cannot be computed allows no disruption (SyncFailed). */
  const failSafe = async (pdb: KObject, err: Error): Promise<void> => {
    const old: J = (pdb as J).status ?? {};
    const status: J = { ...old, disruptionsAllowed: 0, conditions: structuredClone(old.conditions ?? []) };
    setBudgetCondition(
      status,
      { type: 'DisruptionAllowed', status: 'False', reason: SYNC_FAILED, message: err.message },
      new Date(now()).toISOString(),
    );
    if (!deepEqual(status, old)) await writeStatus(pdb, status);
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const pdb = pdbs.get(namespace, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const selector = selectorOf(pdb);
    try {
      if (!selector) throw new Error('invalid selector');
      return await trySync(pdb, selector);
    } catch (e) {
      event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(e as Error).message}`);
      await failSafe(pdb, e as Error);
      throw e;
    }
  };

  /** getPdbForPod: the budgets in the pod's namespace that select it. */
  const budgetsOf = (pod: KObject): string[] =>
    pdbs
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .filter((b) => selectorOf(b)?.matches(pod.metadata.labels ?? {}))
      .map(objectKey);

  const c = new Controller('disruption', reconcile, ctx.log, 2);
  c.source(pdbs, (_t, _old, pdb) => [objectKey(pdb)], PREDICATE.resourceVersionChanged);
  c.source(pods, (_t, old, pod) => [...new Set([...(old ? budgetsOf(old) : []), ...budgetsOf(pod)])], PREDICATE.resourceVersionChanged);
  // Read through their caches only (the listers upstream); a change in scale shows through the pods.
  for (const lister of [replicaSets, deployments, rcs]) c.source(lister, () => []);
  await c.start();
  return { controller: c, recorder, stop: () => c.stop() };
}
