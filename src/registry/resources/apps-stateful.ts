// apps/v1 StatefulSets and DaemonSets (with /status; StatefulSets also /scale) and the ControllerRevisions both
// keep their template history in.
import { statefulSetStrategy } from '../strategies/statefulset.js';
import { daemonSetStrategy } from '../strategies/daemonset.js';
import { controllerRevisionStrategy } from '../strategies/controllerrevision.js';
import { statefulSetsTable } from '../tables/statefulsets.js';
import { daemonSetsTable } from '../tables/daemonsets.js';
import { controllerRevisionsTable } from '../tables/controllerrevisions.js';
import type { ResourceDef } from '../types.js';
import { warnPodTemplateSecurity } from '../../admission/pod-security/index.js';

export const statefulsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  statusSubresource: true,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  strategy: statefulSetStrategy,
  table: statefulSetsTable,
  admit: warnPodTemplateSecurity,
};

export const daemonsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  statusSubresource: true,
  strategy: daemonSetStrategy,
  table: daemonSetsTable,
  admit: warnPodTemplateSecurity,
};

export const controllerrevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  strategy: controllerRevisionStrategy,
  table: controllerRevisionsTable,
};
