// One scheduling cycle for one pod, without I/O: filter every node, score the feasible ones, pick the best (ties go
// to the first name), or explain why none fits in the words of kube-scheduler's FitError.
import type { KObject } from '../../machinery/api/meta.js';
import { filterNode, nodeInfo, type FilterFailure, type NodeInfo } from './filters.js';
import { isTerminated, podRequests } from './resources.js';
import { scoreNode } from './score.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ScheduleResult =
  { node: string; scores: Record<string, number> } | { node?: undefined; message: string; failures: Record<string, FilterFailure> };

/** Groups the non-terminated, bound pods by node (the scheduler cache). */
export function buildNodeInfos(nodes: KObject[], pods: KObject[]): NodeInfo[] {
  const byNode = new Map<string, KObject[]>();
  for (const p of pods) {
    const n = (p as J).spec?.nodeName;
    if (!n || isTerminated(p)) continue;
    (byNode.get(n) ?? byNode.set(n, []).get(n)!).push(p);
  }
  return nodes.map((n) => nodeInfo(n, byNode.get(n.metadata.name!) ?? []));
}

/** "3 reason, 1 other" sorted as strings, as the scheduler's histogram is. */
const histogram = (counts: Map<string, number>) =>
  [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');

/**
 * FitError.Error() with the DefaultPreemption PostFilter message when it found no victims; without it when
 * `preempting` (the PostFilter succeeded and left no message).
 */
export function fitErrorMessage(total: number, failures: FilterFailure[], preempting = false): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const f of failures) {
    for (const r of f.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const p = f.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  const fit = `0/${total} nodes are available: ${histogram(reasons)}.`;
  return preempting ? fit : `${fit} preemption: 0/${total} nodes are available: ${histogram(preemption)}.`;
}

/** Plugins that need more than the node and its pods (VolumeBinding): a PreFilter verdict and one more Filter. */
export interface ExtraFilters {
  /** a PreFilter's rejection: every node fails with it */
  preFilter?: FilterFailure;
  /** runs after the default filters on a node they passed */
  filter?(info: NodeInfo): FilterFailure | undefined;
}

export function schedulePod(pod: KObject, infos: NodeInfo[], extra: ExtraFilters = {}): ScheduleResult {
  const request = podRequests(pod);
  const nonZero = podRequests(pod, { nonZero: true });
  const failures: Record<string, FilterFailure> = {};
  const scores: Record<string, number> = {};
  for (const info of infos) {
    const name = info.node.metadata.name!;
    const failure = extra.preFilter ?? filterNode(pod, info, request) ?? extra.filter?.(info);
    if (failure) failures[name] = failure;
    else scores[name] = scoreNode(info, request, nonZero);
  }
  const feasible = Object.keys(scores).sort();
  if (!feasible.length) return { message: fitErrorMessage(infos.length, Object.values(failures)), failures };
  let best = feasible[0];
  for (const n of feasible) if (scores[n] > scores[best]) best = n;
  return { node: best, scores };
}
