// The persistentvolume controller's choice of a static PersistentVolume for a claim (findMatchingVolume in
// pkg/controller/volume/persistentvolume/index.go): a volume pre-bound to the claim first, else the smallest
// available one of the claim's class and volume mode that holds its access modes, its request and its selector.
// With delayed binding (WaitForFirstConsumer) only a pre-bound volume is taken, unless the caller (the scheduler's
// VolumeBinding, for one node) accepts the choice; `accept` narrows the volumes (node affinity, already chosen).
import type { KObject } from '../machinery/api/meta.js';
import { compareQuantity } from '../machinery/api/quantity.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../machinery/labels.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const classOfPV = (pv: KObject): string =>
  pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? String((pv.spec as J | undefined)?.storageClassName ?? '');

/** Whether the PV's claimRef names this claim (a uid, when set, must be this claim's). */
export function claimRefNames(pv: KObject, pvc: KObject): boolean {
  const ref = (pv.spec as J | undefined)?.claimRef as J | undefined;
  if (!ref) return false;
  return ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
}

export interface MatchOptions {
  /** WaitForFirstConsumer without a node yet: only a volume pre-bound to the claim */
  delayBinding?: boolean;
  /** further conditions on a volume (the scheduler: its node affinity holds the node, no other claim took it) */
  accept?(pv: KObject): boolean;
}

export function findMatchingVolume(pvc: KObject, pvs: KObject[], claimClass: string, opts: MatchOptions = {}): KObject | undefined {
  const spec = (pvc.spec ?? {}) as J;
  const request = spec.resources?.requests?.storage;
  const modes: string[] = spec.accessModes ?? [];
  const mode = spec.volumeMode ?? 'Filesystem';
  const selector = spec.selector ? labelSelectorFromObject(spec.selector as LabelSelectorObject) : undefined;
  const fits = (pv: KObject) => {
    const s = (pv.spec ?? {}) as J;
    if (pv.metadata.deletionTimestamp) return false;
    if (opts.accept && !opts.accept(pv)) return false;
    if ((s.volumeMode ?? 'Filesystem') !== mode) return false;
    const capacity = s.capacity?.storage;
    if (request !== undefined && (capacity === undefined || compareQuantity(capacity, request) < 0)) return false;
    return modes.every((m) => (s.accessModes ?? []).includes(m));
  };
  // A volume the administrator pre-bound to this claim wins, whatever its class (as upstream).
  const prebound = pvs.find((pv) => claimRefNames(pv, pvc) && fits(pv));
  if (prebound || opts.delayBinding) return prebound;
  let best: KObject | undefined;
  for (const pv of pvs) {
    const s = (pv.spec ?? {}) as J;
    if (s.claimRef || !fits(pv) || classOfPV(pv) !== claimClass) continue;
    if ((pv.status as J | undefined)?.phase && !['Available', 'Pending'].includes((pv.status as J).phase)) continue;
    if (selector && !selector.matches(pv.metadata.labels)) continue;
    if (!best || compareQuantity((s.capacity as J).storage, ((best.spec as J).capacity as J).storage) < 0) best = pv;
  }
  return best;
}
