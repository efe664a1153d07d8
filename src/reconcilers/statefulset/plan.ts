// One sync of a StatefulSet as stateful_set_control.go's updateStatefulSet decides it, as a pure plan: the status it
// starts from (computeReplicaStatus), then, in order, the creates, deletes and fixes the controller makes before it
// must wait. OrderedReady (monotonic) creates the lowest missing ordinal and waits until it is Running and Ready,
// deletes condemned pods from the highest ordinal one at a time; Parallel does all of them at once. RollingUpdate
// then replaces, from the highest ordinal down to the partition, the pods of another revision one at a time (or up
// to maxUnavailable at a time), waiting for each to be healthy; OnDelete replaces nothing.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { isPodAvailable, isPodReady, podPhase } from '../replicaset/pod-state.js';
import {
  claimTemplates,
  endOrdinal,
  identityMatches,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  startOrdinal,
  storageMatches,
} from './identity.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

export type SetAction =
  | { type: 'create'; ordinal: number; pod: KObject }
  /** Delete: a failed pod (to recreate it), a condemned one (scale down) or one of an old revision (update). */
  | { type: 'delete'; pod: KObject; why: 'failed' | 'condemned' | 'update' }
  /** The pod lost its identity labels or misses a claim: restore them. */
  | { type: 'fix'; pod: KObject };

export interface SetPlan {
  status: SetStatus;
  actions: SetAction[];
  /** Why the plan stopped early (for logs and tests), if it did. */
  waitingFor?: string;
}

export interface PlanInput {
  set: KObject;
  /** The set with the current revision's template (ApplyRevision), for pods below the partition. */
  currentSet: KObject;
  /** The set with the update revision's template. */
  updateSet: KObject;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  /** The pods the set controls (claimed), members by name. */
  pods: KObject[];
  ref: OwnerReference;
  now: number;
}

export const isTerminating = (p: KObject): boolean => !!p.metadata.deletionTimestamp;
export const isFailed = (p: KObject): boolean => podPhase(p) === 'Failed';
export const isSucceeded = (p: KObject): boolean => podPhase(p) === 'Succeeded';
/** isCreated: the API server gave it a phase. */
export const isCreated = (p: KObject): boolean => podPhase(p) !== '';
export const isRunningAndReady = (p: KObject): boolean => podPhase(p) === 'Running' && isPodReady(p);
export const isRunningAndAvailable = (p: KObject, minReadySeconds: number, now: number): boolean =>
  podPhase(p) === 'Running' && isPodAvailable(p, minReadySeconds, now);
/** isHealthy: running, ready and not being deleted. */
export const isHealthy = (p: KObject): boolean => isRunningAndReady(p) && !isTerminating(p);

const spec = (s: KObject): J => (s as J).spec ?? {};
export const allowsBurst = (set: KObject): boolean => spec(set).podManagementPolicy === 'Parallel';
const minReadyOf = (set: KObject) => Number(spec(set).minReadySeconds ?? 0);

/** computeReplicaStatus over the claimed pods. */
export function computeReplicaStatus(
  pods: KObject[],
  minReadySeconds: number,
  now: number,
  currentRevision: string,
  updateRevision: string,
) {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const p of pods) {
    if (isCreated(p)) s.replicas++;
    if (isRunningAndReady(p)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(p, minReadySeconds, now)) s.availableReplicas++;
    }
    if (isCreated(p) && !isTerminating(p)) {
      if (podRevision(p) === currentRevision) s.currentReplicas++;
      if (podRevision(p) === updateRevision) s.updatedReplicas++;
    }
  }
  return s;
}

/** IntOrString scaled against `total`, rounded up (intstr.GetScaledValueFromIntOrPercent with roundUp). */
export function scaledValue(v: unknown, total: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Math.ceil((parseInt(v, 10) * total) / 100);
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return parseInt(v, 10);
  return 1;
}

/** newVersionedStatefulSetPod: below the partition (RollingUpdate) a pod is made from the current revision. */
function versionedPod(input: PlanInput, ordinal: number): KObject {
  const strategy: J = spec(input.currentSet).updateStrategy ?? {};
  const rolling = strategy.type === 'RollingUpdate';
  const partition = strategy.rollingUpdate?.partition;
  const start = startOrdinal(input.set);
  const belowPartition =
    rolling &&
    (partition === undefined || partition === null
      ? ordinal < start + Number((input.currentSet as J).status?.currentReplicas ?? 0)
      : ordinal < start + Number(partition));
  return belowPartition
    ? newStatefulSetPod(input.currentSet, input.ref, ordinal, input.currentRevision)
    : newStatefulSetPod(input.updateSet, input.ref, ordinal, input.updateRevision);
}

export function planStatefulSet(input: PlanInput): SetPlan {
  const { set, now } = input;
  const minReady = minReadyOf(set);
  const counts = computeReplicaStatus(input.pods, minReady, now, input.currentRevision, input.updateRevision);
  const status: SetStatus = {
    observedGeneration: set.metadata.generation,
    ...counts,
    currentRevision: input.currentRevision,
    updateRevision: input.updateRevision,
    collisionCount: input.collisionCount,
  };
  const actions: SetAction[] = [];
  const done = (waitingFor?: string): SetPlan => ({ status, actions, ...(waitingFor ? { waitingFor } : {}) });
  const start = startOrdinal(set);
  const end = endOrdinal(set);
  const replicas: (KObject | undefined)[] = new Array(Math.max(0, end - start)).fill(undefined);
  const condemned: KObject[] = [];
  for (const p of input.pods) {
    const o = ordinalOf(p);
    if (o >= start && o < end) replicas[o - start] = p;
    else if (o >= 0) condemned.push(p);
  }
  // Condemned pods go from the highest ordinal down.
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnhealthy = [
    ...replicas.filter((p): p is KObject => !!p).sort((a, b) => ordinalOf(a) - ordinalOf(b)),
    ...[...condemned].reverse(),
  ].find((p) => !isHealthy(p));
  if (set.metadata.deletionTimestamp) return done('set is being deleted');
  const monotonic = !allowsBurst(set);
  const count = (p: KObject, by: number) => {
    if (podRevision(p) === input.currentRevision) status.currentReplicas += by;
    if (podRevision(p) === input.updateRevision) status.updatedReplicas += by;
  };

  for (let i = 0; i < replicas.length; i++) {
    const ordinal = start + i;
    let pod = replicas[i];
    if (pod && (isFailed(pod) || isSucceeded(pod))) {
      if (!isTerminating(pod)) actions.push({ type: 'delete', pod, why: 'failed' });
      count(pod, -1);
      status.replicas--;
      pod = undefined;
    }
    if (!pod) {
      const fresh = versionedPod(input, ordinal);
      actions.push({ type: 'create', ordinal, pod: fresh });
      status.replicas++;
      count(fresh, +1);
      replicas[i] = fresh;
      if (monotonic) return done(`pod ${fresh.metadata.name} to be created`);
      continue;
    }
    if (isTerminating(pod) && monotonic) return done(`pod ${pod.metadata.name} to terminate`);
    if (!isRunningAndReady(pod) && monotonic) return done(`pod ${pod.metadata.name} to be Running and Ready`);
    if (!isRunningAndAvailable(pod, minReady, now) && monotonic) return done(`pod ${pod.metadata.name} to be Available`);
    if (!isTerminating(pod) && (!identityMatches(input.set, pod) || !storageMatches(input.set, pod))) actions.push({ type: 'fix', pod });
  }

  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return done(`pod ${pod.metadata.name} to terminate`);
      continue;
    }
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return done(`pod ${pod.metadata.name} to be Running and Ready`);
    if (!isRunningAndAvailable(pod, minReady, now) && monotonic && pod !== firstUnhealthy)
      return done(`pod ${pod.metadata.name} to be Available`);
    actions.push({ type: 'delete', pod, why: 'condemned' });
    count(pod, -1);
    if (monotonic) return done(`pod ${pod.metadata.name} to terminate`);
  }

  const strategy: J = spec(set).updateStrategy ?? {};
  if (strategy.type !== 'RollingUpdate') return done();
  const updateMin = Math.max(0, Number(strategy.rollingUpdate?.partition ?? 0));
  const live = replicas as KObject[];
  const maxUnavailableSet = strategy.rollingUpdate?.maxUnavailable !== undefined && strategy.rollingUpdate?.maxUnavailable !== null;
  if (!maxUnavailableSet) {
    for (let t = live.length - 1; t >= updateMin; t--) {
      const pod = live[t];
      if (podRevision(pod) !== input.updateRevision && !isTerminating(pod)) {
        actions.push({ type: 'delete', pod, why: 'update' });
        count(pod, -1);
        return done(`pod ${pod.metadata.name} to be replaced`);
      }
      if (!isHealthy(pod)) return done(`pod ${pod.metadata.name} to be healthy`);
    }
    return done();
  }
  // updateStatefulSetAfterInvariantEstablished with MaxUnavailableStatefulSet.
  const maxUnavailable = Math.max(1, scaledValue(strategy.rollingUpdate.maxUnavailable, live.length));
  let unavailable = 0;
  for (let t = live.length - 1; t >= updateMin; t--)
    if (!isHealthy(live[t]) || !isRunningAndAvailable(live[t], minReady, now)) unavailable++;
  if (unavailable >= maxUnavailable) return done(`${unavailable} unavailable pods (maxUnavailable ${maxUnavailable})`);
  let budget = maxUnavailable - unavailable;
  for (let t = live.length - 1; t >= updateMin && budget > 0; t--) {
    const pod = live[t];
    if (podRevision(pod) !== input.updateRevision && !isTerminating(pod) && isHealthy(pod)) {
      actions.push({ type: 'delete', pod, why: 'update' });
      count(pod, -1);
      budget--;
    }
  }
  return done();
}

/**
 * completeRollingUpdate: once every pod is updated and ready, the update revision becomes the current one. With
 * OnDelete the current revision moves when every replica runs the update revision.
 */
export function completeRollingUpdate(set: KObject, status: SetStatus): SetStatus {
  const type = spec(set).updateStrategy?.type;
  const replicas = status.replicas;
  const rolled =
    type === 'RollingUpdate'
      ? status.updatedReplicas === replicas && status.readyReplicas === replicas
      : status.updatedReplicas === replicas && replicas === Number(spec(set).replicas ?? 1);
  return rolled ? { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision } : status;
}

export const needsClaims = (set: KObject): boolean => claimTemplates(set).length > 0;
