// The CronJob controller (kube-controller-manager's cronjob_controllerv2.go), level-triggered on namespace/name with a
// requeue at the next start: reconciles status.active with the Jobs it controls (SawCompletedJob, MissingJob,
// UnexpectedJob), lastSuccessfulTime, then, unless suspended, starts the most recent unmet scheduled time (at most one
// catch-up run; past startingDeadlineSeconds it is a MissSchedule; Forbid skips while a Job runs, Replace deletes the
// running ones), and prunes finished Jobs beyond the history limits.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, splitKey, type Client, type Gvr } from '../../client/types.js';
import { Controller, type KeysOf, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { controllerRefOf } from '../replicaset/claim.js';
import { requeueDelay } from '../job/constants.js';
import { JOBS, rfc3339 } from '../job/job-controller.js';
import { findCondition, isJobFinished } from '../job/pod-accounting.js';
import { jobFromCronJob, jobNameFor } from './job-from-cronjob.js';
import { nextScheduleDelay, nextScheduleTime, parseSchedule, type CronJobTimes, type Schedule } from './schedule.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CRONJOBS: Gvr = { group: 'batch', version: 'v1', resource: 'cronjobs' };
const COMPONENT = 'cronjob-controller';
const FIELD_MANAGER = 'kube-controller-manager';

export interface CronJobControllerOptions {
  now?: () => number;
  recorder?: EventRecorder;
}

export interface RunningCronJobController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
const hasCause = (e: unknown, reason: string) =>
  e instanceof StatusError && (e.details?.causes ?? []).some((c: { reason?: string }) => c.reason === reason);

/** Go's time.RFC1123Z, for the MissSchedule event. */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const day = d.toUTCString().slice(0, 3);
  const pad = (n: number) => String(n).padStart(2, '0');
  const mon = d.toUTCString().slice(8, 11);
  return `${day}, ${pad(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export const timesOf = (cj: KObject): CronJobTimes => {
  const last = Date.parse((cj as J).status?.lastScheduleTime ?? '');
  const sds = (cj as J).spec?.startingDeadlineSeconds;
  return {
    lastScheduleTime: Number.isNaN(last) ? undefined : last,
    creationTime: Date.parse(cj.metadata.creationTimestamp ?? '') || 0,
    startingDeadlineSeconds: typeof sds === 'number' ? sds : undefined,
  };
};

const jobRef = (job: KObject) => ({
  kind: 'Job',
  namespace: job.metadata.namespace,
  name: job.metadata.name,
  uid: job.metadata.uid,
  apiVersion: 'batch/v1',
  resourceVersion: job.metadata.resourceVersion,
});

/** The time a Job started, for the history's oldest-first order (status.startTime, else its creation). */
const startedAt = (job: KObject) => Date.parse((job as J).status?.startTime ?? job.metadata.creationTimestamp ?? '') || 0;

export async function startCronJobController(
  ctx: ReconcilerContext,
  opts: CronJobControllerOptions = {},
): Promise<RunningCronJobController> {
  const client = ctx.client(controllerIdentity('cronjob-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'cronjob', err: err.message }, 'informer');
  const cronJobs = new Informer(client, CRONJOBS, { onError });
  const jobs = new Informer(client, JOBS, { onError });
  const controller = cronJobController(ctx, client, cronJobs, jobs, recorder, opts);
  await controller.start();
  return { controller, recorder, stop: () => controller.stop() };
}

function cronJobController(
  ctx: ReconcilerContext,
  client: Client,
  cronJobs: Informer,
  jobs: Informer,
  recorder: EventRecorder,
  opts: CronJobControllerOptions,
): Controller {
  const now = opts.now ?? Date.now;
  const write = { fieldManager: FIELD_MANAGER };
  const event = (cj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(cj, type, reason, message, { component: COMPONENT });
  const typed = (o: KObject): KObject => ({ ...o, apiVersion: 'batch/v1', kind: 'CronJob' });

  const ownerKey = (job: KObject): string | undefined => {
    const ref = controllerRefOf(job);
    return ref?.kind === 'CronJob' ? `${job.metadata.namespace}/${ref.name}` : undefined;
  };
  const onJob: KeysOf = (_type, old, job) => {
    const keys = new Set<string>();
    const k = ownerKey(job);
    if (k) keys.add(k);
    const ok = old && ownerKey(old);
    if (ok) keys.add(ok);
    return [...keys];
  };

  const deleteJob = async (cj: KObject, status: J, job: KObject): Promise<boolean> => {
    try {
      await client.delete(JOBS, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (e) {
      if (!isStatus(e, 404)) {
        event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
        return false;
      }
    }
    status.active = (status.active ?? []).filter((r: J) => r.uid !== job.metadata.uid);
    event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  };

  /** syncCronJob: returns the delay to the next look, if any. */
  const syncCronJob = async (cj: KObject, status: J, children: KObject[]): Promise<number | undefined> => {
    const nowMs = now();
    const childUids = new Set(children.map((j) => j.metadata.uid));
    const inActive = (uid: string | undefined) => (status.active ?? []).some((r: J) => r.uid === uid);
    for (const j of children) {
      const found = inActive(j.metadata.uid);
      if (!found && !isJobFinished(j)) {
        event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && isJobFinished(j)) {
        const cond = findCondition(j, 'Complete') ? 'Complete' : 'Failed';
        status.active = status.active.filter((r: J) => r.uid !== j.metadata.uid);
        event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${cond}`);
      }
      if (findCondition(j, 'Complete')) {
        const done = (j as J).status?.completionTime;
        if (done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime)))
          status.lastSuccessfulTime = done;
      }
    }
    // Active references whose Job is gone (a fresh read decides: the informer may lag).
    for (const ref of [...(status.active ?? [])] as J[]) {
      if (childUids.has(ref.uid)) continue;
      try {
        const j = await client.get(JOBS, ref.namespace ?? cj.metadata.namespace, ref.name);
        if (j.metadata.uid === ref.uid) continue;
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
      event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      status.active = status.active.filter((r: J) => r.uid !== ref.uid);
    }
    if (cj.metadata.deletionTimestamp) return undefined;
    const spec: J = (cj as J).spec ?? {};
    if (spec.suspend === true) return undefined;
    let sched: Schedule;
    try {
      sched = parseSchedule(String(spec.schedule ?? ''), spec.timeZone ?? undefined);
    } catch (e) {
      const msg = (e as Error).message;
      if (spec.timeZone && /time ?zone|Invalid/i.test(msg))
        event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${spec.timeZone}": ${msg}`);
      else event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${msg}`);
      return undefined;
    }
    const times = { ...timesOf(cj), lastScheduleTime: Date.parse(status.lastScheduleTime ?? '') || undefined };
    let scheduled: number | undefined;
    try {
      const r = nextScheduleTime(times, nowMs, sched);
      scheduled = r.scheduled;
      if (r.tooManyMissed)
        event(
          cj,
          'Warning',
          'TooManyMissedTimes',
          'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
        );
    } catch (e) {
      event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${spec.schedule} : ${(e as Error).message}`);
      return undefined;
    }
    const delay = () =>
      nextScheduleDelay({ ...times, lastScheduleTime: Date.parse(status.lastScheduleTime ?? '') || undefined }, now(), sched);
    if (scheduled === undefined) return delay();
    if (typeof spec.startingDeadlineSeconds === 'number' && scheduled + spec.startingDeadlineSeconds * 1000 < nowMs) {
      event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return delay();
    }
    const name = jobNameFor(cj, scheduled);
    if ((status.active ?? []).some((r: J) => r.name === name) || times.lastScheduleTime === scheduled) return delay();
    if (spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return delay();
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])] as J[]) {
        let job: KObject;
        try {
          job = await client.get(JOBS, ref.namespace ?? cj.metadata.namespace, ref.name);
        } catch (e) {
          if (isStatus(e, 404)) continue;
          throw e;
        }
        if (!(await deleteJob(cj, status, job))) throw new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
      }
    }
    let created: KObject;
    try {
      created = await client.create(JOBS, cj.metadata.namespace, jobFromCronJob(cj, scheduled), write);
      event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (hasCause(e, 'NamespaceTerminating')) return undefined;
      if (!isStatus(e, 409)) {
        event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      // Created by an earlier sync whose status write was lost: adopt the reference if it is ours.
      created = await client.get(JOBS, cj.metadata.namespace, name);
      if (controllerRefOf(created)?.uid !== cj.metadata.uid || inActive(created.metadata.uid)) return undefined;
    }
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return delay();
  };

  /** cleanupFinishedJobs: the oldest finished Jobs beyond each history limit go. */
  const cleanupFinishedJobs = async (cj: KObject, status: J, children: KObject[]): Promise<void> => {
    const spec: J = (cj as J).spec ?? {};
    const prune = async (list: KObject[], limit: unknown) => {
      if (typeof limit !== 'number' || list.length <= limit) return;
      const oldest = [...list].sort((a, b) => startedAt(a) - startedAt(b)).slice(0, list.length - limit);
      for (const j of oldest) await deleteJob(cj, status, j);
    };
    const finished = children.filter((j) => isJobFinished(j) && !j.metadata.deletionTimestamp);
    await prune(
      finished.filter((j) => findCondition(j, 'Complete')),
      spec.successfulJobsHistoryLimit,
    );
    await prune(
      finished.filter((j) => findCondition(j, 'Failed')),
      spec.failedJobsHistoryLimit,
    );
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const cached = cronJobs.get(namespace, name);
    if (!cached) return;
    const cj = typed(cached);
    const children = jobs.byIndex('namespace', namespace).filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    const status: J = structuredClone((cj as J).status ?? {});
    const delay = await syncCronJob(cj, status, children);
    await cleanupFinishedJobs(cj, status, children);
    if (Array.isArray(status.active) && !status.active.length) delete status.active;
    if (!deepEqual((cj as J).status ?? {}, status)) {
      try {
        await client.updateStatus(CRONJOBS, namespace, { ...cj, status }, write);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
    return delay === undefined ? undefined : { requeueAfterMs: requeueDelay(delay) };
  };

  const controller = new Controller('cronjob', reconcile, ctx.log, 5);
  controller.source(cronJobs, (_type, _old, cj) => [objectKey(cj)]);
  controller.source(jobs, onJob);
  return controller;
}
