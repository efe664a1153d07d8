// kube-controller-manager's batch controllers, started together: Jobs, CronJobs, and the ttl-after-finished
// controller that deletes finished Jobs.
import type { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { startCronJobController } from '../cronjob/cronjob-controller.js';
import { startJobController } from './job-controller.js';
import { startTtlAfterFinishedController } from './ttl-after-finished.js';

export async function startBatchControllers(ctx: ReconcilerContext): Promise<Controller[]> {
  const [job, cronJob, ttl] = await Promise.all([
    startJobController(ctx),
    startCronJobController(ctx),
    startTtlAfterFinishedController(ctx),
  ]);
  return [job.controller, job.orphans, cronJob.controller, ttl.controller];
}
