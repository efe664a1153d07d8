// The TriggerTimeTracker (pkg/controller/util/endpoint): the time of the earliest change (a pod's Ready transition,
// the service's creation) that the next endpoints write reflects, for the last-change-trigger-time annotation that
// measures the latency of endpoint propagation. One per controller; keyed by namespace/name of the service.
import type { KObject } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ServiceState {
  lastPodTriggerTimes: Map<string, number>;
  lastServiceTriggerTime: number;
}

const parse = (t: unknown): number => {
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/** getPodTriggerTime: the Ready condition's last transition (0, Go's zero time, when there is none). */
const podTriggerTime = (pod: KObject): number =>
  parse(((pod as J).status?.conditions ?? []).find((c: J) => c?.type === 'Ready')?.lastTransitionTime);

/** Go's time.RFC3339Nano of a UTC instant: fractional seconds without trailing zeros, none when whole. */
export const formatRfc3339Nano = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/\.Z$/, 'Z');

export class TriggerTimeTracker {
  private states = new Map<string, ServiceState>();

  /** ComputeEndpointLastChangeTriggerTime: ms since the epoch, 0 for none; records this sync's state. */
  compute(key: string, svc: KObject, pods: KObject[]): number {
    const known = this.states.get(key);
    const state: ServiceState = known ?? { lastPodTriggerTimes: new Map(), lastServiceTriggerTime: 0 };
    let minChanged = 0;
    const min = (t: number) => (minChanged = minChanged === 0 ? t : Math.min(minChanged, t));
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (!t) continue;
      podTimes.set(pod.metadata.name!, t);
      if (t > (state.lastPodTriggerTimes.get(pod.metadata.name!) ?? 0)) min(t);
    }
    const svcTime = parse(svc.metadata.creationTimestamp);
    if (svcTime > state.lastServiceTriggerTime) min(svcTime);
    this.states.set(key, { lastPodTriggerTimes: podTimes, lastServiceTriggerTime: svcTime });
    // A service seen for the first time: its creation.
    return known ? minChanged : svcTime;
  }

  deleteService(key: string): void {
    this.states.delete(key);
  }
}
