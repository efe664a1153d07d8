// storage.k8s.io: StorageClasses (cluster-scoped). dockube's own class `local` provisions Docker volumes.
import { storageClassStrategy } from '../strategies/storageclass.js';
import { storageClassesTable } from '../tables/storageclasses.js';
import type { ResourceDef } from '../types.js';

export const storageclasses: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  strategy: storageClassStrategy,
  table: storageClassesTable,
};
