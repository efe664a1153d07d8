// Small groups: discovery, events, coordination, authorization.
import { endpointSliceStrategy, eventsV1EventStrategy, leaseStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { KObject, ResourceDef, UserInfo } from '../types.js';
import { authorize } from '../../api/auth.js';

export const endpointslices: ResourceDef = {
  group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice',
  namespaced: true, strategy: endpointSliceStrategy, table: TABLES['discovery.k8s.io/endpointslices'],
};

export const eventsV1: ResourceDef = {
  group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', singular: 'event',
  namespaced: true, strategy: eventsV1EventStrategy, table: TABLES['events.k8s.io/events'],
};

export const leases: ResourceDef = {
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease',
  namespaced: true, strategy: leaseStrategy, table: TABLES['coordination.k8s.io/leases'],
};

interface ResourceAttributes { namespace?: string; verb?: string; group?: string; resource?: string; subresource?: string; name?: string }

/** SelfSubjectAccessReview: answered from the authorizer, never stored. */
export const selfsubjectaccessreviews: ResourceDef = {
  group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'], strategy: {},
  virtualCreate: (obj: KObject, user: UserInfo) => {
    const spec = (obj.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } };
    const ra = spec.resourceAttributes;
    const verb = ra?.verb ?? spec.nonResourceAttributes?.verb ?? '';
    const decision = ra
      ? authorize(user, { verb, resourceRequest: true, apiGroup: ra.group ?? '', resource: ra.resource ?? '', namespace: ra.namespace, name: ra.name, subresource: ra.subresource })
      : authorize(user, { verb, resourceRequest: false, path: spec.nonResourceAttributes?.path });
    const status: Record<string, unknown> = { allowed: decision.allowed };
    if (decision.reason) status.reason = decision.reason;
    return { ...obj, metadata: { creationTimestamp: null }, status };
  },
};
