// core/v1 PersistentVolumes (with /status, bound to claims by the pvc binder) and the storage.k8s.io/v1 CSI kinds:
// VolumeAttachment (/status), CSIDriver, CSINode, CSIStorageCapacity, served as data (no CSI driver runs here).
import { admitPersistentVolume } from '../../admission/persistent-volumes.js';
import type { ResourceDef } from '../types.js';
import { persistentVolumeStatusStrategy, persistentVolumeStrategy } from '../strategies/storage/persistent-volume.js';
import {
  csiDriverStrategy,
  csiNodeStrategy,
  csiStorageCapacityStrategy,
  volumeAttachmentStatusStrategy,
  volumeAttachmentStrategy,
} from '../strategies/storage/csi.js';
import {
  csiDriversTable,
  csiNodesTable,
  csiStorageCapacitiesTable,
  persistentVolumesTable,
  volumeAttachmentsTable,
} from '../tables/storage-kinds.js';

export const persistentvolumes: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  statusSubresource: true,
  subresourceStrategies: { status: persistentVolumeStatusStrategy },
  strategy: persistentVolumeStrategy,
  table: persistentVolumesTable,
  admit: (obj, old, ctx) => admitPersistentVolume(obj, old, ctx.subresource),
};

const storage = { group: 'storage.k8s.io', version: 'v1' };

export const volumeattachments: ResourceDef = {
  ...storage,
  kind: 'VolumeAttachment',
  plural: 'volumeattachments',
  singular: 'volumeattachment',
  namespaced: false,
  statusSubresource: true,
  subresourceStrategies: { status: volumeAttachmentStatusStrategy },
  strategy: volumeAttachmentStrategy,
  table: volumeAttachmentsTable,
};

export const csidrivers: ResourceDef = {
  ...storage,
  kind: 'CSIDriver',
  plural: 'csidrivers',
  singular: 'csidriver',
  namespaced: false,
  strategy: csiDriverStrategy,
  table: csiDriversTable,
};

export const csinodes: ResourceDef = {
  ...storage,
  kind: 'CSINode',
  plural: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  strategy: csiNodeStrategy,
  table: csiNodesTable,
};

export const csistoragecapacities: ResourceDef = {
  ...storage,
  kind: 'CSIStorageCapacity',
  plural: 'csistoragecapacities',
  singular: 'csistoragecapacity',
  namespaced: true,
  strategy: csiStorageCapacityStrategy,
  table: csiStorageCapacitiesTable,
};

export const STORAGE_KIND_RESOURCES: ResourceDef[] = [persistentvolumes, csidrivers, csinodes, csistoragecapacities, volumeattachments];
