// core/v1 ReplicationControllers: /status and /scale (the Scale's selector rendered from the plain label map).
import { replicationControllerStrategy } from '../strategies/replicationcontroller.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';
import { warnPodTemplateSecurity } from '../../admission/pod-security/index.js';

export const replicationcontrollers: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  statusSubresource: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
    labelSelectorIsMap: true,
  },
  strategy: replicationControllerStrategy,
  table: TABLES['replicationcontrollers'],
  admit: warnPodTemplateSecurity,
};
