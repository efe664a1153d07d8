// CronJob schedule evaluation against a fake clock: cron syntax, macros and @every, time zones (DST included), the most
// recent unmet start with at most one catch-up run, startingDeadlineSeconds, the "too many missed" threshold, the
// next wake-up, and the Job a CronJob starts (name in minutes, scheduled-timestamp annotation in its zone).
import type { KObject } from '../../src/machinery/api/meta.js';
import {
  mostRecentScheduleTime,
  nextScheduleDelay,
  nextScheduleTime,
  parseGoDuration,
  parseSchedule,
  scheduledMinutes,
} from '../../src/reconcilers/cronjob/schedule.js';
import { jobFromCronJob, jobNameFor, rfc3339In } from '../../src/reconcilers/cronjob/job-from-cronjob.js';
import { timesOf } from '../../src/reconcilers/cronjob/cronjob-controller.js';
import { cronJobStrategy } from '../../src/registry/strategies/cronjob.js';
import { cronJobsTable } from '../../src/registry/tables/jobs.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T = (s: string) => Date.parse(s);

describe('parsing and next start', () => {
  test('five fields and the macros, in UTC by default', () => {
    expect(parseSchedule('*/15 * * * *').next(T('2026-01-01T10:07:30Z'))).toBe(T('2026-01-01T10:15:00Z'));
    expect(parseSchedule('@hourly').next(T('2026-01-01T10:00:00Z'))).toBe(T('2026-01-01T11:00:00Z'));
    expect(parseSchedule('@daily').next(T('2026-01-01T10:00:00Z'))).toBe(T('2026-01-02T00:00:00Z'));
    expect(parseSchedule('@midnight').next(T('2026-01-01T10:00:00Z'))).toBe(T('2026-01-02T00:00:00Z'));
    expect(parseSchedule('@weekly').next(T('2026-01-01T10:00:00Z'))).toBe(T('2026-01-04T00:00:00Z')); // a Sunday
    expect(parseSchedule('@yearly').next(T('2026-01-01T10:00:00Z'))).toBe(T('2027-01-01T00:00:00Z'));
    expect(parseSchedule('@every 90s').next(T('2026-01-01T10:00:00.500Z'))).toBe(T('2026-01-01T10:01:30Z'));
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
  });
  test('refused: six fields, unknown descriptors, bad values', () => {
    expect(() => parseSchedule('0 * * * * *')).toThrow('expected exactly 5 fields, found 6');
    expect(() => parseSchedule('@fortnightly')).toThrow('unrecognized descriptor: @fortnightly');
    expect(() => parseSchedule('61 * * * *')).toThrow();
  });
  test('time zones: 09:00 in Kolkata is 03:30 UTC; New York across the spring DST change', () => {
    expect(parseSchedule('0 9 * * *', 'Asia/Kolkata').next(T('2026-01-01T00:00:00Z'))).toBe(T('2026-01-01T03:30:00Z'));
    const ny = parseSchedule('0 8 * * *', 'America/New_York');
    expect(ny.next(T('2026-03-07T00:00:00Z'))).toBe(T('2026-03-07T13:00:00Z')); // EST, UTC-5
    expect(ny.next(T('2026-03-08T00:00:00Z'))).toBe(T('2026-03-08T12:00:00Z')); // EDT, UTC-4
  });
});

describe('missed windows', () => {
  const hourly = parseSchedule('0 * * * *');
  const created = T('2026-01-01T00:30:00Z');
  test('nothing due before the first start; the first start once it passed', () => {
    expect(nextScheduleTime({ creationTime: created }, T('2026-01-01T00:59:59Z'), hourly)).toEqual({ tooManyMissed: false });
    expect(nextScheduleTime({ creationTime: created }, T('2026-01-01T01:00:05Z'), hourly)).toEqual({
      scheduled: T('2026-01-01T01:00:00Z'),
      tooManyMissed: false,
    });
  });
  test('after downtime only the most recent missed start runs (one catch-up)', () => {
    const cj = { creationTime: created, lastScheduleTime: T('2026-01-01T01:00:00Z') };
    const r = mostRecentScheduleTime(cj, T('2026-01-01T06:20:00Z'), hourly, true);
    expect(r.mostRecent).toBe(T('2026-01-01T06:00:00Z'));
    expect(r.missed).toBe('few');
  });
  test('more than 100 missed starts are reported', () => {
    const cj = { creationTime: created, lastScheduleTime: T('2026-01-01T01:00:00Z') };
    expect(nextScheduleTime(cj, T('2026-01-10T00:10:00Z'), hourly)).toEqual({ scheduled: T('2026-01-10T00:00:00Z'), tooManyMissed: true });
  });
  test('startingDeadlineSeconds: starts older than the deadline are not considered (and do not count as missed)', () => {
    const cj = { creationTime: created, lastScheduleTime: T('2026-01-01T01:00:00Z'), startingDeadlineSeconds: 300 };
    expect(nextScheduleTime(cj, T('2026-01-10T00:10:00Z'), hourly)).toEqual({ tooManyMissed: false });
    expect(nextScheduleTime(cj, T('2026-01-10T00:04:00Z'), hourly)).toEqual({ scheduled: T('2026-01-10T00:00:00Z'), tooManyMissed: false });
  });
  test('the next wake-up is the next start plus 100 ms', () => {
    const cj = { creationTime: created, lastScheduleTime: T('2026-01-01T01:00:00Z') };
    expect(nextScheduleDelay(cj, T('2026-01-01T01:00:10Z'), hourly)).toBe(3_590_000 + 100);
    expect(nextScheduleDelay({ creationTime: created }, T('2026-01-01T00:45:00Z'), hourly)).toBe(15 * 60_000 + 100);
  });
  test('timesOf reads lastScheduleTime, creation and startingDeadlineSeconds', () => {
    const cj = { metadata: { creationTimestamp: '2026-01-01T00:30:00Z' }, spec: { startingDeadlineSeconds: 10 }, status: {} } as KObject;
    expect(timesOf(cj)).toEqual({ lastScheduleTime: undefined, creationTime: created, startingDeadlineSeconds: 10 });
  });
});

describe('the Job a CronJob starts', () => {
  const cj = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'ns', uid: 'cj-uid' },
    spec: {
      schedule: '0 9 * * *',
      timeZone: 'Asia/Kolkata',
      jobTemplate: { metadata: { labels: { app: 'r' }, annotations: { a: 'b' } }, spec: { backoffLimit: 2, template: { spec: {} } } },
    },
  } as unknown as KObject;
  test('named <cronjob>-<minutes since the epoch>, annotated with the scheduled time in its zone, owned by it', () => {
    const at = T('2026-01-01T03:30:00Z');
    const job: J = jobFromCronJob(cj, at);
    expect(scheduledMinutes(at)).toBe(29453970);
    expect(job.metadata.name).toBe('report-29453970');
    expect(jobNameFor(cj, at)).toBe('report-29453970');
    expect(job.metadata.annotations).toEqual({ a: 'b', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T09:00:00+05:30' });
    expect(job.metadata.labels).toEqual({ app: 'r' });
    expect(job.metadata.ownerReferences).toEqual([
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cj-uid', controller: true, blockOwnerDeletion: true },
    ]);
    expect(job.spec.backoffLimit).toBe(2);
    expect(rfc3339In(at, undefined)).toBe('2026-01-01T03:30:00Z');
    expect(rfc3339In(T('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
  });
});

describe('the CronJob API', () => {
  const make = (spec: J, name = 'report'): J => {
    const o: J = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'ns' }, spec: structuredClone(spec) };
    cronJobStrategy.prepareForCreate!(o as KObject);
    cronJobStrategy.defaults!(o as KObject);
    return o;
  };
  const jobTemplate = { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } };
  const fields = (o: J) => cronJobStrategy.validate!(o as KObject).map((e) => `${e.field}: ${e.type}`);
  test('defaults: Allow, not suspended, history 3 and 1', () => {
    expect(make({ schedule: '@hourly', jobTemplate }).spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(fields(make({ schedule: '@hourly', jobTemplate }))).toEqual([]);
  });
  test('refused: a bad schedule, TZ= in the schedule, an unknown zone, a name over 52 characters', () => {
    expect(fields(make({ schedule: 'every minute', jobTemplate }))).toContain('spec.schedule: FieldValueInvalid');
    expect(fields(make({ schedule: 'TZ=UTC 0 * * * *', jobTemplate }))).toContain('spec.schedule: FieldValueInvalid');
    expect(fields(make({ schedule: '@hourly', timeZone: 'Mars/Olympus', jobTemplate }))).toContain('spec.timeZone: FieldValueInvalid');
    expect(fields(make({ schedule: '@hourly', jobTemplate }, 'x'.repeat(53)))).toContain('metadata.name: FieldValueInvalid');
  });
  test('table: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
    expect(cronJobsTable.columns.filter((c) => !c.priority).map((c) => c.name)).toEqual([
      'Name',
      'Schedule',
      'Timezone',
      'Suspend',
      'Active',
      'Last Schedule',
      'Age',
    ]);
    const cj = make({ schedule: '*/5 * * * *', jobTemplate });
    cj.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    cj.status = { active: [{ name: 'a' }], lastScheduleTime: '2026-01-01T00:55:00Z' };
    expect(cronJobsTable.cells(cj as KObject, new Date('2026-01-01T01:00:00Z')).slice(0, 7)).toEqual([
      'report',
      '*/5 * * * *',
      '<none>',
      'False',
      1,
      '5m',
      '60m',
    ]);
  });
});
