// The status a ReplicaSet (or ReplicationController) reports (replica_set_utils' calculateStatus): counts of the
// claimed active pods, and the ReplicaFailure condition while creating or deleting pods fails. Kept apart from the
// controller so that the Deployment controller can reuse it.
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { isPodAvailable, isPodReady } from './pod-state.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ReplicaCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

const timeOf = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The counts with zeros left out, as the API serves them (omitempty). */
function counts(replicas: number, fullyLabeled: number, ready: number, available: number): ReplicaStatus {
  const s: ReplicaStatus = { replicas };
  if (fullyLabeled) s.fullyLabeledReplicas = fullyLabeled;
  if (ready) s.readyReplicas = ready;
  if (available) s.availableReplicas = available;
  return s;
}

/**
 * calculateStatus: `pods` are the owner's claimed active pods; `manageError` the error of this sync's creates or
 * deletes. The ReplicaFailure condition is set once when an error appears (reason FailedCreate below the desired
 * count, FailedDelete above) and removed when a sync succeeds. observedGeneration is the caller's to set.
 */
export function calculateStatus(owner: KObject, pods: KObject[], manageError: Error | undefined, nowMs: number): ReplicaStatus {
  const spec: J = (owner as J).spec ?? {};
  const prev: J = (owner as J).status ?? {};
  const templateLabels: Record<string, string> = spec.template?.metadata?.labels ?? {};
  const minReadySeconds = Number(spec.minReadySeconds ?? 0);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReadySeconds, nowMs)) available++;
    }
  }
  const status = counts(pods.length, fullyLabeled, ready, available);
  if (prev.observedGeneration !== undefined) status.observedGeneration = prev.observedGeneration;
  let conditions: ReplicaCondition[] = Array.isArray(prev.conditions) ? prev.conditions : [];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - Number(spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaCondition = {
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: timeOf(nowMs),
      message: manageError.message,
    };
    if (reason) cond.reason = reason;
    conditions = [...conditions, cond];
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether writing `next` (with the owner's generation observed) would change the stored status. */
export function statusNeedsUpdate(owner: KObject, next: ReplicaStatus): boolean {
  const withGeneration = { ...next, observedGeneration: owner.metadata.generation };
  return !deepEqual(stripUndefined(withGeneration), stripUndefined((owner as J).status ?? {}));
}

const stripUndefined = (o: object) => JSON.parse(JSON.stringify(o)) as unknown;

/**
 * When to look again to see pods become available: all ready but not all available, with minReadySeconds set
 * (the controller's AddAfter(key, minReadySeconds)). undefined when there is nothing to wait for.
 */
export function availabilityRecheckMs(owner: KObject, status: ReplicaStatus): number | undefined {
  const spec: J = (owner as J).spec ?? {};
  const minReadySeconds = Number(spec.minReadySeconds ?? 0);
  const replicas = Number(spec.replicas ?? 1);
  if (minReadySeconds > 0 && (status.readyReplicas ?? 0) === replicas && (status.availableReplicas ?? 0) !== replicas) {
    return minReadySeconds * 1000;
  }
  return undefined;
}
