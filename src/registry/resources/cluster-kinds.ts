// flowcontrol.apiserver.k8s.io/v1 FlowSchemas and PriorityLevelConfigurations, apiregistration.k8s.io/v1 APIServices
// (each with /status) and core/v1 ComponentStatuses (read-only, computed: dockube's scheduler, controllers and store
// run in its own process, so they are healthy whenever it answers).
import type { KObject, ResourceDef } from '../types.js';
import { notFound } from '../../machinery/api/errors.js';
import {
  flowSchemaStatusStrategy,
  flowSchemaStrategy,
  priorityLevelConfigurationStatusStrategy,
  priorityLevelConfigurationStrategy,
} from '../strategies/flowcontrol.js';
import { apiServiceStatusStrategy, apiServiceStrategy } from '../strategies/apiservice.js';
import { apiServicesTable, componentStatusesTable, flowSchemasTable, priorityLevelConfigurationsTable } from '../tables/cluster-kinds.js';

const flowcontrol = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', namespaced: false, statusSubresource: true };

export const flowschemas: ResourceDef = {
  ...flowcontrol,
  kind: 'FlowSchema',
  plural: 'flowschemas',
  singular: 'flowschema',
  subresourceStrategies: { status: flowSchemaStatusStrategy },
  strategy: flowSchemaStrategy,
  table: flowSchemasTable,
};

export const prioritylevelconfigurations: ResourceDef = {
  ...flowcontrol,
  kind: 'PriorityLevelConfiguration',
  plural: 'prioritylevelconfigurations',
  singular: 'prioritylevelconfiguration',
  subresourceStrategies: { status: priorityLevelConfigurationStatusStrategy },
  strategy: priorityLevelConfigurationStrategy,
  table: priorityLevelConfigurationsTable,
};

export const apiservices: ResourceDef = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  namespaced: false,
  statusSubresource: true,
  subresourceStrategies: { status: apiServiceStatusStrategy },
  strategy: apiServiceStrategy,
  table: apiServicesTable,
};

/** What kube-apiserver reports for its scheduler, controller manager and etcd member when they answer. */
const COMPONENTS = ['scheduler', 'controller-manager', 'etcd-0'];
const componentStatus = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'ComponentStatus',
  metadata: { name },
  conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }],
});

export const componentstatuses: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  singular: 'componentstatus',
  namespaced: false,
  shortNames: ['cs'],
  verbs: ['get', 'list'],
  strategy: {},
  table: componentStatusesTable,
  garbageCollectionPolicy: 'Unsupported',
  deprecationWarning: 'v1 ComponentStatus is deprecated in v1.19+',
  virtualRead: {
    list: async () => COMPONENTS.map(componentStatus),
    async get(_namespace, name) {
      if (!COMPONENTS.includes(name)) throw notFound({ group: '', resource: 'componentstatuses' }, name);
      return componentStatus(name);
    },
  },
};

export const CLUSTER_KIND_RESOURCES: ResourceDef[] = [apiservices, componentstatuses, flowschemas, prioritylevelconfigurations];
