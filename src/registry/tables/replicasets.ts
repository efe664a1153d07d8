// ReplicaSets (apps): NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES SELECTOR.
import type { TableDef } from '../types.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf, num, rec } from './columns.js';

export const replicaSetsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'The number of desired replicas.'),
    column('Current', 'integer', 'The number of replicas observed most recently.'),
    column('Ready', 'integer', 'The number of ready replicas.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'The label query over pods that the replica set owns.', 1),
  ],
  cells: (rs, now) => {
    const spec = rec(rs.spec);
    const [names, images] = containerCells(get(spec, 'template', 'spec', 'containers'));
    return [
      nameOf(rs),
      num(spec.replicas, 1), // defaulting sets 1 when absent
      num(get(rs, 'status', 'replicas')),
      num(get(rs, 'status', 'readyReplicas')),
      ageOf(rs, now),
      names,
      images,
      formatLabelSelector(spec.selector as LabelSelectorObject | undefined),
    ];
  },
};
