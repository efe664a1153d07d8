// Admission of new PersistentVolumeClaims, as kube-apiserver's DefaultStorageClass and
// StorageObjectInUseProtection plugins: a claim that names no class gets the default one, and every claim gets the
// kubernetes.io/pvc-protection finalizer (the claim outlives its deletion while a pod still uses it).
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { isDefaultClass } from '../registry/strategies/storageclass.js';
import { compareStrings } from '../machinery/compare.js';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The default StorageClass: among those annotated as default, the newest (then the first by name), as since 1.26. */
export function defaultStorageClass(classes: KObject[]): KObject | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = Date.parse(String(a.metadata.creationTimestamp ?? '')) || 0;
    const tb = Date.parse(String(b.metadata.creationTimestamp ?? '')) || 0;
    return tb - ta || compareStrings(a.metadata.name ?? '', b.metadata.name ?? '');
  });
  return defaults[0];
}

export async function admitPersistentVolumeClaim(obj: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (old || ctx.subresource) return; // both plugins act on create only
  const spec = (obj.spec ?? {}) as { storageClassName?: string | null };
  const annotations = obj.metadata.annotations ?? {};
  // Only an absent class is defaulted: "" asks for no class at all.
  if ((spec.storageClassName === undefined || spec.storageClassName === null) && !(BETA_CLASS_ANNOTATION in annotations)) {
    const dflt = defaultStorageClass(await ctx.list('storage.k8s.io', 'storageclasses'));
    if (dflt) obj.spec = { ...spec, storageClassName: dflt.metadata.name };
  }
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(PVC_PROTECTION_FINALIZER)) obj.metadata.finalizers = [...finalizers, PVC_PROTECTION_FINALIZER];
}
