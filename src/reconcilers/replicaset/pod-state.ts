// What controllers read off a pod (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils' FilterActivePods): phase,
// readiness, when it became ready, availability after minReadySeconds, restarts.
import type { KObject } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const status = (p: KObject): J => (p as J).status ?? {};
const readyCondition = (p: KObject): J | undefined => (status(p).conditions ?? []).find((c: J) => c?.type === 'Ready');

export const podPhase = (p: KObject): string => status(p).phase ?? '';
export const nodeNameOf = (p: KObject): string => (p as J).spec?.nodeName ?? '';

/** FilterActivePods: not finished (Succeeded/Failed) and not being deleted; a terminating pod counts as gone. */
export const isPodActive = (p: KObject): boolean =>
  podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed' && !p.metadata.deletionTimestamp;

export const isPodReady = (p: KObject): boolean => readyCondition(p)?.status === 'True';

/** The Ready condition's lastTransitionTime in ms while ready, undefined otherwise (Go's zero time). */
export function podReadyTime(p: KObject): number | undefined {
  if (!isPodReady(p)) return undefined;
  const t = Date.parse(readyCondition(p)?.lastTransitionTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/** IsPodAvailable: ready, and for at least minReadySeconds (a ready pod with no transition time counts as available). */
export function isPodAvailable(p: KObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(p)) return false;
  if (!minReadySeconds) return true;
  const t = Date.parse(readyCondition(p)?.lastTransitionTime ?? '');
  return !Number.isNaN(t) && t + minReadySeconds * 1000 < nowMs;
}

/** maxContainerRestarts: the most restarts of any container (restartable init containers, the sidecars, included). */
export function maxContainerRestarts(p: KObject): number {
  const s = status(p);
  let max = 0;
  for (const c of [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])]) max = Math.max(max, Number(c?.restartCount ?? 0));
  return max;
}
