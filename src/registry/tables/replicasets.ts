// ReplicaSets (apps) and ReplicationControllers (core): NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES
// SELECTOR. One table for both; they differ only in how the selector is spelled (a LabelSelector or a plain map).
import type { TableDef } from '../types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import { column, get, num } from './columns.js';
import { workloadTable } from './workload-columns.js';

/** The table of a controller keeping `spec.replicas` pods of a template; `owner` names it in the selector's help. */
export function replicatedPodsTable(owner: string, selectorText: (selector: unknown) => string): TableDef {
  return workloadTable({
    columns: [
      column('Desired', 'integer', 'The number of desired replicas.'),
      column('Current', 'integer', 'The number of replicas observed most recently.'),
      column('Ready', 'integer', 'The number of ready replicas.'),
    ],
    cells: (o: KObject) => [
      num(get(o, 'spec', 'replicas'), 1), // defaulting sets 1 when absent
      num(get(o, 'status', 'replicas')),
      num(get(o, 'status', 'readyReplicas')),
    ],
    template: ['spec', 'template'],
    selector: { path: ['spec', 'selector'], description: `The label query over pods that the ${owner} owns.`, text: selectorText },
  });
}

export const replicaSetsTable = replicatedPodsTable('replica set', (s) => formatLabelSelector(s as LabelSelectorObject | undefined));
