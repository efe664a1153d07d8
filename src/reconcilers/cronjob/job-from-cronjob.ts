// getJobFromTemplate2 (cronjob/utils.go): the Job a CronJob starts for a scheduled time: named
// `<cronjob>-<minutes since the epoch>` so a start is never created twice, the template's labels and annotations plus the
// scheduled-timestamp annotation (RFC 3339 in the CronJob's time zone), the controller reference, the template's spec.
import type { KObject } from '../../machinery/api/meta.js';
import { controllerRef } from '../replicaset/claim.js';
import { scheduledMinutes } from './schedule.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export const jobNameFor = (cj: KObject, scheduled: number) => `${cj.metadata.name}-${scheduledMinutes(scheduled)}`;

/** RFC 3339 of an instant in an IANA zone, with its offset (Go's time.Format(time.RFC3339) after In(location)). */
export function rfc3339In(ms: number, timeZone: string | undefined): string {
  const tz = timeZone || 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const date = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  if (offsetMin === 0) return `${date}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${date}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function jobFromCronJob(cj: KObject, scheduled: number): KObject {
  const tpl: J = (cj as J).spec?.jobTemplate ?? {};
  const annotations: Record<string, string> = { ...(tpl.metadata?.annotations ?? {}) };
  annotations[CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION] = rfc3339In(scheduled, (cj as J).spec?.timeZone);
  const metadata: KObject['metadata'] = {
    name: jobNameFor(cj, scheduled),
    annotations,
    ownerReferences: [controllerRef({ ...cj, apiVersion: 'batch/v1', kind: 'CronJob' })],
  };
  if (tpl.metadata?.labels && Object.keys(tpl.metadata.labels).length) metadata.labels = { ...tpl.metadata.labels };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(tpl.spec ?? {}) };
}
