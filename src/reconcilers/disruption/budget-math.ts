// The disruption controller's arithmetic (kube-controller-manager's pkg/controller/disruption), pure so it can be
// tested alone: how many pods a budget expects, how many must stay healthy, how many are, and which recent
// evictions still count as disruptions.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { isPodReady } from '../replicaset/pod-state.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** DeletionTimeout: an eviction the controller does not see carried out within this long stops counting. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** intstr.GetScaledValueFromIntOrPercent: an int as is, a percent of `total` rounded up or down. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(-?[0-9]+)%$/.exec(v) : null;
  if (!m) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The replicas one controller wants, keyed by its uid (a Deployment stands for its ReplicaSets). */
export interface ControllerScale {
  uid: string;
  replicas: number;
}
/** Finds the scale of the controller a pod's controller reference names; undefined when it is none we know. */
export type ScaleFinder = (pod: KObject, ref: OwnerReference) => ControllerScale | undefined;

export const controllerRefOf = (o: KObject): OwnerReference | undefined => (o.metadata.ownerReferences ?? []).find((r) => r.controller);

/** getExpectedScale: the sum of the pods' controllers' replicas, each controller once; pods without one are unmanaged. */
export function expectedScale(pods: KObject[], find: ScaleFinder): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = find(pod, ref);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.replicas);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}

/**
 * getExpectedPodCount: minAvailable as a number counts the selected pods; a percentage or maxUnavailable is taken of
 * the controllers' scale, rounding up. Neither set expects nothing.
 */
export function expectedPodCount(
  pdb: KObject,
  pods: KObject[],
  find: ScaleFinder,
): { expectedCount: number; desiredHealthy: number; unmanaged: string[] } {
  const spec: J = (pdb as J).spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = expectedScale(pods, find);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expected, true);
    return { expectedCount: expected, desiredHealthy: Math.max(0, expected - maxUnavailable), unmanaged };
  }
  if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
  if (typeof spec.minAvailable === 'string') {
    const { expected, unmanaged } = expectedScale(pods, find);
    return { expectedCount: expected, desiredHealthy: scaledValue(spec.minAvailable, expected, true), unmanaged };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
}

/**
 * buildDisruptedPodMap: the evictions (status.disruptedPods) still pending, i.e. of selected pods not yet terminating
 * and not older than DeletionTimeout; `recheckAtMs` is when the earliest of them expires.
 */
export function buildDisruptedPodMap(
  pods: KObject[],
  pdb: KObject,
  nowMs: number,
): { disrupted: Record<string, string>; expired: string[]; recheckAtMs?: number } {
  const old: Record<string, string> = (pdb as J).status?.disruptedPods ?? {};
  const disrupted: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAtMs: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp || !(name in old)) continue;
    const expiresAt = Date.parse(old[name]!) + DELETION_TIMEOUT_MS;
    if (!(expiresAt > nowMs)) {
      expired.push(name);
      continue;
    }
    disrupted[name] = old[name]!;
    recheckAtMs = recheckAtMs === undefined ? expiresAt : Math.min(recheckAtMs, expiresAt);
  }
  return { disrupted, expired, recheckAtMs };
}

/** countHealthyPods: ready pods that are neither terminating nor recently evicted. */
export function countHealthyPods(pods: KObject[], disrupted: Record<string, string>, nowMs: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** updatePdbStatus' rule: none when nothing is expected, never negative. */
export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedCount: number): number {
  return expectedCount <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
}
