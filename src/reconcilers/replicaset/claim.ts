// ClaimPods (controller_ref_manager.go) as decisions: which pods an owner keeps, adopts, releases or leaves alone,
// and the strategic merge patches that adopt and release (with the pod's uid as a precondition).
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';

export type ClaimDecision = 'owned' | 'adopt' | 'release' | 'ignore';

/** The controller reference of an object (the one ownerReference with controller: true). */
export const controllerRefOf = (o: KObject): OwnerReference | undefined =>
  (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);

/**
 * What the owner does with `pod`:
 * - owned by it and still matching: keep (`owned`); no longer matching: `release`, unless the owner is being
 *   deleted (then `ignore`: the garbage collector decides);
 * - owned by another controller: `ignore`, always;
 * - an orphan that matches, in the owner's namespace, not being deleted, while the owner is not being deleted: `adopt`.
 */
export function claimDecision(owner: KObject, pod: KObject, matches: boolean): ClaimDecision {
  const ref = controllerRefOf(pod);
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'owned';
    return ownerDeleting ? 'ignore' : 'release';
  }
  if (!matches || ownerDeleting || pod.metadata.deletionTimestamp) return 'ignore';
  if (pod.metadata.namespace !== owner.metadata.namespace) return 'ignore';
  return 'adopt';
}

/** metav1.NewControllerRef: the reference pods created or adopted by `owner` carry. */
export function controllerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The adoption patch (ownerRefControllerPatch): adds the controller reference, only to the pod with this uid. */
export const adoptPatch = (owner: KObject, pod: KObject) => ({
  metadata: { ownerReferences: [controllerRef(owner)], uid: pod.metadata.uid },
});

/** The release patch (GenerateDeleteOwnerRefStrategicMergeBytes): drops the owner's reference by uid. */
export const releasePatch = (owner: KObject, pod: KObject) => ({
  metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: pod.metadata.uid },
});
