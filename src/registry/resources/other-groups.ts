// Small groups: discovery, coordination.
import { endpointSliceStrategy, leaseStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';
import { admitNodeRestriction, admitNodeRestrictionDelete } from '../../admission/node-restriction.js';

export const endpointslices: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  strategy: endpointSliceStrategy,
  table: TABLES['discovery.k8s.io/endpointslices'],
};

export const leases: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  strategy: leaseStrategy,
  table: TABLES['coordination.k8s.io/leases'],
  // NodeRestriction: a node writes only its own Lease in kube-node-lease.
  admit: (obj, old, ctx) => admitNodeRestriction('leases', obj, old, ctx),
  admitDeleteObject: (obj, user) => admitNodeRestrictionDelete('leases', obj, user),
};
