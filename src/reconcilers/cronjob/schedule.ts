// CronJob schedules (cronjob/utils.go over robfig/cron's standard parser): parsing with the time zone, the most recent
// unmet start time since the last one (at most one catch-up run; more than 100 missed starts is reported), and when to
// look again. Pure: every function takes `now`.
import { CronExpressionParser } from 'cron-parser';

/** A parsed schedule: `next(t)` is the first start strictly after t (ms since the epoch). */
export interface Schedule {
  next(t: number): number;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration for `@every` (e.g. 1h30m, 90s). */
export function parseGoDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (!text || consumed !== text.length) throw new Error(`time: invalid duration "${text}"`);
  return total;
}

/** cron.ParseStandard with the CronJob's timeZone (UTC when unset, as kube-controller-manager runs in UTC). */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const text = schedule.trim();
  if (text.startsWith('@every ')) {
    // ConstantDelaySchedule: at least a second, whole seconds.
    const delay = Math.max(1000, Math.floor(parseGoDuration(text.slice(7).trim()) / 1000) * 1000);
    return { next: (t) => Math.floor(t / 1000) * 1000 + delay };
  }
  let expr = text;
  if (text.startsWith('@')) {
    const d = DESCRIPTORS[text];
    if (!d) throw new Error(`unrecognized descriptor: ${text}`);
    expr = d;
  } else {
    const n = text.split(/\s+/).length;
    if (n !== 5) throw new Error(`expected exactly 5 fields, found ${n}: ${text}`);
  }
  const tz = timeZone || 'UTC';
  CronExpressionParser.parse(expr, { tz }); // throws on a bad expression
  return {
    next: (t) =>
      CronExpressionParser.parse(expr, { currentDate: new Date(t), tz })
        .next()
        .getTime(),
  };
}

export type Missed = 'none' | 'few' | 'many';

export interface MostRecent {
  earliest: number;
  /** The most recent start at or before now that was not run yet. */
  mostRecent?: number;
  missed: Missed;
}

export interface CronJobTimes {
  /** status.lastScheduleTime, else metadata.creationTimestamp (ms). */
  lastScheduleTime?: number;
  creationTime: number;
  startingDeadlineSeconds?: number;
}

/** mostRecentScheduleTime: the latest start in (earliest, now], and how many were missed (a rough count, as upstream). */
export function mostRecentScheduleTime(cj: CronJobTimes, now: number, sched: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = cj.lastScheduleTime ?? cj.creationTime;
  if (includeStartingDeadline && cj.startingDeadlineSeconds !== undefined) {
    const deadline = now - cj.startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = sched.next(earliest);
  const t2 = sched.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'few' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Start near the end instead of walking every missed start.
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = sched.next(potentialEarliest); t <= now; t = sched.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > 100 ? 'many' : 'few' };
}

/** nextScheduleTime: the start to run now, if any (and whether too many were missed, for the event). */
export function nextScheduleTime(cj: CronJobTimes, now: number, sched: Schedule): { scheduled?: number; tooManyMissed: boolean } {
  const r = mostRecentScheduleTime(cj, now, sched, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false };
  return { scheduled: r.mostRecent, tooManyMissed: r.missed === 'many' };
}

/** nextScheduleTimeDuration: how long until the next start, plus upstream's 100 ms so the sync lands after it. */
export function nextScheduleDelay(cj: CronJobTimes, now: number, sched: Schedule): number {
  const r = mostRecentScheduleTime(cj, now, sched, false);
  const from = r.mostRecent ?? (r.missed === 'none' ? r.earliest : now);
  return sched.next(from) + 100 - now;
}

/** getTimeHashInMinutes: the Job name's suffix. */
export const scheduledMinutes = (scheduled: number) => Math.floor(scheduled / 60_000);
