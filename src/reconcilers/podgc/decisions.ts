// The pod garbage collector's pure decisions (kube-controller-manager's pkg/controller/podgc): which pods are bound
// to a node the cache does not know, which are terminating without ever being scheduled, and which terminated pods
// go once there are more than the threshold (evicted first, then oldest, name breaking ties).
import type { KObject } from '../../machinery/api/meta.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The DisruptionTarget condition an orphan gets before its forced deletion (upstream's wording). */
export const ORPHAN_CONDITION = {
  type: 'DisruptionTarget',
  status: 'True',
  reason: 'DeletionByPodGC',
  message: 'PodGC: node no longer exists',
} as const;

const nodeNameOf = (p: KObject): string => (p as J).spec?.nodeName ?? '';
const phaseOf = (p: KObject): string => (p as J).status?.phase ?? '';

/** Neither Pending, Running nor Unknown (isPodTerminated). */
export const isPodTerminated = (p: KObject): boolean => !['Pending', 'Running', 'Unknown'].includes(phaseOf(p));

/** The node names pods are bound to that no cached Node carries: candidates for quarantine. */
export function missingNodes(pods: KObject[], existing: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const p of pods) {
    const node = nodeNameOf(p);
    if (node && !existing.has(node)) out.add(node);
  }
  return out;
}

/** The pods bound to one of `deletedNodes` (confirmed gone after the quarantine). */
export const orphanedPods = (pods: KObject[], deletedNodes: Set<string>): KObject[] => pods.filter((p) => deletedNodes.has(nodeNameOf(p)));

/** gcUnscheduledTerminating: terminating and never bound, so no kubelet will ever finish their deletion. */
export const unscheduledTerminating = (pods: KObject[]): KObject[] => pods.filter((p) => p.metadata.deletionTimestamp && !nodeNameOf(p));

const isEvicted = (p: KObject) => phaseOf(p) === 'Failed' && (p as J).status?.reason === 'Evicted';

/** gcTerminated: the terminated pods beyond `threshold`, in deletion order (evicted, then oldest, then by name). */
export function terminatedOverThreshold(pods: KObject[], threshold: number): KObject[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  const created = (p: KObject) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return terminated
    .sort(
      (a, b) =>
        Number(isEvicted(b)) - Number(isEvicted(a)) ||
        created(a) - created(b) ||
        compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''),
    )
    .slice(0, excess);
}

/**
 * The status patch that marks a pod Failed before its forced deletion (only if not already terminal), with the
 * condition when one is given; the uid makes the patch fail on a different pod of the same name.
 */
export function failedStatusPatch(pod: KObject, condition: J | undefined, now: string): J | undefined {
  const phase = phaseOf(pod);
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const status: J = { phase: 'Failed' };
  if (condition) status.conditions = [{ ...condition, lastTransitionTime: now }];
  return { metadata: { uid: pod.metadata.uid }, status };
}
