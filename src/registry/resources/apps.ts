// apps/v1 workloads: both have /status and /scale.
import { deploymentStrategy, replicaSetStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';
import { warnPodTemplateSecurity } from '../../admission/pod-security/index.js';

const scale = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };

export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  statusSubresource: true,
  statusResetsMetadata: ['labels'],
  scale,
  strategy: deploymentStrategy,
  table: TABLES['apps/deployments'],
  admit: warnPodTemplateSecurity,
};

export const replicasets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  statusSubresource: true,
  scale,
  strategy: replicaSetStrategy,
  table: TABLES['apps/replicasets'],
  admit: warnPodTemplateSecurity,
};
