// The replica calculation of pkg/controller/podautoscaler/replica_calculator.go, pure: given the pods a target
// selects, their metrics and the target, how many replicas would bring the metric to its target. Pods being
// deleted or failed are ignored; pending and (for CPU) not-yet-ready pods count as unready; pods without a sample
// are "missing". A ratio within the tolerance (0.1) keeps the current count; unready and missing pods are then
// assumed at the least favourable value for the direction of the change, and a change of direction keeps the count.
import type { KObject } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One pod's sample in milli-units (millicores, millibytes), with when and over which window it was measured. */
export interface PodMetric {
  value: number;
  timestampMs: number;
  windowMs: number;
}
export type PodMetricsInfo = Map<string, PodMetric>;

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period and --horizontal-pod-autoscaler-initial-readiness-delay. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
export const DELAY_OF_INITIAL_READINESS_STATUS_MS = 30_000;

export interface CalculatorOptions {
  tolerance?: number;
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  now: number;
}

export interface ResourceReplicas {
  replicas: number;
  /** Average utilization in percent of the requests (utilization targets only). */
  utilization?: number;
  /** Average usage per pod in milli-units. */
  rawAverage: number;
}

/** A calculation that could not be made, with upstream's wording. */
export class ReplicaCalculationError extends Error {}

const within = (ratio: number, tolerance: number) => Math.abs(1 - ratio) <= tolerance;

interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

const readyCondition = (pod: J) => ((pod.status?.conditions ?? []) as J[]).find((c) => c.type === 'Ready');
const timeMs = (t: unknown) => (typeof t === 'string' ? Date.parse(t) : NaN);

/** groupPods: which pods count, which are unready, missing or ignored. */
export function groupPods(pods: KObject[], metrics: PodMetricsInfo, resource: string, opts: CalculatorOptions): PodGroups {
  const initPeriod = opts.cpuInitializationPeriodMs ?? CPU_INITIALIZATION_PERIOD_MS;
  const readinessDelay = opts.delayOfInitialReadinessStatusMs ?? DELAY_OF_INITIAL_READINESS_STATUS_MS;
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods as J[]) {
    const name = pod.metadata.name as string;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = readyCondition(pod);
      const start = timeMs(pod.status?.startTime);
      let unready: boolean;
      if (!cond || Number.isNaN(start)) unready = true;
      else if (start + initPeriod > opts.now) {
        // Within the initialization period: unready, or not a full window measured since it became ready.
        unready = cond.status === 'False' || metric.timestampMs < timeMs(cond.lastTransitionTime) + metric.windowMs;
      } else {
        // Later: only a pod that has never been ready.
        unready = cond.status === 'False' && start + readinessDelay > timeMs(cond.lastTransitionTime);
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

const removeMetrics = (metrics: PodMetricsInfo, names: Set<string>) => names.forEach((n) => metrics.delete(n));

/** MilliValue of a request (rounded up, as resource.Quantity's MilliValue). */
export type MilliValue = (q: unknown) => number | undefined;

/** calculatePodRequests: each pod's summed request of the resource (one container's when named). */
export function calculatePodRequests(pods: KObject[], container: string, resource: string, milli: MilliValue): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods as J[]) {
    let sum = 0;
    for (const c of (pod.spec?.containers ?? []) as J[]) {
      if (container && c.name !== container) continue;
      const v = milli(c.resources?.requests?.[resource]);
      if (v === undefined)
        throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += v;
    }
    requests.set(pod.metadata.name, sum);
  }
  return requests;
}

/** GetResourceUtilizationRatio: the usage ratio, utilization in percent (truncated) and the raw average. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, m] of metrics) {
    const request = requests.get(pod);
    if (request === undefined) continue; // extraneous metrics
    metricsTotal += m.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio: average usage over the samples against a per-pod target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number) {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

function groupAndFilter(currentPods: KObject[], metrics: PodMetricsInfo, resource: string, opts: CalculatorOptions) {
  if (!currentPods.length) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const groups = groupPods(currentPods, metrics, resource, opts);
  removeMetrics(metrics, groups.ignored);
  removeMetrics(metrics, groups.unready);
  if (!metrics.size) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  return groups;
}

/** The second pass: a ratio that changes direction or falls within the tolerance keeps the current count. */
function settle(currentReplicas: number, before: number, after: number, samples: number, tolerance: number): number {
  if (within(after, tolerance) || (before < 1 && after > 1) || (before > 1 && after < 1)) return currentReplicas;
  const proposed = Math.ceil(after * samples);
  if ((after < 1 && proposed > currentReplicas) || (after > 1 && proposed < currentReplicas)) return currentReplicas;
  return proposed;
}

/** GetResourceReplicas: a utilization target (percent of the pods' requests). `metrics` is consumed. */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string,
  pods: KObject[],
  metrics: PodMetricsInfo,
  milli: MilliValue,
  opts: CalculatorOptions,
): ResourceReplicas {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const { readyPodCount, unready, missing } = groupAndFilter(pods, metrics, resource, opts);
  const requests = calculatePodRequests(pods, container, resource, milli);
  const { ratio, utilization, rawAverage } = resourceUtilizationRatio(metrics, requests, targetUtilization);
  const scaleUpWithUnready = unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (within(ratio, tolerance)) return { replicas: currentReplicas, utilization, rawAverage };
    return { replicas: Math.ceil(ratio * readyPodCount), utilization, rawAverage };
  }
  if (missing.size && ratio !== 1) {
    // Scaling down, a missing pod counts as using its whole request (or the target, above 100%); scaling up, nothing.
    const fallback = Math.max(100, targetUtilization);
    for (const pod of missing)
      metrics.set(pod, { value: ratio < 1 ? Math.trunc(((requests.get(pod) ?? 0) * fallback) / 100) : 0, timestampMs: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const pod of unready) metrics.set(pod, { value: 0, timestampMs: 0, windowMs: 0 });
  const after = resourceUtilizationRatio(metrics, requests, targetUtilization).ratio;
  return { replicas: settle(currentReplicas, ratio, after, metrics.size, tolerance), utilization, rawAverage };
}

/** GetRawResourceReplicas / calcPlainMetricReplicas: an average value per pod (milli-units). `metrics` is consumed. */
export function plainMetricReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  pods: KObject[],
  metrics: PodMetricsInfo,
  opts: CalculatorOptions,
): ResourceReplicas {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const { readyPodCount, unready, missing } = groupAndFilter(pods, metrics, resource, opts);
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  const scaleUpWithUnready = unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (within(ratio, tolerance)) return { replicas: currentReplicas, rawAverage: usage };
    return { replicas: Math.ceil(ratio * readyPodCount), rawAverage: usage };
  }
  if (ratio !== 1) for (const pod of missing) metrics.set(pod, { value: ratio < 1 ? targetUsage : 0, timestampMs: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const pod of unready) metrics.set(pod, { value: 0, timestampMs: 0, windowMs: 0 });
  const after = metricUsageRatio(metrics, targetUsage).ratio;
  return { replicas: settle(currentReplicas, ratio, after, metrics.size, tolerance), rawAverage: usage };
}
