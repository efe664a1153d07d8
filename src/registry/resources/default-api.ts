// The rest of kube-apiserver 1.33's default resources, served as data (one list so the shared index gains one line).
import type { ResourceDef } from '../types.js';
import { ADMISSIONREGISTRATION_RESOURCES } from './admissionregistration.js';
import { bindings } from './bindings.js';
import { CLUSTER_KIND_RESOURCES } from './cluster-kinds.js';
import { NETWORKING_RESOURCES } from './networking.js';
import { STORAGE_KIND_RESOURCES } from './storage-kinds.js';

export const DEFAULT_API_RESOURCES: ResourceDef[] = [
  bindings,
  ...STORAGE_KIND_RESOURCES,
  ...NETWORKING_RESOURCES,
  ...ADMISSIONREGISTRATION_RESOURCES,
  ...CLUSTER_KIND_RESOURCES,
];
