// Nodes: NAME STATUS ROLES AGE VERSION; wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME.
import type { KObject, TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, str } from './columns.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` label value, sorted. */
export function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: KObject): string {
  const status: string[] = [];
  // Later duplicates win, as in the Go map upstream builds.
  const ready = arr(get(node, 'status', 'conditions'))
    .filter((c) => c.type === 'Ready')
    .pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (get(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (node: KObject, type: string) =>
  str(arr(get(node, 'status', 'addresses')).find((a) => a.type === type)?.address) || '<none>';
const info = (node: KObject, field: string) => str(get(node, 'status', 'nodeInfo', field));

export const nodesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', 'The kubelet version reported by the node.'),
    column('Internal-IP', 'string', 'The first InternalIP address of the node.', 1),
    column('External-IP', 'string', 'The first ExternalIP address of the node.', 1),
    column('OS-Image', 'string', 'The OS image reported by the node.', 1),
    column('Kernel-Version', 'string', 'The kernel version reported by the node.', 1),
    column('Container-Runtime', 'string', 'The container runtime and its version, as reported by the node.', 1),
  ],
  cells: (node, now) => [
    nameOf(node),
    nodeStatus(node),
    nodeRoles(node).join(',') || '<none>',
    ageOf(node, now),
    info(node, 'kubeletVersion'),
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    info(node, 'osImage') || '<unknown>',
    info(node, 'kernelVersion') || '<unknown>',
    info(node, 'containerRuntimeVersion') || '<unknown>',
  ],
};
