// The annotations a deployment keeps on its sets (deployment_util.go): the deployment's own (change-cause among
// them) copied over, the revision (a reused set's earlier revisions kept in revision-history), and desired/max
// replicas, which proportional scaling reads back.
import type { KObject } from '../../machinery/api/meta.js';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY } from './replica-sets.js';

/** Upstream's maxRevHistoryLengthInChars. */
export const MAX_REVISION_HISTORY_CHARS = 2000;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** Never copied from the deployment to its sets (annotationsToSkip). */
const SKIPPED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

const annotationsOf = (o: KObject) => (o.metadata.annotations ??= {});

/** copyDeploymentAnnotationsToReplicaSet: true when something changed. */
export function copyDeploymentAnnotations(d: KObject, rs: KObject): boolean {
  let changed = false;
  const to = annotationsOf(rs);
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(k) || to[k] === v) continue;
    to[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: true when something changed. */
export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of [
    [DESIRED_REPLICAS, String(desired)],
    [MAX_REPLICAS, String(max)],
  ]) {
    if (a[k] !== v) {
      a[k] = v;
      changed = true;
    }
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate. */
export const replicasAnnotationsNeedUpdate = (rs: KObject, desired: number, max: number) =>
  rs.metadata.annotations?.[DESIRED_REPLICAS] !== String(desired) || rs.metadata.annotations?.[MAX_REPLICAS] !== String(max);

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to `newRevision` (a set
 * brought back by a rollback keeps the revisions it had in revision-history, bounded in length), and on a set
 * about to be created, the replica annotations. True when something changed.
 */
export function setNewReplicaSetAnnotations(
  d: KObject,
  rs: KObject,
  newRevision: string,
  exists: boolean,
  desired: number,
  max: number,
  historyLimitChars = MAX_REVISION_HISTORY_CHARS,
): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotationsOf(rs);
  const oldRevision = a[REVISION];
  const oldInt = oldRevision === undefined || oldRevision === '' ? 0 : /^\d+$/.test(oldRevision) ? Number(oldRevision) : NaN;
  // A garbled revision is left alone (upstream logs it and reports no change).
  if (Number.isNaN(oldInt)) return false;
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    a[REVISION] = newRevision;
    changed = true;
  }
  if (oldRevision !== undefined && oldRevision !== '' && oldInt < newInt) {
    const history = a[REVISION_HISTORY] ?? '';
    const olds = history.split(',');
    if (olds[0] === '') {
      a[REVISION_HISTORY] = oldRevision;
    } else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > historyLimitChars && start < olds.length) {
        total -= olds[start].length + 1;
        start++;
      }
      if (total <= historyLimitChars) a[REVISION_HISTORY] = [...olds.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}
