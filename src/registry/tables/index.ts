// Server-side Table printers by resource: `TABLES['pods']`, `TABLES['apps/deployments']` (core has no group prefix).
import type { TableDef } from '../types.js';
import { configMapsTable } from './configmaps.js';
import { defaultTable } from './default.js';
import { deploymentsTable } from './deployments.js';
import { endpointsTable } from './endpoints.js';
import { endpointSlicesTable } from './endpointslices.js';
import { eventsTable, eventsV1Table } from './events.js';
import { leasesTable } from './leases.js';
import { namespacesTable } from './namespaces.js';
import { nodesTable } from './nodes.js';
import { persistentVolumeClaimsTable } from './persistentvolumeclaims.js';
import { podDisruptionBudgetsTable } from './poddisruptionbudgets.js';
import { podsTable } from './pods.js';
import { replicaSetsTable } from './replicasets.js';
import { replicationControllersTable } from './replicationcontrollers.js';
import { secretsTable } from './secrets.js';
import { serviceAccountsTable } from './serviceaccounts.js';
import { servicesTable } from './services.js';

export const TABLES: Readonly<Record<string, TableDef>> = {
  namespaces: namespacesTable,
  pods: podsTable,
  services: servicesTable,
  endpoints: endpointsTable,
  configmaps: configMapsTable,
  secrets: secretsTable,
  serviceaccounts: serviceAccountsTable,
  events: eventsTable,
  nodes: nodesTable,
  persistentvolumeclaims: persistentVolumeClaimsTable,
  replicationcontrollers: replicationControllersTable,
  'events.k8s.io/events': eventsV1Table,
  'apps/replicasets': replicaSetsTable,
  'apps/deployments': deploymentsTable,
  'discovery.k8s.io/endpointslices': endpointSlicesTable,
  'coordination.k8s.io/leases': leasesTable,
  'policy/poddisruptionbudgets': podDisruptionBudgetsTable,
};

/** The printer for a resource, or kube-apiserver's generic NAME / CREATED AT table. */
export function tableFor(group: string, plural: string): TableDef {
  return TABLES[group ? `${group}/${plural}` : plural] ?? defaultTable;
}

export { defaultTable };
export {
  buildTable,
  columnDefinitions,
  type BuildTableOptions,
  type IncludeObject,
  type TableRowCondition,
  type TableDefWithConditions,
} from './build.js';
