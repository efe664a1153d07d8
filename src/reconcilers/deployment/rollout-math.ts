// The pure arithmetic of a rollout (deployment_util.go, rolling.go, sync.go): surge and unavailability fenceposts,
// the new set's next size, how far old sets may shrink, proportional scaling. Each function returns decisions;
// the controller writes them.
import type { KObject } from '../../machinery/api/meta.js';
import {
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  activeOf,
  annotation,
  byCreation,
  bySizeNewer,
  bySizeOlder,
  specReplicas,
  specSum,
  statusOf,
  statusSum,
} from './replica-sets.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A decision: set `rs` to `replicas` (and refresh its replica annotations). */
export interface ScaleStep {
  rs: KObject;
  replicas: number;
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of `total` rounded up or down. Throws on a
 * string that is not a percentage, as upstream returns an error.
 */
export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

const isRolling = (d: KObject) => ((d as J).spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
export const desiredReplicas = (d: KObject): number => Number((d as J).spec?.replicas ?? 1);

/** ResolveFenceposts: surge rounds up, unavailability down; both zero means one may be unavailable. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const fenceposts = (d: KObject) => {
  const ru = (d as J).spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, desiredReplicas(d));
};

/** MaxSurge: pods above the desired count a rolling update may run (0 for Recreate). */
export const maxSurge = (d: KObject): number => (isRolling(d) ? fenceposts(d).surge : 0);

/** MaxUnavailable: pods below the desired count a rolling update may run short (0 for Recreate), at most all. */
export function maxUnavailable(d: KObject): number {
  if (!isRolling(d) || desiredReplicas(d) === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desiredReplicas(d));
}

/** NewRSNewReplicas: how big the new set may be now (Recreate: all at once; rolling: up to replicas + maxSurge). */
export function newReplicaSetReplicas(d: KObject, allRSs: (KObject | undefined)[], newRS: KObject): number {
  if (!isRolling(d)) return desiredReplicas(d);
  const maxTotal = desiredReplicas(d) + maxSurge(d);
  const current = specSum(allRSs);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, desiredReplicas(d) - specReplicas(newRS));
}

/**
 * reconcileOldReplicaSets: first old sets' unavailable pods go (cleanupUnhealthyReplicas, oldest sets first, never
 * more than allPods - minAvailable - the new set's unavailable pods), then available ones as long as more than
 * replicas - maxUnavailable stay available (scaleDownOldReplicaSetsForRollingUpdate). Steps in the order to write.
 */
export function oldReplicaSetScaleDowns(
  d: KObject,
  allRSs: (KObject | undefined)[],
  oldActive: KObject[],
  newRS: KObject | undefined,
): ScaleStep[] {
  const oldPods = specSum(oldActive);
  if (oldPods === 0) return [];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - Number(statusOf(newRS).availableReplicas ?? 0) : 0;
  const maxScaledDown = specSum(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const size = new Map<KObject, number>(oldActive.map((rs) => [rs, specReplicas(rs)]));
  const steps = new Map<KObject, number>();
  const ordered = [...oldActive].sort(byCreation);
  // cleanupUnhealthyReplicas
  let cleaned = 0;
  for (const rs of ordered) {
    if (cleaned >= maxScaledDown) break;
    const cur = size.get(rs)!;
    const available = Number(statusOf(rs).availableReplicas ?? 0);
    if (cur === 0 || cur === available) continue;
    const down = Math.min(maxScaledDown - cleaned, cur - available);
    size.set(rs, cur - down);
    steps.set(rs, cur - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: availability is read off the sets' status (unchanged by the cleanup).
  const available = statusSum([...oldActive, newRS], 'availableReplicas');
  if (available > minAvailable) {
    const total = available - minAvailable;
    let done = 0;
    for (const rs of ordered) {
      if (done >= total) break;
      const cur = size.get(rs)!;
      if (cur === 0) continue;
      const down = Math.min(cur, total - done);
      size.set(rs, cur - down);
      steps.set(rs, cur - down);
      done += down;
    }
  }
  return [...steps].map(([rs, replicas]) => ({ rs, replicas }));
}

const intAnnotation = (rs: KObject, key: string): number | undefined => {
  const v = annotation(rs, key);
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
};

/** IsSaturated: the new set runs the whole deployment, all of it available. */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS);
  if (desired === undefined) return false;
  const n = desiredReplicas(d);
  return specReplicas(rs) === n && desired === n && Number(statusOf(rs).availableReplicas ?? 0) === n;
}

/** FindActiveOrLatest: the one set asking for pods, or the newest when none does; undefined when several do. */
export function findActiveOrLatest(newRS: KObject | undefined, oldRSs: KObject[]): KObject | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeOf([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Go's math.Round: halves away from zero. */
const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: the set's share of a resize, from the size the deployment had when it was last sized. */
function replicaSetFraction(rs: KObject, d: KObject): number {
  if (desiredReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? Number((d as J).status?.replicas ?? 0);
  // Upstream divides by the annotated size as a float (a zero gives +Inf or NaN there; keep the set as is).
  if (!annotated) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

/** GetProportion: the set's share, bounded by what is left to add (or remove). */
function proportion(rs: KObject, d: KObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * scale() of sync.go: what a resize (or a paused deployment) does to its sets. `always` steps rewrite the replica
 * annotations even when the size stays (the proportional case); the others are skipped when the size is right.
 */
export function scalePlan(
  d: KObject,
  newRS: KObject | undefined,
  oldRSs: KObject[],
): { steps: (ScaleStep & { always: boolean })[]; operation?: 'up' | 'down' } {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) return { steps: specReplicas(only) === desiredReplicas(d) ? [] : [{ rs: only, replicas: desiredReplicas(d), always: false }] };
  if (isSaturated(d, newRS)) return { steps: activeOf(oldRSs).map((rs) => ({ rs, replicas: 0, always: false })) };
  if (!isRolling(d)) return { steps: [] };

  const all = activeOf([...oldRSs, newRS]);
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - specSum(all);
  let operation: 'up' | 'down' | undefined;
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return specReplicas(rs) + p;
  });
  // The largest set takes what rounding left over.
  if (all.length && toAdd !== 0) sizes[0] += toAdd - added;
  return { steps: all.map((rs, i) => ({ rs, replicas: Math.max(0, sizes[i]), always: true })), operation };
}
