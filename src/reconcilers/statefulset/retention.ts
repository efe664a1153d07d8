// persistentVolumeClaimRetentionPolicy (stateful_set_utils.go updateClaimOwnerRefForSetAndPod): a claim is owned by
// the set when whenDeleted is Delete (the garbage collector removes it with the set), and by its pod when whenScaled
// is Delete and the pod's ordinal was scaled away (it goes with the pod). Retain/Retain leaves claims unowned.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { inOrdinalRange, ordinalOf } from './identity.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const refTo = (o: KObject, apiVersion: string, kind: string): OwnerReference => ({
  apiVersion,
  kind,
  name: o.metadata.name!,
  uid: o.metadata.uid!,
});

/** The owner references the claim should carry for `pod`'s claims; the others of the claim are kept as they are. */
export function claimOwnerRefs(set: KObject, pod: KObject, claim: KObject): OwnerReference[] {
  const policy: J = (set as J).spec?.persistentVolumeClaimRetentionPolicy ?? {};
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const ownedBySet = policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown);
  const ownedByPod = policy.whenScaled === 'Delete' && scaledDown;
  const others = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid && r.uid !== pod.metadata.uid);
  const refs = [...others];
  if (ownedBySet) refs.push(refTo(set, 'apps/v1', 'StatefulSet'));
  if (ownedByPod && pod.metadata.uid) refs.push(refTo(pod, 'v1', 'Pod'));
  return refs;
}

/** Whether the claim's references already are what claimOwnerRefs says (by uid, in any order). */
export function claimOwnersMatch(set: KObject, pod: KObject, claim: KObject): boolean {
  const want = claimOwnerRefs(set, pod, claim)
    .map((r) => r.uid)
    .sort();
  const have = (claim.metadata.ownerReferences ?? []).map((r) => r.uid).sort();
  return want.length === have.length && want.every((u, i) => u === have[i]);
}
