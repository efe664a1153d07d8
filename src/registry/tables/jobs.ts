// Jobs and CronJobs (batch), as kube-apiserver's printers (printJob, printCronJob): NAME STATUS COMPLETIONS DURATION
// AGE and NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE; wide CONTAINERS IMAGES SELECTOR.
import type { KObject } from '../../machinery/api/meta.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from '../../machinery/duration.js';
import { arr, column, get, rec } from './columns.js';
import { workloadTable } from './workload-columns.js';

const hasTrueCondition = (o: KObject, type: string) =>
  arr(get(o, 'status', 'conditions')).some((c) => c.type === type && c.status === 'True');

/** printJob's STATUS: the first that holds of Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet. */
export function jobStatusCell(o: KObject): string {
  if (hasTrueCondition(o, 'Complete')) return 'Complete';
  if (hasTrueCondition(o, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (hasTrueCondition(o, 'Suspended')) return 'Suspended';
  if (hasTrueCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasTrueCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** COMPLETIONS: `succeeded/completions`, `succeeded/1 of parallelism` for a work queue. */
export function completionsCell(o: KObject): string {
  const spec = rec(o.spec);
  const succeeded = Number(get(o, 'status', 'succeeded') ?? 0);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  if (typeof spec.parallelism === 'number' && spec.parallelism > 1) return `${succeeded}/1 of ${spec.parallelism}`;
  return `${succeeded}/1`;
}

/** DURATION: start to completion, or start to now while it runs; empty before it starts. */
export function durationCell(o: KObject, now: Date): string {
  const start = parseTimestamp(get(o, 'status', 'startTime') as string | undefined);
  if (start === undefined) return '';
  const end = parseTimestamp(get(o, 'status', 'completionTime') as string | undefined) ?? now.getTime();
  return humanDuration(end - start);
}

const JOB_SELECTOR = 'A label query over pods that should match the pod count.';

export const jobsTable = workloadTable({
  columns: [
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.'),
    column('Duration', 'string', 'Time required to complete the job.'),
  ],
  cells: (o, now) => [jobStatusCell(o), completionsCell(o), durationCell(o, now)],
  template: ['spec', 'template'],
  selector: { path: ['spec', 'selector'], description: JOB_SELECTOR },
});

export const cronJobsTable = workloadTable({
  columns: [
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
    ),
    column(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.',
    ),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
  ],
  cells: (o, now) => {
    const spec = rec(o.spec);
    const last = get(o, 'status', 'lastScheduleTime') as string | undefined;
    return [
      typeof spec.schedule === 'string' ? spec.schedule : '',
      typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
      // printBoolPtr: the column is typed boolean but its cell is Go's text.
      typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>',
      arr(get(o, 'status', 'active')).length,
      last ? translateTimestampSince(last, now) : '<none>',
    ];
  },
  template: ['spec', 'jobTemplate', 'spec', 'template'],
  selector: { path: ['spec', 'jobTemplate', 'spec', 'selector'], description: JOB_SELECTOR },
});
