// Indexed Jobs (indexed_job_utils.go): a pod's completion index, status.completedIndexes as compressed ranges
// ("1,3-5,7"), and which indexes still need a pod.
import type { KObject } from '../../machinery/api/meta.js';
import { JOB_COMPLETION_INDEX_ANNOTATION } from './constants.js';
import { compareStrings } from '../../machinery/compare.js';

/** getCompletionIndex: the annotation as a non-negative integer, or -1 when missing or malformed. */
export function completionIndexOf(pod: KObject): number {
  const v = pod.metadata.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

/** Parses completedIndexes ("1,3-5") into a sorted set of indexes below `completions` (bad parts are skipped). */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let i = lo; i <= hi && i < completions; i++) out.add(i);
  }
  return out;
}

/** orderedIntervals.String: ascending; a run of three or more as `a-b`, a pair as `a,b` (as upstream writes it). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j === i) parts.push(String(sorted[i]));
    else parts.push(`${sorted[i]}${j === i + 1 ? ',' : '-'}${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** firstPendingIndexes: the lowest `count` indexes in [0, completions) neither succeeded nor held by a pod. */
export function firstPendingIndexes(succeeded: Set<number>, held: Set<number>, count: number, completions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!succeeded.has(i) && !held.has(i)) out.push(i);
  return out;
}

/**
 * The active pods an Indexed Job removes first (activePodsForRemoval): those with no valid index, an index out of
 * range, or an index another active pod already holds (the newer duplicate goes).
 */
export function invalidIndexPods(active: KObject[], completions: number): KObject[] {
  const seen = new Set<number>();
  const out: KObject[] = [];
  const byAge = [...active].sort((a, b) => compareStrings(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? ''));
  for (const p of byAge) {
    const ix = completionIndexOf(p);
    if (ix < 0 || ix >= completions || seen.has(ix)) out.push(p);
    else seen.add(ix);
  }
  return out;
}
