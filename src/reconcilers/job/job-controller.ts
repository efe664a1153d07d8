// The Job controller (kube-controller-manager's pkg/controller/job), level-triggered on namespace/name: claims the
// Job's pods, counts finished pods through the batch.kubernetes.io/job-tracking finalizer (uids first recorded in
// status.uncountedTerminatedPods, then finalizers removed, then counted, so no completion is lost or counted twice),
// decides failure (podFailurePolicy, backoffLimit, activeDeadlineSeconds) or success, creates pods in slow-start
// batches after the pod-failure back-off (expectations as the ReplicaSet controller), deletes surplus pods or all of
// them while suspended, and writes status and the FailureTarget/SuccessCriteriaMet → Failed/Complete conditions.
// Pods whose Job is gone or finished lose their finalizer through a second queue (the orphan-pod path).
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import type { LabelSelector } from '../../machinery/labels.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { GVR, objectKey, splitKey, type Client, type Gvr } from '../../client/types.js';
import { Controller, type KeysOf, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { adoptPatch, claimDecision, controllerRefOf, releasePatch } from '../replicaset/claim.js';
import { Expectations } from '../replicaset/expectations.js';
import { ownerLookup, specSelectorOf } from '../replicaset/owner-lookup.js';
import { podsToDelete } from '../replicaset/pod-ranking.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../replicaset/slow-start.js';
import { backoffRemainingMs, nextBackoffRecord, type BackoffRecord } from './backoff.js';
import { JOB_TRACKING_FINALIZER, MAX_POD_CREATE_DELETE_PER_SYNC, MAX_UNCOUNTED_PODS, requeueDelay } from './constants.js';
import { completionIndexOf, firstPendingIndexes, formatIndexes, invalidIndexPods } from './indexes.js';
import { podForJob } from './job-pod.js';
import {
  failedIndexesCondition,
  failedIndexesOf,
  hasBackoffLimitPerIndex,
  indexesReadyToCreate,
  podsWithDelayedDeletion,
  replacementAnnotations,
} from './index-failures.js';
import { isManagedByJobController } from './managed-by.js';
import {
  activeDeadlineAt,
  canRemoveFinalizer,
  countedFailures,
  failureCondition,
  hasTrackingFinalizer,
  isIndexed,
  isJobFinished,
  isPodFailed,
  isSuspended,
  newFinishedPods,
  onlyReplaceFailedPods,
  podCounts,
  successCondition,
  succeededIndexes,
  uncountedOf,
  wantActive,
  type FinishedCondition,
  type JobCondition,
} from './pod-accounting.js';
import { podPhase } from '../replicaset/pod-state.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const JOBS: Gvr = { group: 'batch', version: 'v1', resource: 'jobs' };
const COMPONENT = 'job-controller';
const FIELD_MANAGER = 'kube-controller-manager';

export interface JobControllerOptions {
  now?: () => number;
  recorder?: EventRecorder;
  /** The pod failure back-off's base and cap (tests shorten them). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface RunningJobController {
  controller: Controller;
  orphans: Controller;
  recorder: EventRecorder;
  jobs: Informer;
  pods: Informer;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
const hasCause = (e: unknown, reason: string) =>
  e instanceof StatusError && (e.details?.causes ?? []).some((c: { reason?: string }) => c.reason === reason);
export const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** ensureJobConditionStatus: sets a condition, moving its transition time only when its status changes. */
export function setCondition(
  conds: JobCondition[],
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  nowMs: number,
): boolean {
  const cur = conds.find((c) => c.type === type);
  const t = rfc3339(nowMs);
  if (!cur) {
    // A False condition that was never True is not worth recording (suspend's JobResumed aside, which upstream adds).
    conds.push({ type, status, lastProbeTime: t, lastTransitionTime: t, reason, message });
    return true;
  }
  if (cur.status === status && cur.reason === reason && cur.message === message) return false;
  if (cur.status !== status) cur.lastTransitionTime = t;
  Object.assign(cur, { status, reason, message, lastProbeTime: t });
  return true;
}

/** The finalizer removal patch (removeTrackingFinalizerPatch): a JSON patch guarded by the pod's uid. */
export function removeFinalizerPatch(pod: KObject): unknown[] | undefined {
  const finalizers = pod.metadata.finalizers ?? [];
  const i = finalizers.indexOf(JOB_TRACKING_FINALIZER);
  if (i < 0) return undefined;
  const guard = [
    { op: 'test', path: '/metadata/uid', value: pod.metadata.uid },
    { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
  ];
  // The last finalizer takes the list with it (an empty list is what Go's omitempty never shows).
  if (finalizers.length === 1) return [...guard, { op: 'remove', path: '/metadata/finalizers' }];
  return [...guard, { op: 'remove', path: `/metadata/finalizers/${i}` }];
}

export async function startJobController(ctx: ReconcilerContext, opts: JobControllerOptions = {}): Promise<RunningJobController> {
  const client = ctx.client(controllerIdentity('job-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'job', err: err.message }, 'informer');
  const jobs = new Informer(client, JOBS, { onError });
  const pods = new Informer(client, GVR.pods, { onError });
  const running = jobController(ctx, client, jobs, pods, recorder, opts);
  await Promise.all([running.controller.start(), running.orphans.start()]);
  return running;
}

function jobController(
  ctx: ReconcilerContext,
  client: Client,
  jobs: Informer,
  pods: Informer,
  recorder: EventRecorder,
  opts: JobControllerOptions,
): RunningJobController {
  const now = opts.now ?? Date.now;
  const expectations = new Expectations(now);
  const backoffs = new Map<string, BackoffRecord>();
  const write = { fieldManager: FIELD_MANAGER };
  const event = (job: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(job, type, reason, message, { component: COMPONENT });
  const typed = (o: KObject): KObject => ({ ...o, apiVersion: 'batch/v1', kind: 'Job' });

  const selectorOf = (job: KObject) => specSelectorOf(job);
  const { ownerKeyOf: jobKeyOf, ownersMatching: jobsMatching } = ownerLookup(jobs, { apiVersion: 'batch/v1', kind: 'Job' }, selectorOf);
  /** A pod that keeps the finalizer with no live, unfinished Job to remove it (isPodOrphaned / finished job). */
  const isOrphanWithFinalizer = (pod: KObject): boolean => {
    if (!hasTrackingFinalizer(pod)) return false;
    const key = jobKeyOf(pod);
    if (!key) return true;
    const job = jobs.get(...splitKey(key));
    return !job || isJobFinished(job);
  };

  const onPod: KeysOf = (type, old, pod) => {
    const keys = new Set<string>();
    const podKey = objectKey(pod);
    const k = jobKeyOf(pod);
    if (k) {
      if (type === 'ADDED' && !pod.metadata.deletionTimestamp) expectations.creationObserved(k);
      if (type === 'DELETED' || pod.metadata.deletionTimestamp) expectations.deletionObserved(k, podKey);
      keys.add(k);
    }
    if (old && type === 'MODIFIED') {
      const oldKey = jobKeyOf(old);
      if (oldKey) keys.add(oldKey);
    }
    if (!controllerRefOf(pod) && type !== 'DELETED' && !pod.metadata.deletionTimestamp) jobsMatching(pod).forEach((k) => keys.add(k));
    if (type !== 'DELETED' && isOrphanWithFinalizer(pod)) orphans.enqueue(podKey);
    return [...keys];
  };

  const onJob: KeysOf = (type, _old, job) => {
    const key = objectKey(job);
    if (type === 'DELETED') {
      expectations.delete(key);
      backoffs.delete(key);
      // Its pods may still hold the finalizer: they are orphans now.
      for (const p of pods.byIndex('namespace', job.metadata.namespace ?? ''))
        if (controllerRefOf(p)?.uid === job.metadata.uid && hasTrackingFinalizer(p)) orphans.enqueue(objectKey(p));
    }
    return [key];
  };

  /** Removes the tracking finalizer; true once the pod no longer holds it (or is gone). */
  const removeFinalizer = async (pod: KObject, retry = true): Promise<boolean> => {
    const patch = removeFinalizerPatch(pod);
    if (!patch) return true;
    try {
      await client.patch(GVR.pods, pod.metadata.namespace, pod.metadata.name!, 'json', patch, write);
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return true;
      // A failed test (the list changed, or another pod of that name): look again at the cache, not with a GET
      // (the job-controller role lists and watches pods, it does not get them).
      if (isStatus(e, 409, 422)) {
        const cached = pods.get(pod.metadata.namespace, pod.metadata.name!);
        if (!cached || cached.metadata.uid !== pod.metadata.uid || !hasTrackingFinalizer(cached)) return true;
        if (retry && cached.metadata.resourceVersion !== pod.metadata.resourceVersion) return removeFinalizer(cached, false);
      }
      ctx.log.warn({ controller: 'job', pod: objectKey(pod), err: (e as Error).message }, 'removing the job-tracking finalizer');
      return false;
    }
  };

  /** Orphan pods: the finalizer goes once a fresh read confirms the Job is gone (or finished). */
  const reconcileOrphan = async (key: string): Promise<ReconcileResult> => {
    const pod = pods.get(...splitKey(key));
    if (!pod || !isOrphanWithFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref?.kind === 'Job') {
      try {
        const job = await client.get(JOBS, pod.metadata.namespace, ref.name);
        if (job.metadata.uid === ref.uid && !isJobFinished(job)) return;
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
    if (!(await removeFinalizer(pod))) throw new Error(`could not remove the job-tracking finalizer of ${key}`);
  };

  /** getPodsForJob: the pods it controls (finished and terminating included), after adopting and releasing. */
  const claimPods = async (job: KObject, selector: LabelSelector): Promise<KObject[]> => {
    const claimed: KObject[] = [];
    for (const pod of pods.byIndex('namespace', job.metadata.namespace ?? '')) {
      const decision = claimDecision(job, pod, selector.matches(pod.metadata.labels ?? {}));
      if (decision === 'owned') claimed.push(pod);
      else if (decision === 'adopt') {
        try {
          claimed.push(await client.patch(GVR.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', adoptPatch(job, pod), write));
        } catch (e) {
          if (!isStatus(e, 404, 409, 422)) throw e;
        }
      } else if (decision === 'release') {
        try {
          await client.patch(GVR.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', releasePatch(job, pod), write);
        } catch (e) {
          if (!isStatus(e, 404, 409, 422)) throw e;
        }
      }
    }
    return claimed;
  };

  const createPods = async (
    job: KObject,
    key: string,
    count: number,
    indexes: number[] | undefined,
    annotate?: (index: number) => Record<string, string>,
  ): Promise<{ successes: number; error?: Error }> => {
    const n = indexes ? indexes.length : count;
    if (n <= 0) return { successes: 0 };
    expectations.expectCreations(key, n);
    let next = 0;
    const { successes, error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      const ix = indexes?.[next++];
      try {
        const extra = ix !== undefined && annotate ? annotate(ix) : {};
        const pod = await client.create(GVR.pods, job.metadata.namespace, podForJob(job, ix, extra), write);
        event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (e) {
        if (hasCause(e, 'NamespaceTerminating')) return;
        event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    for (let i = successes; i < n; i++) expectations.creationObserved(key);
    return { successes, error };
  };

  /** deleteJobPods (surplus, suspend): the finalizer goes first, so these pods never count as failures. */
  const deletePods = async (job: KObject, key: string, victims: KObject[], keepFinalizer: boolean): Promise<Error | undefined> => {
    if (!victims.length) return undefined;
    expectations.expectDeletions(key, victims.map(objectKey));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          if (!keepFinalizer) await removeFinalizer(pod);
          await client.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name!);
          event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          expectations.deletionObserved(key, objectKey(pod));
          if (isStatus(e, 404)) return;
          event(job, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
          throw e;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    return failed?.reason as Error | undefined;
  };

  /** A status write; a conflict reads the Job again and gives up this sync (the next one recomputes from it). */
  const writeStatus = async (job: KObject, status: J): Promise<KObject | undefined> => {
    if (deepEqual((job as J).status ?? {}, status)) return job;
    try {
      return typed(await client.updateStatus(JOBS, job.metadata.namespace, { ...job, status }, write));
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const cached = jobs.get(namespace, name);
    if (!cached) {
      expectations.delete(key);
      backoffs.delete(key);
      return;
    }
    // spec.managedBy naming another controller: that one writes the status, this one stays away.
    if (!isManagedByJobController(cached)) return;
    let job = typed(structuredClone(cached));
    const selector = selectorOf(job);
    if (!selector) return;
    const nowMs = now();
    // Read before looking at pods: a creation observed meanwhile must not be missing from the claim below.
    const needsSync = expectations.satisfied(key);
    const jobPods = await claimPods(job, selector);
    if (isJobFinished(job)) {
      // Finished earlier: whatever still holds the finalizer lets go (as upstream's orphan-pod path).
      await Promise.all(jobPods.filter(hasTrackingFinalizer).map((p) => removeFinalizer(p)));
      return;
    }
    const status: J = structuredClone((job as J).status ?? {});
    status.conditions = Array.isArray(status.conditions) ? status.conditions : [];
    const conds = status.conditions as JobCondition[];
    const suspended = isSuspended(job);
    if (!status.startTime && !suspended) status.startTime = rfc3339(nowMs);

    // Accounting: what finished since the last count, and the back-off it implies.
    const uncounted = uncountedOf(job);
    const fresh = newFinishedPods(job, jobPods, uncounted);
    const freshFailedCounted = countedFailures(job, fresh.failed);
    backoffs.set(key, nextBackoffRecord(backoffs.get(key) ?? { failuresAfterLastSuccess: 0 }, fresh.succeeded, freshFailedCounted, nowMs));
    const indexes = isIndexed(job) ? succeededIndexes(job, fresh.succeeded) : new Set<number>();
    const succeeded = isIndexed(job) ? indexes.size : Number(status.succeeded ?? 0) + uncounted.succeeded.size + fresh.succeeded.length;
    const failed = Number(status.failed ?? 0) + uncounted.failed.size + freshFailedCounted.length;
    const counts = podCounts(jobPods);
    let activeCount = counts.active.length;
    let removed = 0;
    let manageError: Error | undefined;
    let requeueMs: number | undefined;
    const { active } = counts;

    // backoffLimitPerIndex: the failed indexes, whether they fail the Job, and the failed pods kept for their counts.
    const failedIndexes = isIndexed(job) && hasBackoffLimitPerIndex(job) ? failedIndexesOf(job, jobPods) : undefined;
    let finished: FinishedCondition | undefined = failureCondition(job, jobPods, active, failed, nowMs);
    if (!finished && failedIndexes) finished = failedIndexesCondition(job, failedIndexes, indexes);
    const delayed = failedIndexes
      ? podsWithDelayedDeletion(job, jobPods, active, indexes, failedIndexes, nowMs)
      : new Map<number, KObject>();
    if (finished) {
      // deleteActivePods: their finalizers stay; they are counted as failed below.
      manageError = await deletePods(job, key, active, true);
      removed = activeCount;
      activeCount = 0;
    } else if (suspended) {
      manageError = await deletePods(job, key, active, false);
      removed = activeCount;
      activeCount = 0;
      if (setCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowMs))
        event(job, 'Normal', 'Suspended', 'Job suspended');
      // The deadline clock of a suspended Job stops; once its pods are gone it restarts from resume.
      if (!jobPods.some(isUnfinished)) delete status.startTime;
    } else {
      if (conds.some((c) => c.type === 'Suspended' && c.status === 'True')) {
        setCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowMs);
        event(job, 'Normal', 'Resumed', 'Job resumed');
        status.startTime = rfc3339(nowMs);
      }
      // Success already decided (a success policy, or SuccessCriteriaMet recorded): no pod is created any more.
      finished = successCondition(job, succeeded, activeCount, indexes);
      if (!finished && needsSync && !job.metadata.deletionTimestamp) {
        const r = await manageJob(job, key, active, succeeded, indexes, counts.terminating, jobPods, nowMs, failedIndexes, delayed);
        manageError = r.error;
        activeCount += r.created - r.removed.length;
        removed = r.removed.length;
        requeueMs = r.requeueMs;
      }
      finished ??= successCondition(job, succeeded, activeCount, indexes);
      if (finished && activeCount) {
        // Pods still running once the Job succeeded (a success policy, indexes done meanwhile): not needed any more.
        manageError ??= await deletePods(job, key, active, false);
        removed += activeCount;
        activeCount = 0;
      }
    }

    // The finalizer protocol, step 1: the uids to count are recorded before any finalizer goes.
    const failing = finished?.type === 'FailureTarget';
    const toRelease = jobPods.filter((p) => hasTrackingFinalizer(p) && canRemoveFinalizer(job, p, !!finished, delayed));
    const pending = { succeeded: [...uncounted.succeeded], failed: [...uncounted.failed] };
    const byUid = new Map(jobPods.map((p) => [p.metadata.uid ?? '', p]));
    let added = 0;
    for (const p of toRelease) {
      const uid = p.metadata.uid ?? '';
      if (uncounted.succeeded.has(uid) || uncounted.failed.has(uid) || added >= MAX_UNCOUNTED_PODS) continue;
      if (podPhase(p) === 'Succeeded') {
        pending.succeeded.push(uid);
        added++;
      } else if ((isPodFailed(p, job) || failing) && countedFailures(job, [p]).length) {
        // When the Job fails, every pod not yet finished counts as failed.
        pending.failed.push(uid);
        added++;
      }
    }
    if (added) {
      const written = await writeStatus(job, { ...status, uncountedTerminatedPods: prune(pending) });
      if (!written) return;
      job = written;
    }
    // Step 2: the finalizers go; step 3: what lost it (or is gone) moves from uncounted into the counters.
    const released = new Set<string>();
    await Promise.all(
      toRelease.map(async (p) => {
        if (await removeFinalizer(p)) released.add(p.metadata.uid ?? '');
      }),
    );
    const stillTracked = (uid: string) => {
      const p = byUid.get(uid);
      return !!p && hasTrackingFinalizer(p) && !released.has(uid);
    };
    const left = { succeeded: [] as string[], failed: [] as string[] };
    let countedSucceeded = Number(status.succeeded ?? 0);
    let countedFailed = Number(status.failed ?? 0);
    const completions = Number((job as J).spec?.completions ?? 0);
    const completed = isIndexed(job) ? succeededIndexes(job, []) : new Set<number>();
    for (const uid of pending.succeeded) {
      if (stillTracked(uid)) {
        left.succeeded.push(uid);
        continue;
      }
      if (!isIndexed(job)) countedSucceeded++;
      else {
        // An index counts once, however many of its pods succeeded.
        const p = byUid.get(uid);
        const ix = p ? completionIndexOf(p) : -1;
        if (ix >= 0 && ix < completions && !completed.has(ix)) {
          completed.add(ix);
          countedSucceeded++;
        }
      }
    }
    for (const uid of pending.failed) {
      if (stillTracked(uid)) left.failed.push(uid);
      else countedFailed++;
    }
    status.succeeded = countedSucceeded;
    status.failed = countedFailed;
    status.uncountedTerminatedPods = prune(left);
    if (isIndexed(job)) status.completedIndexes = formatIndexes(completed);
    if (failedIndexes) status.failedIndexes = formatIndexes(failedIndexes);
    status.active = activeCount;
    status.ready = activeCount ? active.filter(isReadyPod).length : 0;
    status.terminating = counts.terminating + removed;

    // Conditions: the target first; the terminal one once every pod has stopped and been counted.
    if (finished) {
      setCondition(conds, finished.type, 'True', finished.reason, finished.message, nowMs);
      const settled = !left.succeeded.length && !left.failed.length && !jobPods.some(isUnfinished);
      if (settled) {
        if (finished.type === 'FailureTarget') {
          setCondition(conds, 'Failed', 'True', finished.reason, finished.message, nowMs);
          event(job, 'Warning', finished.reason, finished.message);
        } else {
          setCondition(conds, 'Complete', 'True', finished.reason, finished.message, nowMs);
          status.completionTime = rfc3339(nowMs);
          event(job, 'Normal', 'Completed', 'Job completed');
        }
        status.terminating = 0;
      } else requeueMs = Math.min(requeueMs ?? 1000, 1000);
    }
    if (!conds.length) delete status.conditions;
    await writeStatus(job, status);
    if (manageError) throw manageError;
    const deadline = finished ? undefined : activeDeadlineAt({ ...job, status } as KObject);
    if (deadline !== undefined) requeueMs = Math.min(requeueMs ?? Infinity, Math.max(deadline - nowMs, 0) + 100);
    return requeueMs === undefined ? undefined : { requeueAfterMs: requeueDelay(requeueMs) };
  };

  /** manageJob: pods to delete (surplus, bad indexes), else pods to create once the back-off allows. */
  const manageJob = async (
    job: KObject,
    key: string,
    active: KObject[],
    succeeded: number,
    indexes: Set<number>,
    terminating: number,
    jobPods: KObject[],
    nowMs: number,
    failedIndexes: Set<number> | undefined,
    delayed: Map<number, KObject>,
  ): Promise<{ created: number; removed: KObject[]; error?: Error; requeueMs?: number }> => {
    const want = wantActive(job, succeeded, active.length);
    const completions = Number((job as J).spec?.completions ?? 0);
    let victims: KObject[] = isIndexed(job) ? invalidIndexPods(active, completions) : [];
    const keep = active.filter((p) => !victims.includes(p));
    if (keep.length > want) victims = [...victims, ...podsToDelete(keep, keep, keep.length - want, nowMs)];
    victims = victims.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (victims.length) return { created: 0, removed: victims, error: await deletePods(job, key, victims, false) };
    if (active.length >= want) return { created: 0, removed: [] };
    // The Job-wide back-off, unless each index has its own (below).
    const remaining = failedIndexes
      ? 0
      : backoffRemainingMs(backoffs.get(key) ?? { failuresAfterLastSuccess: 0 }, nowMs, opts.backoffBaseMs, opts.backoffMaxMs);
    if (remaining > 0) return { created: 0, removed: [], requeueMs: remaining };
    const diff = Math.min(want - (onlyReplaceFailedPods(job) ? terminating : 0) - active.length, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (diff <= 0) return { created: 0, removed: [] };
    let toIndex: number[] | undefined;
    if (isIndexed(job)) {
      // Indexes held by a running pod, or by a terminating one when only failed pods are replaced.
      const held = new Set(
        jobPods.filter((p) => isUnfinished(p) && (onlyReplaceFailedPods(job) || !p.metadata.deletionTimestamp)).map(completionIndexOf),
      );
      toIndex = firstPendingIndexes(new Set([...indexes, ...(failedIndexes ?? [])]), held, diff, completions);
      if (failedIndexes) {
        const { ready, waitMs } = indexesReadyToCreate(toIndex, delayed, nowMs, opts.backoffBaseMs, opts.backoffMaxMs);
        if (!ready.length && waitMs > 0) return { created: 0, removed: [], requeueMs: waitMs };
        toIndex = ready;
      }
    }
    const annotate = failedIndexes ? (ix: number) => replacementAnnotations(job, delayed.get(ix)) : undefined;
    const r = await createPods(job, key, diff, toIndex, annotate);
    return { created: r.successes, removed: [], error: r.error };
  };

  const controller = new Controller('job', reconcile, ctx.log, 5);
  controller.source(jobs, onJob);
  controller.source(pods, onPod);
  const orphans = new Controller('job-orphan-pod', reconcileOrphan, ctx.log, 2);
  return {
    controller,
    orphans,
    recorder,
    jobs,
    pods,
    stop: () => {
      controller.stop();
      orphans.stop();
    },
  };
}

/** Not finished yet (running, pending or terminating). */
const isUnfinished = (p: KObject) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed';
const isReadyPod = (p: KObject) => ((p as J).status?.conditions ?? []).some((c: J) => c.type === 'Ready' && c.status === 'True');
/** uncountedTerminatedPods without empty lists (upstream's omitempty). */
const prune = (u: { succeeded: string[]; failed: string[] }) => ({
  ...(u.succeeded.length ? { succeeded: u.succeeded } : {}),
  ...(u.failed.length ? { failed: u.failed } : {}),
});
