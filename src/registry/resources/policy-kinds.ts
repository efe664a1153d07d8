// The policy kinds (issue 15): core/v1 ResourceQuota (with /status) and LimitRange, scheduling.k8s.io/v1
// PriorityClass, node.k8s.io/v1 RuntimeClass and core/v1 PodTemplate. Their behaviour is admission (src/admission/
// resource-quota, limit-ranger, priority, runtime-class) and the resourcequota controller.
import { limitRangeStrategy } from '../strategies/limitrange.js';
import { podTemplateStrategy } from '../strategies/podtemplate.js';
import { priorityClassStrategy } from '../strategies/priorityclass.js';
import { resourceQuotaStrategy } from '../strategies/resourcequota.js';
import { runtimeClassStrategy } from '../strategies/runtimeclass.js';
import { podTemplatesTable, priorityClassesTable, resourceQuotasTable, runtimeClassesTable } from '../tables/policy-kinds.js';
import { admitPriorityClass } from '../../admission/priority.js';
import type { ResourceDef } from '../types.js';

export const resourcequotas: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  statusSubresource: true,
  strategy: resourceQuotaStrategy,
  table: resourceQuotasTable,
};

export const limitranges: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  strategy: limitRangeStrategy,
};

export const priorityclasses: ResourceDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  strategy: priorityClassStrategy,
  table: priorityClassesTable,
  admit: admitPriorityClass,
};

export const runtimeclasses: ResourceDef = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  namespaced: false,
  strategy: runtimeClassStrategy,
  table: runtimeClassesTable,
};

export const podtemplates: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  strategy: podTemplateStrategy,
  table: podTemplatesTable,
};

export const POLICY_KINDS: ResourceDef[] = [resourcequotas, limitranges, priorityclasses, runtimeclasses, podtemplates];
