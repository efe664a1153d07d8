// Scoring as kube-scheduler's NodeResourcesFit (LeastAllocated, cpu and memory weighted 1:1) plus
// NodeResourcesBalancedAllocation, each 0..100, summed with weight 1.
import type { NodeInfo } from './filters.js';
import type { ResourceAmounts } from './resources.js';

const MAX_NODE_SCORE = 100;
const SCORED = ['cpu', 'memory'];

/** Free share of each resource after placing the pod, using non-zero requests (leastRequestedScore). */
export function leastAllocatedScore(info: NodeInfo, podNonZero: ResourceAmounts): number {
  let total = 0;
  for (const r of SCORED) {
    const capacity = info.allocatable[r] ?? 0;
    const requested = (info.nonZeroRequested[r] ?? 0) + (podNonZero[r] ?? 0);
    total += capacity === 0 || requested > capacity ? 0 : Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
  }
  return Math.floor(total / SCORED.length);
}

/** How evenly cpu and memory would be used: 100 × (1 − standard deviation of the requested fractions). */
export function balancedAllocationScore(info: NodeInfo, podRequest: ResourceAmounts): number {
  const fractions = SCORED.map((r) => {
    const capacity = info.allocatable[r] ?? 0;
    if (capacity === 0) return 1;
    return Math.min(1, ((info.requested[r] ?? 0) + (podRequest[r] ?? 0)) / capacity);
  });
  const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
  const std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

export function scoreNode(info: NodeInfo, podRequest: ResourceAmounts, podNonZero: ResourceAmounts): number {
  return leastAllocatedScore(info, podNonZero) + balancedAllocationScore(info, podRequest);
}
