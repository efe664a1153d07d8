// kubectl's printers for StatefulSets, DaemonSets and ControllerRevisions as server-side Tables: columns (wide ones at
// priority 1) and cells.
import type { KObject } from '../../src/machinery/api/meta.js';
import type { TableDef } from '../../src/registry/types.js';
import { statefulSetsTable } from '../../src/registry/tables/statefulsets.js';
import { daemonSetsTable } from '../../src/registry/tables/daemonsets.js';
import { controllerRevisionsTable } from '../../src/registry/tables/controllerrevisions.js';

const now = new Date('2026-01-01T01:00:00Z');
const created = '2026-01-01T00:00:00Z';
const columns = (t: TableDef) => t.columns.map((c) => `${c.name}${c.priority ? '*' : ''}`);
const template = {
  spec: {
    nodeSelector: { zone: 'b', disk: 'ssd' },
    containers: [
      { name: 'a', image: 'x:1' },
      { name: 'b', image: 'y:2' },
    ],
  },
};

test('statefulsets: NAME READY AGE, wide CONTAINERS IMAGES', () => {
  expect(columns(statefulSetsTable)).toEqual(['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
  const s = {
    metadata: { name: 'web', creationTimestamp: created },
    spec: { replicas: 3, template },
    status: { readyReplicas: 2 },
  } as KObject;
  expect(statefulSetsTable.cells(s, now)).toEqual(['web', '2/3', '60m', 'a,b', 'x:1,y:2']);
});

test('daemonsets: counts, the node selector sorted, <none> without one, wide selector', () => {
  expect(columns(daemonSetsTable)).toEqual([
    'Name',
    'Desired',
    'Current',
    'Ready',
    'Up-to-date',
    'Available',
    'Node Selector',
    'Age',
    'Containers*',
    'Images*',
    'Selector*',
  ]);
  const d = {
    metadata: { name: 'agent', creationTimestamp: created },
    spec: { selector: { matchLabels: { app: 'agent' } }, template },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2 },
  } as KObject;
  expect(daemonSetsTable.cells(d, now)).toEqual(['agent', 3, 3, 2, 1, 2, 'disk=ssd,zone=b', '60m', 'a,b', 'x:1,y:2', 'app=agent']);
  const bare = { metadata: { name: 'x', creationTimestamp: created }, spec: { template: { spec: { containers: [] } } } } as KObject;
  expect(daemonSetsTable.cells(bare, now).slice(1, 7)).toEqual([0, 0, 0, 0, 0, '<none>']);
});

test('controllerrevisions: the controller as <kind>.<group>/<name>, <none> for an orphan', () => {
  expect(columns(controllerRevisionsTable)).toEqual(['Name', 'Controller', 'Revision', 'Age']);
  const owned = {
    metadata: {
      name: 'web-6c5f8d',
      creationTimestamp: created,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }],
    },
    revision: 4,
  } as unknown as KObject;
  expect(controllerRevisionsTable.cells(owned, now)).toEqual(['web-6c5f8d', 'statefulset.apps/web', 4, '60m']);
  const orphan = { metadata: { name: 'r', creationTimestamp: created }, revision: 1 } as unknown as KObject;
  expect(controllerRevisionsTable.cells(orphan, now)[1]).toBe('<none>');
});
