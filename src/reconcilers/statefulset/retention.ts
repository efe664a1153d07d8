// persistentVolumeClaimRetentionPolicy (stateful_set_utils.go, stateful_pod_control.go): a claim is controlled by the
// set when whenDeleted is Delete (the garbage collector removes it with the set), and by its pod when whenScaled is
// Delete and the pod's ordinal was scaled away (it goes with the pod); Retain/Retain leaves claims unowned. References
// are matched by apiVersion, kind and name: one naming this set or pod with another uid is stale (left by an earlier,
// deleted set or pod of that name), and such a claim is neither rewritten nor, under whenScaled Delete, used by a new
// pod until the garbage collector has removed it.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { inOrdinalRange, ordinalOf } from './identity.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SET = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD = { apiVersion: 'v1', kind: 'Pod' };
type Kind = typeof SET;

const policyOf = (set: KObject): { whenDeleted: string; whenScaled: string } => {
  const p: J = (set as J).spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted ?? 'Retain', whenScaled: p.whenScaled ?? 'Retain' };
};
const refsOf = (claim: KObject): OwnerReference[] => claim.metadata.ownerReferences ?? [];
/** matchesRef: the reference names this object (apiVersion, kind, name), whatever its uid. */
const matchesRef = (ref: OwnerReference, o: KObject, k: Kind) =>
  ref.apiVersion === k.apiVersion && ref.kind === k.kind && ref.name === o.metadata.name;
const hasOwnerRef = (claim: KObject, o: KObject) => !!o.metadata.uid && refsOf(claim).some((r) => r.uid === o.metadata.uid);

/** hasStaleOwnerRef: the first reference naming `o` carries another uid (a pod not created yet has none). */
export function hasStaleOwnerRef(claim: KObject, o: KObject, k: Kind): boolean {
  const ref = refsOf(claim).find((r) => matchesRef(r, o, k));
  return !!ref && ref.uid !== o.metadata.uid;
}

/** hasUnexpectedController: under a Delete policy, a stale reference to the set or pod, or another controller. */
export function hasUnexpectedController(claim: KObject, set: KObject, pod: KObject): boolean {
  const policy = policyOf(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of refsOf(claim)) {
    if (matchesRef(ref, set, SET)) {
      if (ref.uid !== set.metadata.uid) return true;
    } else if (matchesRef(ref, pod, POD)) {
      if (ref.uid !== pod.metadata.uid) return true;
    } else if (ref.controller) return true;
  }
  return false;
}

const hasNonControllerOwner = (claim: KObject, set: KObject, pod: KObject) =>
  refsOf(claim).some((r) => (r.uid === set.metadata.uid || (!!pod.metadata.uid && r.uid === pod.metadata.uid)) && !r.controller);

const controllerRefTo = (o: KObject, k: Kind): OwnerReference => ({
  ...k,
  name: o.metadata.name!,
  uid: o.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/** updateClaimOwnerRefForSetAndPod: the claim's references with those to the set and pod made as the policy says. */
export function claimOwnerRefs(set: KObject, pod: KObject, claim: KObject): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = refsOf(claim).filter((r) => !matchesRef(r, set, SET) && !matchesRef(r, pod, POD));
  if (unexpected) return refs;
  const policy = policyOf(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const add = (o: KObject, k: Kind) => {
    if (o.metadata.uid && !refs.some((r) => r.uid === o.metadata.uid)) refs.push(controllerRefTo(o, k));
  };
  if (policy.whenScaled === 'Delete' && scaledDown) add(pod, POD);
  if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown)) add(set, SET);
  return refs;
}

/**
 * isClaimOwnerUpToDate: whether the claim's references are as the policy says. A claim with a stale reference, or
 * under another controller with no reference to us, is left alone (true).
 */
export function isClaimOwnerUpToDate(set: KObject, pod: KObject, claim: KObject): boolean {
  if (hasStaleOwnerRef(claim, set, SET) || hasStaleOwnerRef(claim, pod, POD)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = policyOf(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const wantSet = policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown);
  const wantPod = policy.whenScaled === 'Delete' && scaledDown;
  return hasOwnerRef(claim, set) === wantSet && hasOwnerRef(claim, pod) === wantPod;
}

/** PodClaimIsStale: under whenScaled Delete, a claim naming another pod of this name must go before a pod uses it. */
export function claimIsStale(set: KObject, pod: KObject, claim: KObject): boolean {
  return policyOf(set).whenScaled !== 'Retain' && hasStaleOwnerRef(claim, pod, POD);
}
