// The Job controller's pure decisions over its pods (job_controller.go): which pods are active, ready or terminating;
// which finished pods are newly counted (the job-tracking finalizer's bookkeeping); whether the Job has failed
// (podFailurePolicy FailJob, backoffLimit, activeDeadlineSeconds) or succeeded; how many pods it wants running.
import type { KObject } from '../../machinery/api/meta.js';
import { isPodActive, isPodReady, podPhase } from '../replicaset/pod-state.js';
import {
  JOB_TRACKING_FINALIZER,
  MESSAGE_BACKOFF_LIMIT_EXCEEDED,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  REASON_POD_FAILURE_POLICY,
  REASON_SUCCESS_POLICY,
} from './constants.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { completionIndexOf, parseIndexes } from './indexes.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const hasTrackingFinalizer = (p: KObject) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
export const isIndexed = (job: KObject) => (job as J).spec?.completionMode === 'Indexed';
export const isSuspended = (job: KObject) => (job as J).spec?.suspend === true;
const podFailurePolicy = (job: KObject): J | undefined => (job as J).spec?.podFailurePolicy ?? undefined;

/** onlyReplaceFailedPods: a pod is replaced only once Failed (podReplacementPolicy Failed, or a podFailurePolicy). */
export const onlyReplaceFailedPods = (job: KObject) =>
  (job as J).spec?.podReplacementPolicy === 'Failed' || podFailurePolicy(job) !== undefined;

/** isPodFailed: Failed, or (unless only Failed pods count) being deleted before it succeeded (orphans never fail). */
export function isPodFailed(p: KObject, job: KObject): boolean {
  if (podPhase(p) === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded';
}

/** Terminating: being deleted, not yet finished. */
export const isPodTerminating = (p: KObject) => !!p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed';

export interface JobCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export const conditionsOf = (job: KObject): JobCondition[] => (job as J).status?.conditions ?? [];
export const findCondition = (job: KObject, type: string) => conditionsOf(job).find((c) => c.type === type && c.status === 'True');
/** IsJobFinished: Complete or Failed is True. */
export const isJobFinished = (job: KObject) => !!(findCondition(job, 'Complete') ?? findCondition(job, 'Failed'));

export interface Uncounted {
  succeeded: Set<string>;
  failed: Set<string>;
}
export const uncountedOf = (job: KObject): Uncounted => ({
  succeeded: new Set((job as J).status?.uncountedTerminatedPods?.succeeded ?? []),
  failed: new Set((job as J).status?.uncountedTerminatedPods?.failed ?? []),
});

/** getNewFinishedPods: finished pods still holding the finalizer and not yet in uncountedTerminatedPods. */
export function newFinishedPods(job: KObject, pods: KObject[], uncounted: Uncounted): { succeeded: KObject[]; failed: KObject[] } {
  const succeeded: KObject[] = [];
  const failed: KObject[] = [];
  for (const p of pods) {
    if (!hasTrackingFinalizer(p)) continue;
    const uid = p.metadata.uid ?? '';
    if (uncounted.succeeded.has(uid) || uncounted.failed.has(uid)) continue;
    if (podPhase(p) === 'Succeeded') succeeded.push(p);
    else if (isPodFailed(p, job)) failed.push(p);
  }
  return { succeeded, failed };
}

/** The failures that count towards backoffLimit (an Ignore rule of the podFailurePolicy leaves a failure out). */
export const countedFailures = (job: KObject, failed: KObject[]) =>
  failed.filter((p) => matchPodFailurePolicy(podFailurePolicy(job), p).countFailed);

/** getFailJobMessage: the first Failed pod still tracked that a FailJob rule matches. */
export function failJobMessage(job: KObject, pods: KObject[]): string | undefined {
  const policy = podFailurePolicy(job);
  if (!policy) return undefined;
  for (const p of pods) {
    if (!hasTrackingFinalizer(p) || podPhase(p) !== 'Failed') continue;
    const m = matchPodFailurePolicy(policy, p);
    if (m.action === 'FailJob') return m.message;
  }
  return undefined;
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of active pods count as failures. */
export function pastBackoffLimitOnFailure(job: KObject, active: KObject[]): boolean {
  if ((job as J).spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) {
    const s: J = (p as J).status ?? {};
    for (const c of [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])]) restarts += Number(c?.restartCount ?? 0);
  }
  const limit = Number((job as J).spec?.backoffLimit ?? 6);
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export interface FinishedCondition {
  /** FailureTarget (becomes Failed) or SuccessCriteriaMet (becomes Complete) once no pod is left running. */
  type: 'FailureTarget' | 'SuccessCriteriaMet';
  reason: string;
  message: string;
}

/**
 * Whether the Job has failed, in upstream's order: a FailureTarget already recorded, a FailJob rule, backoffLimit
 * (failures, or OnFailure restarts), activeDeadlineSeconds. `failed` counts every failure known, uncounted included.
 */
export function failureCondition(
  job: KObject,
  pods: KObject[],
  active: KObject[],
  failed: number,
  nowMs: number,
): FinishedCondition | undefined {
  const target = findCondition(job, 'FailureTarget');
  if (target) return { type: 'FailureTarget', reason: target.reason ?? '', message: target.message ?? '' };
  const msg = failJobMessage(job, pods);
  if (msg !== undefined) return { type: 'FailureTarget', reason: REASON_POD_FAILURE_POLICY, message: msg };
  const limit = Number((job as J).spec?.backoffLimit ?? 6);
  if (failed > limit || pastBackoffLimitOnFailure(job, active))
    return { type: 'FailureTarget', reason: REASON_BACKOFF_LIMIT_EXCEEDED, message: MESSAGE_BACKOFF_LIMIT_EXCEEDED };
  const deadline = activeDeadlineAt(job);
  if (deadline !== undefined && nowMs >= deadline)
    return { type: 'FailureTarget', reason: REASON_DEADLINE_EXCEEDED, message: MESSAGE_DEADLINE_EXCEEDED };
  return undefined;
}

/** When activeDeadlineSeconds runs out (ms), unless suspended or not started. */
export function activeDeadlineAt(job: KObject): number | undefined {
  const ads = (job as J).spec?.activeDeadlineSeconds;
  const start = Date.parse((job as J).status?.startTime ?? '');
  if (typeof ads !== 'number' || Number.isNaN(start) || isSuspended(job)) return undefined;
  return start + ads * 1000;
}

/** The indexes known to have succeeded: status.completedIndexes and the Succeeded pods about to be counted. */
export function succeededIndexes(job: KObject, newlySucceeded: KObject[]): Set<number> {
  const completions = Number((job as J).spec?.completions ?? 0);
  const out = parseIndexes((job as J).status?.completedIndexes, completions);
  for (const p of newlySucceeded) {
    const ix = completionIndexOf(p);
    if (ix >= 0 && ix < completions) out.add(ix);
  }
  return out;
}

/** matchSuccessPolicy (success_policy.go): the first rule an Indexed Job's succeeded indexes satisfy. */
export function matchSuccessPolicy(policy: J | undefined, completions: number, succeeded: Set<number>): string | undefined {
  if (!policy || !succeeded.size) return undefined;
  const rules: J[] = Array.isArray(policy.rules) ? policy.rules : [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const count = typeof rule.succeededCount === 'number' ? rule.succeededCount : undefined;
    if (typeof rule.succeededIndexes === 'string') {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (!required.size) continue;
      const got = [...required].filter((ix) => succeeded.has(ix)).length;
      if (count !== undefined ? got >= count : got === required.size) return `Matched rules at index ${i}`;
    } else if (count !== undefined && succeeded.size >= count) return `Matched rules at index ${i}`;
  }
  return undefined;
}

/** Whether the Job met its success policy or its completions (SuccessCriteriaMet, then Complete). */
export function successCondition(
  job: KObject,
  succeeded: number,
  activeCount: number,
  indexes: Set<number>,
): FinishedCondition | undefined {
  const met = findCondition(job, 'SuccessCriteriaMet');
  if (met)
    return {
      type: 'SuccessCriteriaMet',
      reason: met.reason ?? REASON_COMPLETIONS_REACHED,
      message: met.message ?? MESSAGE_COMPLETIONS_REACHED,
    };
  if (isIndexed(job)) {
    const matched = matchSuccessPolicy((job as J).spec?.successPolicy, Number((job as J).spec?.completions ?? 0), indexes);
    if (matched) return { type: 'SuccessCriteriaMet', reason: REASON_SUCCESS_POLICY, message: matched };
  }
  const completions = (job as J).spec?.completions;
  let complete: boolean;
  if (isIndexed(job)) complete = indexes.size === Number(completions);
  else if (completions == null) complete = succeeded > 0 && activeCount === 0;
  else complete = succeeded >= Number(completions) && activeCount === 0;
  return complete ? { type: 'SuccessCriteriaMet', reason: REASON_COMPLETIONS_REACHED, message: MESSAGE_COMPLETIONS_REACHED } : undefined;
}

/** manageJob's wantActive: parallelism, never more than the completions left; a work queue stops at its first success. */
export function wantActive(job: KObject, succeeded: number, activeCount: number): number {
  const spec: J = (job as J).spec ?? {};
  const parallelism = Number(spec.parallelism ?? 1);
  if (spec.completions == null) return succeeded > 0 ? activeCount : parallelism;
  return Math.max(0, Math.min(Number(spec.completions) - succeeded, parallelism));
}

/** The pod counts of status: active (not finished, not being deleted), ready, terminating. */
export function podCounts(pods: KObject[]): { active: KObject[]; ready: number; terminating: number } {
  const active = pods.filter(isPodActive);
  return { active, ready: active.filter(isPodReady).length, terminating: pods.filter(isPodTerminating).length };
}

/**
 * canRemoveFinalizer: a finished pod's, any pod's once the Job is finishing or being deleted; a pod being deleted
 * counts as finished unless a podFailurePolicy must first see how it failed. With backoffLimitPerIndex, the last
 * failed pod of an index (`delayed`, by index) keeps it until its replacement exists.
 */
export function canRemoveFinalizer(job: KObject, pod: KObject, finishing: boolean, delayed?: Map<number, KObject>): boolean {
  if (job.metadata.deletionTimestamp || finishing) return true;
  const phase = podPhase(pod);
  if (phase === 'Succeeded') return true;
  if (phase !== 'Failed' && !(isPodFailed(pod, job) && podFailurePolicy(job) === undefined)) return false;
  const held = delayed?.get(completionIndexOf(pod));
  return !held || (held !== pod && held.metadata.uid !== pod.metadata.uid);
}
