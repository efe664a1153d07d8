// The normalization half of pkg/controller/podautoscaler/horizontal.go: what the controller remembers per
// autoscaler (recent recommendations, recent scale events) and how a metric's proposal becomes the replica count
// written: stabilized over a window (the highest recent recommendation on the way down, 5 minutes without a
// behavior; with one, each direction's stabilizationWindowSeconds), then limited by the scale rate (without a
// behavior at most max(2×current, 4); with one, its Pods/Percent policies over their periods, selectPolicy choosing)
// and by minReplicas/maxReplicas. Time comes from `now`, so tests drive it with a fake clock.

export interface ScalingPolicy {
  type: string;
  value: number;
  periodSeconds: number;
}
export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: ScalingPolicy[];
}
export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

/** A condition the normalization sets: AbleToScale's reason, ScalingLimited's status and reason. */
export interface Normalized {
  replicas: number;
  ableToScale: { reason: string; message: string };
  scalingLimited: { status: 'True' | 'False'; reason: string; message: string };
}

interface Recommendation {
  recommendation: number;
  timestampMs: number;
}
interface ScaleEvent {
  replicaChange: number;
  timestampMs: number;
  outdated: boolean;
}

const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;
export const DEFAULT_DOWNSCALE_STABILISATION_WINDOW_MS = 5 * 60_000;
const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

/** calculateScaleUpLimit: without a behavior, at most double (and at least 4). */
export const scaleUpLimit = (currentReplicas: number) => Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM);

/** convertDesiredReplicasWithRules: the count within [min, min(max, scale-up limit)], with the limiting reason. */
export function convertDesiredReplicasWithRules(current: number, desired: number, min: number, max: number) {
  let minimumAllowed: number;
  let lowReason: string;
  if (min === 0) {
    minimumAllowed = 1;
    lowReason = 'the desired replica count is zero';
  } else {
    minimumAllowed = min;
    lowReason = 'the desired replica count is less than the minimum replica count';
  }
  const upLimit = scaleUpLimit(current);
  const [maximumAllowed, highReason, highMessage] =
    max > upLimit
      ? [upLimit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
      : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
  if (desired < minimumAllowed) return { replicas: minimumAllowed, reason: 'TooFewReplicas', message: lowReason };
  if (desired > maximumAllowed) return { replicas: maximumAllowed, reason: highReason, message: highMessage };
  return { replicas: desired, ...WITHIN_RANGE };
}

export class ScaleHistory {
  private recommendations = new Map<string, Recommendation[]>();
  private scaleUpEvents = new Map<string, ScaleEvent[]>();
  private scaleDownEvents = new Map<string, ScaleEvent[]>();

  constructor(
    private now: () => number = Date.now,
    private downscaleStabilisationWindowMs = DEFAULT_DOWNSCALE_STABILISATION_WINDOW_MS,
  ) {}

  /** The autoscaler is gone: nothing of it is kept. */
  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUpEvents.delete(key);
    this.scaleDownEvents.delete(key);
  }

  /** recordInitialRecommendation: the first sync remembers the current count as a recommendation. */
  recordInitialRecommendation(key: string, currentReplicas: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ recommendation: currentReplicas, timestampMs: this.now() }]);
  }

  /** Records a recommendation, reusing the slot of one older than `cutoffMs` (upstream keeps the list short so). */
  private record(key: string, recommendation: number, oldIndex: number | undefined): void {
    const list = this.recommendations.get(key) ?? [];
    const rec = { recommendation, timestampMs: this.now() };
    if (oldIndex !== undefined) list[oldIndex] = rec;
    else list.push(rec);
    this.recommendations.set(key, list);
  }

  /** normalizeDesiredReplicas: no behavior; the 5-minute down-scale window, then convertDesiredReplicasWithRules. */
  normalize(key: string, current: number, prenormalized: number, min: number, max: number): Normalized {
    const cutoff = this.now() - this.downscaleStabilisationWindowMs;
    let stabilized = prenormalized;
    let oldIndex: number | undefined;
    (this.recommendations.get(key) ?? []).forEach((r, i) => {
      if (r.timestampMs < cutoff) oldIndex = i;
      else if (r.recommendation > stabilized) stabilized = r.recommendation;
    });
    this.record(key, prenormalized, oldIndex);
    const ableToScale =
      stabilized !== prenormalized
        ? {
            reason: 'ScaleDownStabilized',
            message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
          }
        : READY;
    const limited = convertDesiredReplicasWithRules(current, stabilized, min, max);
    return {
      replicas: limited.replicas,
      ableToScale,
      scalingLimited: { status: limited.replicas === stabilized ? 'False' : 'True', reason: limited.reason, message: limited.message },
    };
  }

  /** normalizeDesiredReplicasWithBehaviors: each direction's window, then the policies' rate and min/max. */
  normalizeWithBehavior(key: string, behavior: Behavior, current: number, prenormalized: number, min: number, max: number): Normalized {
    const stabilized = this.stabilizeWithBehavior(key, behavior, current, prenormalized);
    const ableToScale = stabilized.recommendation !== prenormalized ? { reason: stabilized.reason, message: stabilized.message } : READY;
    const limited = this.limitByRate(key, behavior, current, stabilized.recommendation, min, max);
    return {
      replicas: limited.replicas,
      ableToScale,
      scalingLimited: {
        status: limited.replicas === stabilized.recommendation ? 'False' : 'True',
        reason: limited.reason,
        message: limited.message,
      },
    };
  }

  /** stabilizeRecommendationWithBehaviors: between the lowest recent (up window) and highest recent (down window). */
  private stabilizeWithBehavior(key: string, behavior: Behavior, current: number, desired: number) {
    const now = this.now();
    const upCutoff = now - (behavior.scaleUp?.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = now - (behavior.scaleDown?.stabilizationWindowSeconds ?? 0) * 1000;
    let up = desired;
    let down = desired;
    let oldIndex: number | undefined;
    (this.recommendations.get(key) ?? []).forEach((r, i) => {
      if (r.timestampMs > upCutoff) up = Math.min(r.recommendation, up);
      if (r.timestampMs > downCutoff) down = Math.max(r.recommendation, down);
      if (r.timestampMs < upCutoff && r.timestampMs < downCutoff) oldIndex = i;
    });
    let recommendation = current;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    this.record(key, desired, oldIndex);
    return desired >= current
      ? {
          recommendation,
          reason: 'ScaleUpStabilized',
          message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
        }
      : {
          recommendation,
          reason: 'ScaleDownStabilized',
          message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
        };
  }

  /** convertDesiredReplicasWithBehaviorRate. */
  private limitByRate(key: string, behavior: Behavior, current: number, desired: number, min: number, max: number) {
    if (desired > current) {
      const limit = Math.max(current, this.scaleUpLimit(current, this.scaleUpEvents.get(key) ?? [], behavior.scaleUp ?? {}));
      const [maximumAllowed, reason, message] =
        max > limit
          ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
          : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      if (desired > maximumAllowed) return { replicas: maximumAllowed, reason, message };
    } else if (desired < current) {
      const limit = Math.min(current, this.scaleDownLimit(current, this.scaleDownEvents.get(key) ?? [], behavior.scaleDown ?? {}));
      const [minimumAllowed, reason, message] =
        min < limit
          ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
          : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      if (desired < minimumAllowed) return { replicas: minimumAllowed, reason, message };
    }
    return { replicas: desired, ...WITHIN_RANGE };
  }

  /** getReplicasChangePerPeriod: replicas added (or removed) by this controller within the period. */
  private changeInPeriod(periodSeconds: number, events: ScaleEvent[]): number {
    const cutoff = this.now() - periodSeconds * 1000;
    return events.filter((e) => e.timestampMs > cutoff).reduce((a, e) => a + e.replicaChange, 0);
  }

  /** calculateScaleUpLimitWithScalingRules. */
  private scaleUpLimit(current: number, events: ScaleEvent[], rules: ScalingRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
    let result = rules.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    for (const p of rules.policies ?? []) {
      const periodStart = current - this.changeInPeriod(p.periodSeconds, events);
      const proposed = p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** calculateScaleDownLimitWithBehaviors. */
  private scaleDownLimit(current: number, events: ScaleEvent[], rules: ScalingRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
    let result = rules.selectPolicy === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const p of rules.policies ?? []) {
      const periodStart = current + this.changeInPeriod(p.periodSeconds, events);
      const proposed = p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** storeScaleEvent: a rescale remembered for the policies' periods (only with a behavior). */
  storeScaleEvent(behavior: Behavior | undefined, key: string, prev: number, next: number): void {
    if (!behavior || prev === next) return;
    const up = next > prev;
    const rules = (up ? behavior.scaleUp : behavior.scaleDown) ?? {};
    const map = up ? this.scaleUpEvents : this.scaleDownEvents;
    const longestMs = Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds)) * 1000;
    const cutoff = this.now() - longestMs;
    const events = map.get(key) ?? [];
    // markScaleEventsOutdated, then reuse an outdated slot.
    for (const e of events) if (e.timestampMs < cutoff) e.outdated = true;
    const event = { replicaChange: Math.abs(next - prev), timestampMs: this.now(), outdated: false };
    const slot = events.findIndex((e) => e.outdated);
    if (slot >= 0) events[slot] = event;
    else events.push(event);
    map.set(key, events);
  }
}
