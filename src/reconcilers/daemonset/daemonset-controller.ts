// The DaemonSet controller (kube-controller-manager's pkg/controller/daemon), through the client seam as
// system:serviceaccount:kube-system:daemon-set-controller. Each sync claims the set's pods and revisions, settles
// the current revision (its hash labels the pods), then, once its last creates and deletes were observed
// (expectations, as the ReplicaSet controller), creates a pod for each node that should run one (pinned to the node
// by node affinity, placed by the scheduler) and deletes misplaced, surplus and failed ones; RollingUpdate then
// replaces old pods within maxUnavailable / maxSurge. Status and history (revisionHistoryLimit) follow.
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
import { Expectations } from '../replicaset/expectations.js';
import { isPodReady, podPhase } from '../replicaset/pod-state.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../replicaset/slow-start.js';
import { CONTROLLER_REVISION_HASH_LABEL, historyToDelete } from '../history/controller-history.js';
import { GVR_CONTROLLER_REVISIONS } from '../history/store.js';
import { constructHistory } from './history.js';
import { nodeNameAffinity, targetNodeName, withDaemonTolerations } from './placement.js';
import { TEMPLATE_GENERATION_LABEL, computeDaemonStatus, planManage, planRollingUpdate, templateGeneration } from './plan.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const DAEMONSET_CONTROLLER = 'daemon-set-controller';
/** The events' component, as kube-controller-manager's daemon controller names itself. */
const COMPONENT = 'daemonset-controller';
export const GVR_DAEMONSETS: Gvr = { group: 'apps', version: 'v1', resource: 'daemonsets' };
const WRITE = { fieldManager: DAEMONSET_CONTROLLER };
const BURST_REPLICAS = 250;
/** The failed-pod back-off: 1 s doubling to 15 min per set and node. */
const FAILED_BACKOFF_MS = [1000, 900_000] as const;

export interface DaemonSetControllerOptions {
  recorder?: EventRecorder;
  now?: () => number;
  workers?: number;
}

export interface RunningDaemonSetController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const code = (e: unknown) => (e instanceof StatusError ? e.code : 0);
const typed = (s: KObject): KObject => ({ ...s, apiVersion: 'apps/v1', kind: 'DaemonSet' });

const selectorOf = (ds: KObject) => specSelectorOf(ds, { nonEmpty: true });

/** CreatePodTemplate: the template with the daemon tolerations and the generation and hash labels. */
function daemonPodTemplate(ds: KObject, hash: string): J {
  const template: J = structuredClone((ds as J).spec?.template ?? {});
  template.metadata = template.metadata ?? {};
  template.spec = template.spec ?? {};
  template.spec.tolerations = withDaemonTolerations(template.spec);
  template.metadata.labels = { ...(template.metadata.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) template.metadata.labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) template.metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  return template;
}

const OMIT_EMPTY = ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'];

export async function startDaemonSetController(
  ctx: ReconcilerContext,
  opts: DaemonSetControllerOptions = {},
): Promise<RunningDaemonSetController> {
  const client: Client = ctx.client(controllerIdentity(DAEMONSET_CONTROLLER));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const now = opts.now ?? Date.now;
  const expectations = new Expectations(now);
  const failedBackoff = new Map<string, { until: number; delay: number }>();
  const onError = (err: Error) => ctx.log.warn({ controller: DAEMONSET_CONTROLLER, err: err.message }, 'informer');
  const sets = new Informer(client, GVR_DAEMONSETS, { onError });
  const pods = new Informer(client, GVR.pods, { onError });
  const nodes = new Informer(client, GVR.nodes, { onError });
  const revisions = new Informer(client, GVR_CONTROLLER_REVISIONS, { onError });
  const event = (ds: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(typed(ds), type, reason, message, { component: COMPONENT });

  const { ownerKeyOf, ownersMatching: setsMatching } = ownerLookup(sets, { apiVersion: 'apps/v1', kind: 'DaemonSet' }, selectorOf);

  const onPod: KeysOf = (type, old, pod) => {
    const keys = new Set<string>();
    const podKey = objectKey(pod);
    const k = ownerKeyOf(pod);
    if (type === 'DELETED' || pod.metadata.deletionTimestamp) {
      if (k) {
        expectations.deletionObserved(k, podKey);
        keys.add(k);
      }
    } else if (type === 'ADDED') {
      if (k) {
        expectations.creationObserved(k);
        keys.add(k);
      } else if (!controllerRefOf(pod)) setsMatching(pod).forEach((s) => keys.add(s));
    } else {
      if (k) keys.add(k);
      if (old) {
        const ok = ownerKeyOf(old);
        if (ok) keys.add(ok);
      }
      if (!k && !controllerRefOf(pod)) setsMatching(pod).forEach((s) => keys.add(s));
      if (k && old && !isPodReady(old) && isPodReady(pod)) {
        const minReady = Number((sets.get(...splitKey(k)) as J | undefined)?.spec?.minReadySeconds ?? 0);
        if (minReady > 0) controller.enqueueAfter(k, minReady * 1000 + 500);
      }
    }
    return [...keys];
  };
  const onRevision: KeysOf = (_t, _o, r) => {
    const k = ownerKeyOf(r);
    return k ? [k] : [];
  };
  // Any node change (added, labelled, tainted, cordoned, Ready again) may change where pods belong: every set.
  const onNode: KeysOf = (type, old, node) => {
    if (
      type === 'MODIFIED' &&
      old &&
      deepEqual(old.metadata.labels, node.metadata.labels) &&
      deepEqual((old as J).spec, (node as J).spec)
    ) {
      const ready = (n: KObject) => ((n as J).status?.conditions ?? []).find((c: J) => c.type === 'Ready')?.status;
      if (ready(old) === ready(node)) return [];
    }
    return sets.list().map(objectKey);
  };
  const onSet: KeysOf = (type, _old, ds) => {
    if (type === 'DELETED') expectations.delete(objectKey(ds));
    return [objectKey(ds)];
  };

  const mayDeleteFailed = (key: string) => (node: string) => {
    const b = failedBackoff.get(`${key}/${node}`);
    const t = now();
    if (b && t < b.until) {
      controller.enqueueAfter(key, b.until - t + 10);
      return false;
    }
    const delay = b ? Math.min(b.delay * 2, FAILED_BACKOFF_MS[1]) : FAILED_BACKOFF_MS[0];
    failedBackoff.set(`${key}/${node}`, { until: t + delay, delay });
    return true;
  };

  /** syncNodes: creates (slow start) and deletes, with expectations set first. */
  const syncNodes = async (
    ds: KObject,
    key: string,
    podsToDelete: KObject[],
    nodesNeedingPods: string[],
    hash: string,
    ref: OwnerReference,
  ) => {
    const creates = nodesNeedingPods.slice(0, BURST_REPLICAS);
    const deletes = podsToDelete.slice(0, BURST_REPLICAS);
    if (!creates.length && !deletes.length) return;
    expectations.expect(key, creates.length, deletes.map(objectKey));
    const template = daemonPodTemplate(ds, hash);
    let next = 0;
    const errors: Error[] = [];
    const { successes, error } = await slowStartBatch(creates.length, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      const node = creates[next++];
      const t = structuredClone(template);
      t.spec.affinity = nodeNameAffinity(t.spec.affinity, node);
      try {
        const pod = await client.create(GVR.pods, ds.metadata.namespace, podFromTemplate(t, ds, ref), WRITE);
        event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (e) {
        event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    for (let i = successes; i < creates.length; i++) expectations.creationObserved(key);
    if (error) errors.push(error);
    await Promise.all(
      deletes.map(async (pod) => {
        try {
          await client.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          expectations.deletionObserved(key, objectKey(pod));
          if (code(e) === 404 || code(e) === 409) return;
          event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
          errors.push(e as Error);
        }
      }),
    );
    if (errors.length) throw errors[0];
  };

  const writeStatus = async (ds: KObject, status: J) => {
    const cur: J = (ds as J).status ?? {};
    if (Object.keys(status).every((f) => deepEqual(cur[f] ?? 0, status[f] ?? 0))) return;
    try {
      await updateWith(
        client,
        GVR_DAEMONSETS,
        ds.metadata.namespace,
        ds.metadata.name!,
        (fresh) => {
          if (fresh.metadata.uid !== ds.metadata.uid) return fresh;
          const next: J = { ...((fresh as J).status ?? {}), ...status };
          // DaemonSetStatus's omitempty fields are left out at zero, as the apiserver serializes them.
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

  const groupByNode = (owned: KObject[]): Map<string, KObject[]> => {
    const m = new Map<string, KObject[]>();
    for (const p of owned) {
      // Terminal pods already being deleted are done with (getNodesToDaemonPods without includeDeletedTerminal).
      if (p.metadata.deletionTimestamp && ['Failed', 'Succeeded'].includes(podPhase(p))) continue;
      const node = targetNodeName(p);
      if (!node) continue;
      m.set(node, [...(m.get(node) ?? []), p]);
    }
    return m;
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const cached = sets.get(namespace, name);
    if (!cached) {
      expectations.delete(key);
      return;
    }
    const ds = typed(cached);
    const selector = selectorOf(ds);
    if (!selector) {
      event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const ref = controllerRef(ds);
    const target = { client, ownerGvr: GVR_DAEMONSETS, owner: ds, ref, write: WRITE };
    const satisfied = expectations.satisfied(key);
    const owned = await claimObjects(target, GVR.pods, pods.byIndex('namespace', namespace), (p) =>
      selector.matches(p.metadata.labels ?? {}),
    );
    const ownedRevisions = await claimObjects(target, GVR_CONTROLLER_REVISIONS, revisions.byIndex('namespace', namespace), (r) =>
      selector.matches(r.metadata.labels ?? {}),
    );
    const history = await constructHistory(client, ds, ref, ownedRevisions, WRITE);
    const nodeList = nodes.list();
    const t = now();
    let failure: unknown;
    if (satisfied) {
      try {
        const groups = groupByNode(owned);
        const plan = planManage(ds, nodeList, groups, history.hash, t, mayDeleteFailed(key));
        for (const f of plan.failed)
          event(
            ds,
            'Warning',
            'FailedDaemonPod',
            `Found failed daemon pod ${f.pod.metadata.namespace}/${f.pod.metadata.name} on node ${f.node}, will try to kill it`,
          );
        await syncNodes(ds, key, plan.podsToDelete, plan.nodesNeedingPods, history.hash, ref);
        if (expectations.satisfied(key) && (ds as J).spec?.updateStrategy?.type === 'RollingUpdate') {
          const ru = planRollingUpdate(ds, nodeList, groups, history.hash, t);
          await syncNodes(ds, key, ru.podsToDelete, ru.nodesToCreate, history.hash, ref);
        }
      } catch (e) {
        failure = e;
      }
    }
    // cleanupHistory: revisions no live pod uses, beyond revisionHistoryLimit.
    const liveHashes = new Set(
      owned.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]),
    );
    const idle = history.old.filter((r) => !liveHashes.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
    for (const r of historyToDelete(idle, new Set(), Number((ds as J).spec?.revisionHistoryLimit ?? 10))) {
      try {
        await client.delete(GVR_CONTROLLER_REVISIONS, r.metadata.namespace, r.metadata.name!);
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    }
    const status = computeDaemonStatus(ds, nodeList, groupByNode(owned), history.hash, t);
    await writeStatus(ds, {
      ...status,
      // updateObservedGen: only a sync that acted on this generation (expectations met) says it has seen it, so that
      // `kubectl rollout status` does not read counts from before the change.
      ...(satisfied ? { observedGeneration: ds.metadata.generation } : {}),
      ...(history.collisionCount ? { collisionCount: history.collisionCount } : {}),
    });
    if (failure) throw failure;
    const minReady = Number((ds as J).spec?.minReadySeconds ?? 0);
    if (minReady > 0 && status.numberAvailable < status.numberReady) return { requeueAfterMs: minReady * 1000 };
    return undefined;
  };

  const controller = new Controller(DAEMONSET_CONTROLLER, reconcile, ctx.log, opts.workers ?? 2);
  controller.source(sets, onSet);
  controller.source(pods, onPod);
  controller.source(nodes, onNode);
  controller.source(revisions, onRevision);
  await controller.start();
  return { controller, recorder, stop: () => controller.stop() };
}
