// networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy (stored and validated; traffic for them is later work),
// ServiceCIDR and IPAddress (the ClusterIP allocator's visible state).
import type { ResourceDef } from '../types.js';
import { ingressClassStrategy, ingressStatusStrategy, ingressStrategy } from '../strategies/networking/ingress.js';
import { networkPolicyStrategy } from '../strategies/networking/network-policy.js';
import { ipAddressStrategy, serviceCIDRStatusStrategy, serviceCIDRStrategy } from '../strategies/networking/service-cidr.js';
import { ingressClassesTable, ingressesTable, ipAddressesTable, networkPoliciesTable, serviceCIDRsTable } from '../tables/networking.js';

const group = 'networking.k8s.io';
const version = 'v1';

export const ingresses: ResourceDef = {
  group,
  version,
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  statusSubresource: true,
  subresourceStrategies: { status: ingressStatusStrategy },
  strategy: ingressStrategy,
  table: ingressesTable,
};

export const ingressclasses: ResourceDef = {
  group,
  version,
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  strategy: ingressClassStrategy,
  table: ingressClassesTable,
};

export const networkpolicies: ResourceDef = {
  group,
  version,
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  strategy: networkPolicyStrategy,
  table: networkPoliciesTable,
};

export const servicecidrs: ResourceDef = {
  group,
  version,
  kind: 'ServiceCIDR',
  plural: 'servicecidrs',
  singular: 'servicecidr',
  namespaced: false,
  statusSubresource: true,
  subresourceStrategies: { status: serviceCIDRStatusStrategy },
  strategy: serviceCIDRStrategy,
  table: serviceCIDRsTable,
};

export const ipaddresses: ResourceDef = {
  group,
  version,
  kind: 'IPAddress',
  plural: 'ipaddresses',
  singular: 'ipaddress',
  namespaced: false,
  shortNames: ['ip'],
  strategy: ipAddressStrategy,
  table: ipAddressesTable,
};

export const NETWORKING_RESOURCES: ResourceDef[] = [ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs];
