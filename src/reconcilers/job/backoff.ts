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

/** getFinishedTime: the latest container finish, else the deletion time, else the pod's last condition change, else now. */
export function podFinishedTime(pod: KObject, nowMs: number): number {
  const s: J = (pod as J).status ?? {};
  let latest: number | undefined;
  for (const c of [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])]) {
    const t = Date.parse(c?.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const del = Date.parse(pod.metadata.deletionTimestamp ?? '');
  if (!Number.isNaN(del)) return del;
  return nowMs;
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
