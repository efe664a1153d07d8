// Which pod changes the kubelet syncs for, as kubelet's pod config (checkAndUpdatePod) tells an update from a
// status-only reconcile: a pod added or deleted, its spec, or its metadata (labels, annotations, deletionTimestamp,
// deletionGracePeriodSeconds, ...) changed. A change of .status alone is left out: most are the kubelet's own
// writes (each also moves resourceVersion and the managedFields entry of its status manager), and syncing on them
// would run every pod twice per change. What the kubelet itself must react to (containers, probes, back-off, the
// periodic resync) enqueues the pod by other means.
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import type { Predicate } from '../../client/informer.js';

/** metadata without what every write moves (resourceVersion) and what status writes move (managedFields). */
function meaningfulMeta(o: KObject): Record<string, unknown> {
  const { resourceVersion: _rv, managedFields: _mf, ...rest } = o.metadata as Record<string, unknown>;
  return rest;
}

export const podNeedsSync: Predicate = (type, old, obj) =>
  type !== 'MODIFIED' || !old || !deepEqual(old.spec, obj.spec) || !deepEqual(meaningfulMeta(old), meaningfulMeta(obj));
