// The ttl-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with ttlSecondsAfterFinished is
// deleted (foreground, so its pods go first) once that many seconds passed since its Complete/Failed condition; the
// Job is read afresh before the delete, which carries its uid and resourceVersion as preconditions.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, splitKey } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { requeueDelay } from './constants.js';
import { JOBS } from './job-controller.js';
import { findCondition, isJobFinished } from './pod-accounting.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** When the Job expires (ms), or undefined when it has no TTL, is not finished or is being deleted already. */
export function jobExpiresAt(job: KObject): number | undefined {
  const ttl = (job as J).spec?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number' || job.metadata.deletionTimestamp || !isJobFinished(job)) return undefined;
  const cond = findCondition(job, 'Complete') ?? findCondition(job, 'Failed');
  const finishedAt = Date.parse(cond?.lastTransitionTime ?? '');
  if (Number.isNaN(finishedAt)) return undefined;
  return finishedAt + ttl * 1000;
}

export interface RunningTtlController {
  controller: Controller;
  stop(): void;
}

export async function startTtlAfterFinishedController(
  ctx: ReconcilerContext,
  opts: { now?: () => number } = {},
): Promise<RunningTtlController> {
  const now = opts.now ?? Date.now;
  const client = ctx.client(controllerIdentity('ttl-after-finished-controller'));
  const jobs = new Informer(client, JOBS, {
    onError: (err) => ctx.log.warn({ controller: 'ttl-after-finished', err: err.message }, 'informer'),
  });
  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const cached = jobs.get(...splitKey(key));
    if (!cached) return;
    const at = jobExpiresAt(cached);
    if (at === undefined) return;
    if (at > now()) return { requeueAfterMs: requeueDelay(at - now() + 100) };
    // processTTL: the cache may be stale; the decision stands only on a fresh read.
    let fresh: KObject;
    try {
      fresh = await client.get(JOBS, cached.metadata.namespace, cached.metadata.name!);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    const freshAt = jobExpiresAt(fresh);
    if (freshAt === undefined) return;
    if (freshAt > now()) return { requeueAfterMs: requeueDelay(freshAt - now() + 100) };
    try {
      await client.delete(JOBS, fresh.metadata.namespace, fresh.metadata.name!, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion },
      });
      ctx.log.info({ controller: 'ttl-after-finished', job: key }, 'deleted an expired job');
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  };
  const controller = new Controller('ttl-after-finished', reconcile, ctx.log, 2);
  controller.source(jobs, (_type, _old, job) => [objectKey(job)]);
  await controller.start();
  return { controller, stop: () => controller.stop() };
}
