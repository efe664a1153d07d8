// A deployment's status and conditions (sync.go calculateStatus/syncRolloutStatus, progress.go, deployment_util.go):
// counts summed over its sets, Available against replicas - maxUnavailable, Progressing with upstream's reasons
// and messages, and when to look again for a progress deadline. Pure: the clock is passed in.
import type { KObject } from '../../machinery/api/meta.js';
import { specSum, statusSum } from './replica-sets.js';
import { desiredReplicas, maxUnavailable } from './rollout-math.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const REASON = {
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** metav1.Time: RFC 3339, seconds. */
export const timeOf = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function newCondition(
  type: string,
  status: DeploymentCondition['status'],
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const t = timeOf(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export const getCondition = (status: J, type: string): DeploymentCondition | undefined =>
  (status.conditions ?? []).find((c: DeploymentCondition) => c.type === type);

/** SetDeploymentCondition: same status and reason is no change; same status keeps the transition time. */
export function setCondition(status: J, c: DeploymentCondition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x: DeploymentCondition) => x.type !== c.type), next];
}

export function removeCondition(status: J, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((x: DeploymentCondition) => x.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

/** HasProgressDeadline: set and not MaxInt32. */
export function progressDeadline(d: KObject): number | undefined {
  const s = (d as J).spec?.progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647 ? s : undefined;
}

/** calculateStatus: counts over every set; conditions carried over, Available decided afresh. */
export function calculateStatus(allRSs: (KObject | undefined)[], newRS: KObject | undefined, d: KObject, now: number): J {
  const available = statusSum(allRSs, 'availableReplicas');
  const old: J = (d as J).status ?? {};
  const status: J = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: statusSum(allRSs, 'replicas'),
    updatedReplicas: statusSum([newRS], 'replicas'),
    readyReplicas: statusSum(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specSum(allRSs) - available),
  };
  // The counts are omitempty in apps/v1 DeploymentStatus: a zero is left out, as a real cluster serves it.
  for (const k of Object.keys(status)) if (status[k] === 0) delete status[k];
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  for (const c of old.conditions ?? []) setCondition(status, c);
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(
      status,
      newCondition('Available', 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now),
    );
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KObject, s: J): boolean {
  const n = desiredReplicas(d);
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && s.observedGeneration >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available pods than the last status said. */
export function deploymentProgressing(d: KObject, s: J): boolean {
  const o: J = (d as J).status ?? {};
  const n = (v: unknown) => Number(v ?? 0);
  return (
    n(s.updatedReplicas) > n(o.updatedReplicas) ||
    n(s.replicas) - n(s.updatedReplicas) < n(o.replicas) - n(o.updatedReplicas) ||
    n(s.readyReplicas) > n(o.readyReplicas) ||
    n(s.availableReplicas) > n(o.availableReplicas)
  );
}

/** DeploymentTimedOut: the Progressing condition was last updated longer than the deadline ago. */
export function deploymentTimedOut(d: KObject, s: J, now: number): boolean {
  const deadline = progressDeadline(d);
  if (deadline === undefined) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  return Date.parse(c.lastUpdateTime) + deadline * 1000 < now;
}

/** syncRolloutStatus without the write: the status a rollout step leaves, Progressing included. */
export function rolloutStatus(allRSs: (KObject | undefined)[], newRS: KObject | undefined, d: KObject, now: number): J {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (progressDeadline(d) === undefined) removeCondition(s, 'Progressing');
  const cur = getCondition((d as J).status ?? {}, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && cur?.reason === REASON.newRSAvailable;
  if (progressDeadline(d) !== undefined && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, s)) {
      // Progress refreshes lastUpdateTime (the deadline restarts) but not the transition time of a True condition.
      const c = newCondition('Progressing', 'True', REASON.replicaSetUpdated, `${subject} is progressing.`, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(s, 'Progressing');
      }
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(s, { ...failure });
  else removeCondition(s, 'ReplicaFailure');
  return s;
}

/** getReplicaFailures: the new set's ReplicaFailure condition (else an old set's), carried to the deployment. */
function replicaFailure(allRSs: (KObject | undefined)[], newRS: KObject | undefined): DeploymentCondition | undefined {
  const of = (rs: KObject | undefined): DeploymentCondition | undefined => {
    const c = ((rs as J | undefined)?.status?.conditions ?? []).find((x: J) => x.type === 'ReplicaFailure');
    return c
      ? {
          type: 'ReplicaFailure',
          status: c.status,
          reason: c.reason ?? '',
          message: c.message ?? '',
          lastUpdateTime: c.lastTransitionTime,
          lastTransitionTime: c.lastTransitionTime,
        }
      : undefined;
  };
  const fromNew = newRS && of(newRS);
  if (fromNew) return fromNew;
  for (const rs of allRSs) {
    const c = of(rs);
    if (c) return c;
  }
  return undefined;
}

/**
 * requeueStuckDeployment: when to look again so a stuck rollout is seen timing out (ms; undefined when no check
 * is due: no deadline, complete, or already timed out).
 */
export function stuckRequeueMs(d: KObject, s: J, now: number): number | undefined {
  const deadline = progressDeadline(d);
  const c = getCondition(s, 'Progressing');
  if (deadline === undefined || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === REASON.timedOut) return undefined;
  const after = Date.parse(c.lastUpdateTime) + deadline * 1000 - now;
  return after < 1000 ? 1000 : after;
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused/DeploymentResumed as spec.paused flips. */
export function pausedConditionChange(d: KObject, now: number): DeploymentCondition | undefined {
  if (progressDeadline(d) === undefined) return undefined;
  const c = getCondition((d as J).status ?? {}, 'Progressing');
  if (c?.reason === REASON.timedOut) return undefined;
  const pausedExists = c?.reason === REASON.paused;
  const paused = !!(d as J).spec?.paused;
  if (paused && !pausedExists) return newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', now);
  if (!paused && pausedExists) return newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', now);
  return undefined;
}
