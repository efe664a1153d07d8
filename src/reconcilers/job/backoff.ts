// The pod failure back-off (backoff_utils.go): a record per Job of the failures since its last success and when the
// last one happened; a new pod waits 10 s × 2^(failures-1), at most 10 minutes, after that last failure.
import type { KObject } from '../../machinery/api/meta.js';
import { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS } from './constants.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** ms since the epoch; undefined while there is no failure after the last success. */
  lastFailureTime?: number;
}

/**
 * getFinishedTime: the latest finish of its containers once all have terminated (with the sidecars among the init
 * containers), else when Ready turned False, else the deletion time less its grace period, else its creation (or now).
 */
export function podFinishedTime(pod: KObject, nowMs: number): number {
  const s: J = (pod as J).status ?? {};
  const sidecars = new Set(((pod as J).spec?.initContainers ?? []).filter((c: J) => c?.restartPolicy === 'Always').map((c: J) => c.name));
  const statuses: J[] = [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? []).filter((c: J) => sidecars.has(c?.name))];
  let latest: number | undefined;
  for (const c of statuses) {
    const t = Date.parse(c?.state?.terminated?.finishedAt ?? '');
    if (Number.isNaN(t)) {
      latest = undefined;
      break;
    }
    if (latest === undefined || t > latest) latest = t;
  }
  if (latest !== undefined) return latest;
  const ready = (s.conditions ?? []).find((c: J) => c?.type === 'Ready');
  const readyFalse = ready?.status === 'False' ? Date.parse(ready.lastTransitionTime ?? '') : NaN;
  if (!Number.isNaN(readyFalse)) return readyFalse;
  const del = Date.parse(pod.metadata.deletionTimestamp ?? '');
  if (!Number.isNaN(del)) return del - Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? nowMs : created;
}

/** newBackoffRecord: the record after these newly counted successes and failures. */
export function nextBackoffRecord(prev: BackoffRecord, succeeded: KObject[], failed: KObject[], nowMs: number): BackoffRecord {
  const times = (ps: KObject[]) => ps.map((p) => podFinishedTime(p, nowMs)).sort((a, b) => a - b);
  const s = times(succeeded);
  const f = times(failed);
  if (!s.length) {
    if (!f.length) return prev;
    return { failuresAfterLastSuccess: prev.failuresAfterLastSuccess + f.length, lastFailureTime: f[f.length - 1] };
  }
  const lastSuccess = s[s.length - 1]!;
  const after = f.filter((t) => t > lastSuccess);
  return after.length
    ? { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] }
    : { failuresAfterLastSuccess: 0 };
}

/** getRemainingTime: how long a new pod must still wait (0: create now). */
export function backoffRemainingMs(
  r: BackoffRecord,
  nowMs: number,
  base = DEFAULT_POD_FAILURE_BACKOFF_MS,
  max = MAX_POD_FAILURE_BACKOFF_MS,
): number {
  if (r.failuresAfterLastSuccess === 0 || r.lastFailureTime === undefined) return 0;
  const delay = Math.min(base * 2 ** (r.failuresAfterLastSuccess - 1), max);
  const elapsed = nowMs - r.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}
