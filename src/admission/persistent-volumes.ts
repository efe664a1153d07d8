// Admission of new PersistentVolumes, as kube-apiserver's StorageObjectInUseProtection plugin: every volume gets the
// kubernetes.io/pv-protection finalizer, so a volume deleted while bound to a claim stays (Terminating) until it is
// not Bound any more; the PV controller's protection part (src/reconcilers/pvc-binder.ts) removes it then.
import type { KObject } from '../machinery/api/meta.js';

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export function admitPersistentVolume(obj: KObject, old: KObject | undefined, subresource: string | undefined): void {
  if (old || subresource) return; // on create only
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(PV_PROTECTION_FINALIZER)) obj.metadata.finalizers = [...finalizers, PV_PROTECTION_FINALIZER];
}
