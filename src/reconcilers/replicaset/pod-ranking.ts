// Which surplus pods go first (controller_utils' ActivePodsWithRanks and the ReplicaSet controller's getPodsToDelete):
// unassigned < assigned; Pending < Unknown < Running; not ready < ready; lower pod-deletion-cost; more pods of the
// same family on the node; ready for less time; more restarts; newer. Times compare on a log2 scale (the
// LogarithmicScaleDown behaviour, on by default), so pods of similar age tie and fall back to their uids.
import type { KObject } from '../../machinery/api/meta.js';
import { isPodActive, isPodReady, maxContainerRestarts, nodeNameOf, podPhase, podReadyTime } from './pod-state.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** The pod-deletion-cost annotation (an int32); absent or malformed costs 0. */
export function deletionCost(p: KObject): number {
  const v = p.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[-+]?\d+$/.test(v.trim())) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/** int64(log2(now - t in ns)), -1 when t is not in the past. */
const logRank = (t: number, nowMs: number) => (nowMs - t > 0 ? Math.floor(Math.log2((nowMs - t) * 1e6)) : -1);

/** afterOrZero for two instants: a missing time sorts first, then the later one. */
const afterOrZero = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? a === undefined : a > b);

/** Compares two times as the ranking does; undefined when they tie and the next criterion decides. */
function compareTimes(
  a: number | undefined,
  b: number | undefined,
  nowMs: number | undefined,
  uidA: string,
  uidB: string,
): boolean | undefined {
  if (a === b) return undefined;
  if (nowMs === undefined || a === undefined || b === undefined) return afterOrZero(a, b);
  const diff = logRank(a, nowMs) - logRank(b, nowMs);
  if (diff === 0) return uidA < uidB;
  return diff < 0;
}

const createdAt = (p: KObject) => {
  const t = Date.parse(p.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? undefined : t;
};

export interface RankedPod {
  pod: KObject;
  /** How many related active pods share its node (higher goes first). */
  rank: number;
}

/** ActivePodsWithRanks.Less: true when `a` should be deleted before `b`. */
export function deleteBefore(a: RankedPod, b: RankedPod, nowMs?: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [nodeNameOf(pa), nodeNameOf(pb)];
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const [oa, ob] = [PHASE_ORDINAL[podPhase(pa)] ?? 0, PHASE_ORDINAL[podPhase(pb)] ?? 0];
  if (oa !== ob) return oa < ob;
  if (isPodReady(pa) !== isPodReady(pb)) return !isPodReady(pa);
  const [ca, cb] = [deletionCost(pa), deletionCost(pb)];
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  const [ua, ub] = [pa.metadata.uid ?? '', pb.metadata.uid ?? ''];
  if (isPodReady(pa) && isPodReady(pb)) {
    const byReady = compareTimes(podReadyTime(pa), podReadyTime(pb), nowMs, ua, ub);
    if (byReady !== undefined) return byReady;
  }
  const [ra, rb] = [maxContainerRestarts(pa), maxContainerRestarts(pb)];
  if (ra !== rb) return ra > rb;
  return compareTimes(createdAt(pa), createdAt(pb), nowMs, ua, ub) ?? false;
}

/** Ranks each pod by the active related pods (the family's, its own included) on its node. */
export function rankByRelatedPodsOnNode(pods: KObject[], related: KObject[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(nodeNameOf(p), (onNode.get(nodeNameOf(p)) ?? 0) + 1);
  return pods.map((pod) => ({ pod, rank: onNode.get(nodeNameOf(pod)) ?? 0 }));
}

/** getPodsToDelete: the `count` pods to remove first, in that order. */
export function podsToDelete(pods: KObject[], related: KObject[], count: number, nowMs?: number): KObject[] {
  if (count >= pods.length) return pods.slice();
  const ranked = rankByRelatedPodsOnNode(pods, related);
  // A stable sort with a strict-weak "less": a before b when less(a,b); b before a when less(b,a).
  ranked.sort((a, b) => (deleteBefore(a, b, nowMs) ? -1 : deleteBefore(b, a, nowMs) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
