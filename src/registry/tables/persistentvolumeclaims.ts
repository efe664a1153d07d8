// PersistentVolumeClaims: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE; wide VOLUMEMODE.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, rec, str } from './columns.js';

/** RWO, ROX, RWX, RWOP in that order (GetAccessModesAsString). */
export function accessModesString(modes: unknown): string {
  const set = new Set(arr<string>(modes));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

export const persistentVolumeClaimsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The persistent volume bound to this claim.'),
    column('Capacity', 'string', 'The storage actually provided to the claim.'),
    column('Access Modes', 'string', 'The access modes the bound volume provides.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    column('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells: (pvc, now) => {
    const spec = rec(pvc.spec);
    const phase = pvc.metadata.deletionTimestamp != null ? 'Terminating' : str(get(pvc, 'status', 'phase'));
    const volumeName = str(spec.volumeName);
    // Capacity and modes are only known once bound.
    const capacity = volumeName ? str(get(pvc, 'status', 'capacity', 'storage')) : '';
    const modes = volumeName ? accessModesString(get(pvc, 'status', 'accessModes')) : '';
    // The beta annotation takes precedence over spec.storageClassName.
    const annotations = pvc.metadata.annotations ?? {};
    const storageClass =
      'volume.beta.kubernetes.io/storage-class' in annotations
        ? annotations['volume.beta.kubernetes.io/storage-class']!
        : str(spec.storageClassName);
    const vac = typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>';
    const volumeMode = typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>';
    return [nameOf(pvc), phase, volumeName, capacity, modes, storageClass, vac, ageOf(pvc, now), volumeMode];
  },
};
