// StorageClasses: NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE; the default class
// is printed as "<name> (default)".
import type { TableDef } from '../types.js';
import { isDefaultClass } from '../strategies/storageclass.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, str } from './columns.js';

export const storageClassesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column(
      'ReclaimPolicy',
      'string',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
    ),
    column(
      'VolumeBindingMode',
      'string',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
    ),
    column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn(),
  ],
  cells: (sc, now) => {
    const name = isDefaultClass(sc) ? `${nameOf(sc)} (default)` : nameOf(sc);
    const expansion = typeof sc.allowVolumeExpansion === 'boolean' ? String(sc.allowVolumeExpansion) : 'false';
    return [
      name,
      str(sc.provisioner),
      str(sc.reclaimPolicy) || 'Delete',
      str(sc.volumeBindingMode) || 'Immediate',
      expansion,
      ageOf(sc, now),
    ];
  },
};
