// spec.managedBy (JobManagedBy, beta and on since 1.32): a Job naming another controller is left to it entirely; the
// built-in controller handles Jobs that leave the field unset or name it.
import type { KObject } from '../../machinery/api/meta.js';

/** The value naming kube-controller-manager's job controller (batch/v1 JobControllerName). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** isJobManagedByController. */
export function isManagedByJobController(job: KObject): boolean {
  const managedBy = (job as { spec?: { managedBy?: unknown } }).spec?.managedBy;
  return managedBy == null || managedBy === JOB_CONTROLLER_NAME;
}
