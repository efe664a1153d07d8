// The DaemonSet controller's decisions (daemon_controller.go podsShouldBeOnNode and updateDaemonSetStatus, update.go
// rollingUpdate), pure over the nodes and the set's pods grouped by the node they target: which nodes need a pod,
// which pods go (failed, surplus, misplaced, or old during a rolling update within maxUnavailable / maxSurge), and
// the status counts.
import type { KObject } from '../../machinery/api/meta.js';
import { isPodAvailable, isPodReady, podPhase } from '../replicaset/pod-state.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/controller-history.js';
import { scaledValue } from '../statefulset/plan.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export interface DaemonPlan {
  nodesNeedingPods: string[];
  podsToDelete: KObject[];
  /** Failed pods found (the controller reports them with FailedDaemonPod). */
  failed: { pod: KObject; node: string }[];
}

const spec = (ds: KObject): J => (ds as J).spec ?? {};
const minReadyOf = (ds: KObject) => Number(spec(ds).minReadySeconds ?? 0);
export const templateGeneration = (ds: KObject): string | undefined => ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
export const allowsSurge = (ds: KObject): boolean => {
  const s = spec(ds).updateStrategy;
  if (s?.type !== 'RollingUpdate') return false;
  const v = s.rollingUpdate?.maxSurge;
  return v !== undefined && v !== null && v !== 0 && v !== '0%' && v !== '0';
};

/** IsPodUpdated: the pod has the revision's hash, or the template generation it was made from. */
export function isPodUpdated(pod: KObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (
    (!!hash && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) ||
    (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation)
  );
}

/** podByCreationTimestampAndPhase: older first; at equal times, the one with a node first. */
const byCreation = (a: KObject, b: KObject) =>
  compareStrings(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
  compareStrings(a.metadata.name ?? '', b.metadata.name ?? '');

/**
 * manage(): podsShouldBeOnNode for every node, then the pods that target a node that does not exist.
 * `mayDeleteFailed(node)` is the failed-pod back-off (false while a node's last failed pod deletion is recent).
 */
export function planManage(
  ds: KObject,
  nodes: KObject[],
  nodeToPods: Map<string, KObject[]>,
  hash: string,
  now: number,
  mayDeleteFailed: (node: string) => boolean = () => true,
): DaemonPlan {
  const plan: DaemonPlan = { nodesNeedingPods: [], podsToDelete: [], failed: [] };
  const surge = allowsSurge(ds);
  for (const node of nodes) {
    const name = node.metadata.name!;
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds, node);
    const pods = nodeToPods.get(name) ?? [];
    const exists = pods.length > 0;
    if (shouldRun && !exists) {
      plan.nodesNeedingPods.push(name);
    } else if (shouldContinueRunning) {
      const running: KObject[] = [];
      for (const pod of pods) {
        if (pod.metadata.deletionTimestamp) continue;
        if (podPhase(pod) === 'Failed') {
          if (!mayDeleteFailed(name)) continue;
          plan.failed.push({ pod, node: name });
          plan.podsToDelete.push(pod);
        } else if (podPhase(pod) === 'Succeeded') plan.podsToDelete.push(pod);
        else running.push(pod);
      }
      running.sort(byCreation);
      if (!surge) {
        plan.podsToDelete.push(...running.slice(1));
        continue;
      }
      if (running.length <= 1) {
        if (!running.length && shouldRun) plan.nodesNeedingPods.push(name);
        continue;
      }
      // Surge: at most the oldest new pod and the oldest old one, the old one only while it is ready and the new not yet available.
      let oldestNew: KObject | undefined;
      let oldestOld: KObject | undefined;
      for (const pod of running) {
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) {
          if (!oldestNew) {
            oldestNew = pod;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = pod;
          continue;
        }
        plan.podsToDelete.push(pod);
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadyOf(ds), now)))
        plan.podsToDelete.push(oldestOld);
    } else if (exists) {
      plan.podsToDelete.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
    }
  }
  // getUnscheduledPodsWithoutNode: pods aimed at a node that is gone.
  const known = new Set(nodes.map((n) => n.metadata.name!));
  for (const [node, pods] of nodeToPods)
    if (!known.has(node)) plan.podsToDelete.push(...pods.filter((p) => !p.metadata.deletionTimestamp && !(p as J).spec?.nodeName));
  return plan;
}

/** findUpdatedPodsOnNode: the node's one new and one old live pod; ok false when there are more of either. */
function updatedPodsOnNode(ds: KObject, pods: KObject[], hash: string): { newPod?: KObject; oldPod?: KObject; ok: boolean } {
  let newPod: KObject | undefined;
  let oldPod: KObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, templateGeneration(ds))) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** updatedDesiredNodeCounts: maxSurge and maxUnavailable against the nodes that should run a pod (never both 0). */
export function desiredNodeCounts(ds: KObject, nodes: KObject[], nodeToPods: Map<string, KObject[]>) {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(ds, node).shouldRun) continue;
    desired++;
    if (!nodeToPods.has(node.metadata.name!)) nodeToPods.set(node.metadata.name!, []);
  }
  const ru: J = spec(ds).updateStrategy?.rollingUpdate ?? {};
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? 0, desired);
  const maxSurge = allowsSurge(ds) ? scaledValue(ru.maxSurge, desired) : 0;
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxUnavailable, maxSurge };
}

/** rollingUpdate: old pods to delete and nodes to surge onto, within the budget. */
export function planRollingUpdate(ds: KObject, nodes: KObject[], groups: Map<string, KObject[]>, hash: string, now: number) {
  const nodeToPods = new Map(groups);
  const { maxUnavailable, maxSurge } = desiredNodeCounts(ds, nodes, nodeToPods);
  const minReady = minReadyOf(ds);
  const available = (p: KObject) => isPodAvailable(p, minReady, now);
  const podsToDelete: KObject[] = [];
  const nodesToCreate: string[] = [];
  const names = [...nodeToPods.keys()].sort();
  if (maxSurge === 0) {
    let unavailable = 0;
    const allowed: KObject[] = [];
    const candidates: KObject[] = [];
    for (const name of names) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, nodeToPods.get(name)!, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) allowed.push(oldPod);
        else if (unavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    podsToDelete.push(...allowed, ...candidates.slice(0, remaining));
    return { podsToDelete, nodesToCreate, maxUnavailable, maxSurge };
  }
  let surged = 0;
  const allowedNodes: string[] = [];
  const candidateNodes: string[] = [];
  for (const name of names) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, nodeToPods.get(name)!, hash);
    if (!ok) {
      surged++;
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) allowedNodes.push(name);
      else candidateNodes.push(name);
    } else if (!available(newPod)) surged++;
    else podsToDelete.push(oldPod);
  }
  const remaining = Math.min(Math.max(0, maxSurge - surged), candidateNodes.length);
  nodesToCreate.push(...allowedNodes, ...candidateNodes.slice(0, remaining));
  return { podsToDelete, nodesToCreate, maxUnavailable, maxSurge };
}

export interface DaemonStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** updateDaemonSetStatus's counts; a node's first (oldest) pod speaks for it. */
export function computeDaemonStatus(
  ds: KObject,
  nodes: KObject[],
  nodeToPods: Map<string, KObject[]>,
  hash: string,
  now: number,
): DaemonStatus {
  const s: DaemonStatus = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(ds, node);
    const pods = [...(nodeToPods.get(node.metadata.name!) ?? [])].sort(byCreation);
    const scheduled = pods.length > 0;
    if (shouldRun) {
      s.desiredNumberScheduled++;
      if (!scheduled) continue;
      s.currentNumberScheduled++;
      const pod = pods[0];
      if (isPodReady(pod)) {
        s.numberReady++;
        if (isPodAvailable(pod, minReadyOf(ds), now)) s.numberAvailable++;
      }
      if (isPodUpdated(pod, hash, templateGeneration(ds))) s.updatedNumberScheduled++;
    } else if (scheduled) s.numberMisscheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  return s;
}
