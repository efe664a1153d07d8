// PersistentVolume and storage.k8s.io printers (pkg/printers/internalversion): PV, VolumeAttachment, CSIDriver,
// CSINode, CSIStorageCapacity.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, rec, str } from './columns.js';
import { accessModesString } from './persistentvolumeclaims.js';

const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);

export const persistentVolumesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    column(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column(
      'Reason',
      'string',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    ),
    ageColumn(),
    column(
      'VolumeMode',
      'string',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      1,
    ),
  ],
  cells: (pv, now) => {
    const spec = rec(pv.spec);
    const ref = rec(spec.claimRef);
    const claim = spec.claimRef ? `${str(ref.namespace)}/${str(ref.name)}` : '';
    const annotations = pv.metadata.annotations ?? {};
    const storageClass =
      'volume.beta.kubernetes.io/storage-class' in annotations
        ? annotations['volume.beta.kubernetes.io/storage-class']!
        : str(spec.storageClassName);
    const phase = pv.metadata.deletionTimestamp != null ? 'Terminating' : str(get(pv, 'status', 'phase'));
    return [
      nameOf(pv),
      str(get(spec, 'capacity', 'storage')),
      accessModesString(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phase,
      claim,
      storageClass,
      typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
      str(get(pv, 'status', 'reason')),
      ageOf(pv, now),
      typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
    ];
  },
};

export const volumeAttachmentsTable: TableDef = {
  columns: [
    nameColumn(),
    {
      ...column(
        'Attacher',
        'string',
        'attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().',
      ),
      format: 'name',
    },
    column('PV', 'string', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    column('Node', 'string', 'nodeName represents the node that the volume should be attached to.'),
    column(
      'Attached',
      'boolean',
      'attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.',
    ),
    ageColumn(),
  ],
  cells: (va, now) => [
    nameOf(va),
    str(get(va, 'spec', 'attacher')),
    str(get(va, 'spec', 'source', 'persistentVolumeName')),
    str(get(va, 'spec', 'nodeName')),
    bool(get(va, 'status', 'attached'), false),
    ageOf(va, now),
  ],
};

export const csiDriversTable: TableDef = {
  columns: [
    nameColumn(),
    column('AttachRequired', 'boolean', 'attachRequired indicates this CSI volume driver requires an attach operation.'),
    column(
      'PodInfoOnMount',
      'boolean',
      'podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true.',
    ),
    column(
      'StorageCapacity',
      'boolean',
      'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report.',
    ),
    column(
      'TokenRequests',
      'string',
      "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication.",
    ),
    column(
      'RequiresRepublish',
      'boolean',
      'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.',
    ),
    column('Modes', 'string', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
    ageColumn(),
  ],
  cells: (d, now) => {
    const spec = rec(d.spec);
    const tokens = arr(spec.tokenRequests).map((t) => str(t.audience));
    const modes = arr<string>(spec.volumeLifecycleModes);
    return [
      nameOf(d),
      bool(spec.attachRequired, true),
      bool(spec.podInfoOnMount, false),
      bool(spec.storageCapacity, false),
      tokens.length > 0 ? tokens.join(',') : '<unset>',
      bool(spec.requiresRepublish, false),
      modes.length > 0 ? modes.join(',') : '<none>',
      ageOf(d, now),
    ];
  },
};

export const csiNodesTable: TableDef = {
  columns: [nameColumn(), column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn()],
  cells: (n, now) => [nameOf(n), arr(get(n, 'spec', 'drivers')).length, ageOf(n, now)],
};

export const csiStorageCapacitiesTable: TableDef = {
  columns: [
    nameColumn(),
    column('StorageClassName', 'string', 'storageClassName represents the name of the StorageClass that the reported capacity applies to.'),
    column(
      'Capacity',
      'string',
      'capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.',
    ),
  ],
  cells: (c) => [nameOf(c), str(c.storageClassName), str(c.capacity)],
};
