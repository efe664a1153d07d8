// backoffLimitPerIndex (indexed_job_utils.go, backoff_utils.go): each index of an Indexed Job counts its own failures
// in the pods' `job-index-failure-count` annotation (ignored ones in `job-index-ignored-failure-count`), an index that
// fails more than backoffLimitPerIndex times (or matches a FailIndex rule) lands in status.failedIndexes, and the last
// failed pod of an index keeps its finalizer until its replacement exists, so the count survives a restart.
import type { KObject } from '../../machinery/api/meta.js';
import { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS } from './constants.js';
import { backoffRemainingMs, podFinishedTime } from './backoff.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { completionIndexOf, parseIndexes } from './indexes.js';
import { hasTrackingFinalizer, isPodFailed, type FinishedCondition } from './pod-accounting.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const JOB_INDEX_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-failure-count';
export const JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-ignored-failure-count';
export const REASON_MAX_FAILED_INDEXES_EXCEEDED = 'MaxFailedIndexesExceeded';
export const REASON_FAILED_INDEXES = 'FailedIndexes';
export const MESSAGE_MAX_FAILED_INDEXES_EXCEEDED = 'Job has exceeded the specified maximal number of failed indexes';
export const MESSAGE_FAILED_INDEXES = 'Job has failed indexes';

const spec = (job: KObject): J => (job as J).spec ?? {};
const completionsOf = (job: KObject) => Number(spec(job).completions ?? 0);
export const hasBackoffLimitPerIndex = (job: KObject) => typeof spec(job).backoffLimitPerIndex === 'number';

/** parseInt32 of an annotation: a missing, malformed, negative or too large value reads as 0. */
function annotationCount(pod: KObject, key: string): number {
  const v = pod.metadata.annotations?.[key];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  const n = Number(v);
  return n > 2 ** 31 - 1 ? 0 : n;
}
export const indexFailureCount = (pod: KObject) => annotationCount(pod, JOB_INDEX_FAILURE_COUNT_ANNOTATION);
/** Counted and ignored failures together: the back-off of an index grows with both. */
export const indexAbsoluteFailureCount = (pod: KObject) =>
  indexFailureCount(pod) + annotationCount(pod, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);

/** isIndexFailed: a FailIndex rule matched, or a counted failure of a pod that already used up the index's retries. */
export function isIndexFailed(job: KObject, pod: KObject): boolean {
  if (!isPodFailed(pod, job)) return false;
  const m = matchPodFailurePolicy(spec(job).podFailurePolicy ?? undefined, pod);
  if (m.action === 'FailIndex') return true;
  return m.countFailed && indexFailureCount(pod) >= Number(spec(job).backoffLimitPerIndex);
}

const validIndex = (job: KObject, pod: KObject) => {
  const ix = completionIndexOf(pod);
  return ix >= 0 && ix < completionsOf(job) ? ix : -1;
};

/** calculateFailedIndexes: status.failedIndexes plus the indexes of pods, still tracked, that failed their index now. */
export function failedIndexesOf(job: KObject, pods: KObject[]): Set<number> {
  const out = parseIndexes((job as J).status?.failedIndexes ?? '', completionsOf(job));
  for (const p of pods) {
    const ix = validIndex(job, p);
    if (ix >= 0 && hasTrackingFinalizer(p) && isIndexFailed(job, p)) out.add(ix);
  }
  return out;
}

/** The Job's failure once its indexes decide it: more failed than maxFailedIndexes, or every index finished, some failed. */
export function failedIndexesCondition(job: KObject, failed: Set<number>, succeeded: Set<number>): FinishedCondition | undefined {
  const max = spec(job).maxFailedIndexes;
  if (typeof max === 'number' && failed.size > max)
    return { type: 'FailureTarget', reason: REASON_MAX_FAILED_INDEXES_EXCEEDED, message: MESSAGE_MAX_FAILED_INDEXES_EXCEEDED };
  if (failed.size > 0 && failed.size + succeeded.size >= completionsOf(job))
    return { type: 'FailureTarget', reason: REASON_FAILED_INDEXES, message: MESSAGE_FAILED_INDEXES };
  return undefined;
}

/**
 * getPodsWithDelayedDeletionPerIndex: per index neither succeeded, failed nor running again, its latest failed pod
 * (highest failure count, then latest finish); its finalizer stays until the replacement carries the count on.
 */
export function podsWithDelayedDeletion(
  job: KObject,
  pods: KObject[],
  active: KObject[],
  succeeded: Set<number>,
  failed: Set<number>,
  nowMs: number,
): Map<number, KObject> {
  const activeIndexes = new Set(active.map(completionIndexOf));
  const out = new Map<number, KObject>();
  for (const p of pods) {
    const ix = validIndex(job, p);
    if (ix < 0 || !hasTrackingFinalizer(p) || !isPodFailed(p, job)) continue;
    if (succeeded.has(ix) || failed.has(ix) || activeIndexes.has(ix)) continue;
    const last = out.get(ix);
    const later =
      !last ||
      (indexAbsoluteFailureCount(last) <= indexAbsoluteFailureCount(p) && podFinishedTime(p, nowMs) >= podFinishedTime(last, nowMs));
    if (later) out.set(ix, p);
  }
  return out;
}

/** getNewIndexFailureCounts: the annotations of the pod replacing `replaced` (the failure counted or ignored). */
export function replacementAnnotations(job: KObject, replaced: KObject | undefined): Record<string, string> {
  let count = replaced ? indexFailureCount(replaced) : 0;
  let ignored = replaced ? annotationCount(replaced, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION) : 0;
  if (replaced) {
    if (matchPodFailurePolicy(spec(job).podFailurePolicy ?? undefined, replaced).countFailed) count++;
    else ignored++;
  }
  return {
    [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: String(count),
    ...(ignored > 0 ? { [JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION]: String(ignored) } : {}),
  };
}

/** getRemainingTimePerIndex: the back-off of an index grows with its failures, from its last failed pod's finish. */
export function indexBackoffRemainingMs(
  lastFailed: KObject | undefined,
  nowMs: number,
  base = DEFAULT_POD_FAILURE_BACKOFF_MS,
  max = MAX_POD_FAILURE_BACKOFF_MS,
): number {
  if (!lastFailed) return 0;
  const record = {
    failuresAfterLastSuccess: indexAbsoluteFailureCount(lastFailed) + 1,
    lastFailureTime: podFinishedTime(lastFailed, nowMs),
  };
  return backoffRemainingMs(record, nowMs, base, max);
}

/**
 * getPodCreationInfoForIndependentIndexes: the indexes whose back-off is over; when none is, the shortest wait left
 * (ms) before one will be.
 */
export function indexesReadyToCreate(
  indexes: number[],
  delayed: Map<number, KObject>,
  nowMs: number,
  base?: number,
  max?: number,
): { ready: number[]; waitMs: number } {
  const ready: number[] = [];
  let waitMs = Infinity;
  for (const ix of indexes) {
    const left = indexBackoffRemainingMs(delayed.get(ix), nowMs, base, max);
    if (left === 0) ready.push(ix);
    else waitMs = Math.min(waitMs, left);
  }
  return ready.length || waitMs === Infinity ? { ready, waitMs: 0 } : { ready, waitMs };
}
