// batch/v1 CronJob (pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation): defaults, the schedule and timeZone
// checks, the job template validated as a Job's spec (its selector is generated per Job, so none is required here).
import { CronExpressionParser } from 'cron-parser';
import type { Strategy } from '../types.js';
import { invalid, isObj, nonNegative, notSupported, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { defaultJobSpec, validateJobSpec } from './job.js';

/** Job names are `<cronjob>-<minutes>` (11 digits) and must stay within 63 characters. */
export const CRONJOB_NAME_MAX = 52;

export function defaultCronJob(cj: J): void {
  const spec = isObj(cj.spec) ? cj.spec : (cj.spec = {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec)) defaultJobSpec(spec.jobTemplate.spec, { jobFields: false });
}

/** An IANA zone Intl knows (Go's time.LoadLocation reads the same database). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validateSchedule(schedule: unknown, timeZone: unknown): Errs {
  if (typeof schedule !== 'string' || schedule === '') return [required('spec.schedule')];
  if (/^\s*(CRON_)?TZ=/.test(schedule))
    return [invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  try {
    // robfig/cron's standard parser: five fields or a descriptor (no seconds field).
    if (!schedule.trim().startsWith('@') && schedule.trim().split(/\s+/).length !== 5)
      throw new Error(`expected exactly 5 fields, found ${schedule.trim().split(/\s+/).length}: ${schedule}`);
    CronExpressionParser.parse(schedule, { tz: typeof timeZone === 'string' && isValidTimeZone(timeZone) ? timeZone : 'UTC' });
    return [];
  } catch (e) {
    return [invalid('spec.schedule', schedule, (e as Error).message)];
  }
}

export function validateCronJob(cj: J): Errs {
  const errs: Errs = validateObjectMeta(cj.metadata, { namespaced: true });
  const name = cj.metadata?.name;
  if (typeof name === 'string' && name.length > CRONJOB_NAME_MAX)
    errs.push(invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  const spec: J = isObj(cj.spec) ? cj.spec : {};
  errs.push(...validateSchedule(spec.schedule, spec.timeZone));
  if (spec.timeZone != null && (typeof spec.timeZone !== 'string' || !isValidTimeZone(spec.timeZone)))
    errs.push(invalid('spec.timeZone', spec.timeZone, 'unknown time zone ' + String(spec.timeZone)));
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy))
    errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy ?? '', ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'])
    errs.push(...nonNegative(spec[f], `spec.${f}`));
  const jobSpec: J = isObj(spec.jobTemplate?.spec) ? spec.jobTemplate.spec : {};
  errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec', { selectorRequired: false }));
  return errs;
}

export const cronJobStrategy: Strategy = {
  defaults: defaultCronJob,
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateCronJob,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCronJob(obj)],
  generationFields: ['spec'],
};
