// ReplicaSets (apps) and ReplicationControllers (core): NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES
// SELECTOR. One table for both; they differ only in how the selector is spelled (a LabelSelector or a plain map).
import type { TableDef } from '../types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf, num, rec } from './columns.js';

/** The table of a controller keeping `spec.replicas` pods of a template; `owner` names it in the selector's help. */
export function replicatedPodsTable(owner: string, selectorText: (selector: unknown) => string): TableDef {
  return {
    columns: [
      nameColumn(),
      column('Desired', 'integer', 'The number of desired replicas.'),
      column('Current', 'integer', 'The number of replicas observed most recently.'),
      column('Ready', 'integer', 'The number of ready replicas.'),
      ageColumn(),
      containersColumn(),
      imagesColumn(),
      column('Selector', 'string', `The label query over pods that the ${owner} owns.`, 1),
    ],
    cells: (o: KObject, now) => {
      const spec = rec(o.spec);
      const [names, images] = containerCells(get(spec, 'template', 'spec', 'containers'));
      return [
        nameOf(o),
        num(spec.replicas, 1), // defaulting sets 1 when absent
        num(get(o, 'status', 'replicas')),
        num(get(o, 'status', 'readyReplicas')),
        ageOf(o, now),
        names,
        images,
        selectorText(spec.selector),
      ];
    },
  };
}

export const replicaSetsTable = replicatedPodsTable('replica set', (s) => formatLabelSelector(s as LabelSelectorObject | undefined));
