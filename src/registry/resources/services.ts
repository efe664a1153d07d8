import { serviceStatusStrategy, serviceStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';
import { proxySubresource } from './proxy-subresource.js';
import { DEFAULT_SERVICE_ALLOCATION, serviceAllocationHooks } from './service-allocation.js';

export const services: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  statusSubresource: true,
  strategy: serviceStrategy,
  subresourceStrategies: { status: serviceStatusStrategy },
  table: TABLES['services'],
  extraSubresources: [proxySubresource('ServiceProxyOptions')],
  // The default service network; the server swaps in its own (withServiceAllocation).
  ...serviceAllocationHooks(DEFAULT_SERVICE_ALLOCATION),
};
