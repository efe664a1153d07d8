// Core kinds with no hooks beyond their strategy, table and field selectors.
import {
  configMapStrategy,
  endpointsStrategy,
  nodeStrategy,
  persistentVolumeClaimStrategy,
  secretStrategy,
  serviceAccountStrategy,
} from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import { admitPersistentVolumeClaim } from '../../admission/persistent-volume-claims.js';
import { admitLimitRangerClaim } from '../../admission/limit-ranger.js';
import { admitNodeRestriction, admitNodeRestrictionDelete } from '../../admission/node-restriction.js';
import { stringAt } from '../field-path.js';
import { serviceAccountToken } from '../../serviceaccount/token-request.js';
import type { KObject, ResourceDef } from '../types.js';
import { proxySubresource } from './proxy-subresource.js';

const fields = (...paths: string[]) => Object.fromEntries(paths.map((p) => [p, (o: KObject) => stringAt(o, p)]));

export const configmaps: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  strategy: configMapStrategy,
  table: TABLES['configmaps'],
};

export const secrets: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  strategy: secretStrategy,
  table: TABLES['secrets'],
  fieldSelectors: fields('type'),
};

export const serviceaccounts: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  strategy: serviceAccountStrategy,
  table: TABLES['serviceaccounts'],
  extraSubresources: [serviceAccountToken],
};

export const endpoints: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  // KEP-4974: deprecated in 1.33 in favour of EndpointSlices; the apiserver says so on every request.
  deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  strategy: endpointsStrategy,
  table: TABLES['endpoints'],
};

export const nodes: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  statusSubresource: true,
  strategy: nodeStrategy,
  table: TABLES['nodes'],
  // NodeRestriction: a node changes only its own Node, not its taints nor labels outside the kubelet's set.
  admit: (obj, old, ctx) => admitNodeRestriction('nodes', obj, old, ctx),
  admitDeleteObject: (obj, user) => admitNodeRestrictionDelete('nodes', obj, user),
  extraSubresources: [proxySubresource('NodeProxyOptions')],
  fieldSelectors: {
    'spec.unschedulable': (o) => String(Boolean((o as KObject & { spec?: { unschedulable?: boolean } }).spec?.unschedulable)),
  },
};

export const persistentvolumeclaims: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  statusSubresource: true,
  strategy: persistentVolumeClaimStrategy,
  table: TABLES['persistentvolumeclaims'],
  admit: async (obj, old, ctx) => {
    await admitLimitRangerClaim(obj, old, ctx);
    await admitPersistentVolumeClaim(obj, old, ctx);
    // NodeRestriction: a node may only update a claim's status capacity and conditions.
    admitNodeRestriction('persistentvolumeclaims', obj, old, ctx);
  },
  admitDeleteObject: (obj, user) => admitNodeRestrictionDelete('persistentvolumeclaims', obj, user),
};
