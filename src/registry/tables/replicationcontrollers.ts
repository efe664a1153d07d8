// ReplicationControllers (core): NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES SELECTOR (a plain label map).
import type { TableDef } from '../types.js';
import { formatLabels } from '../../machinery/labels.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf, num, rec } from './columns.js';

export const replicationControllersTable: TableDef = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'The number of desired replicas.'),
    column('Current', 'integer', 'The number of replicas observed most recently.'),
    column('Ready', 'integer', 'The number of ready replicas.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'The label query over pods that the replication controller owns.', 1),
  ],
  cells: (rc, now) => {
    const spec = rec(rc.spec);
    const [names, images] = containerCells(get(spec, 'template', 'spec', 'containers'));
    return [
      nameOf(rc),
      num(spec.replicas, 1),
      num(get(rc, 'status', 'replicas')),
      num(get(rc, 'status', 'readyReplicas')),
      ageOf(rc, now),
      names,
      images,
      formatLabels(spec.selector as Record<string, string> | undefined),
    ];
  },
};
