// batch/v1: Jobs and CronJobs, both with /status; listed by `kubectl get all`.
import { cronJobStrategy } from '../strategies/cronjob.js';
import { jobStrategy } from '../strategies/job.js';
import { cronJobsTable, jobsTable } from '../tables/jobs.js';
import type { ResourceDef } from '../types.js';
import { warnPodTemplateSecurity } from '../../admission/pod-security/index.js';

export const jobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  statusSubresource: true,
  strategy: jobStrategy,
  table: jobsTable,
  admit: warnPodTemplateSecurity,
};

export const cronjobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  statusSubresource: true,
  strategy: cronJobStrategy,
  table: cronJobsTable,
  // The pod template sits one level deeper, in the job template.
  admit: (cj, old, ctx) =>
    warnPodTemplateSecurity({ ...cj, spec: (cj.spec as { jobTemplate?: { spec?: unknown } })?.jobTemplate?.spec }, old, ctx),
};
