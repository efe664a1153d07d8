// The shape every pod-template workload's printer shares (printDeployment, printDaemonSet, printJob, printCronJob,
// printReplicaSet, printStatefulSet): NAME, the kind's own columns, AGE, then -o wide's CONTAINERS, IMAGES and, for most,
// SELECTOR. A table names only its own columns and cells; this adds the rest around them.
import type { KObject, TableColumn, TableDef } from '../types.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf } from './columns.js';

export interface WorkloadTable {
  /** The kind's columns between NAME and AGE. */
  columns: TableColumn[];
  /** Their cells, in order. */
  cells(o: KObject, now: Date): unknown[];
  /** Where the pod template lives (e.g. ['spec', 'template']). */
  template: string[];
  /** The wide SELECTOR column: where the selector lives, its description, how it is written (formatLabelSelector). */
  selector?: { path: string[]; description: string; text?: (selector: unknown) => string };
}

/** A selector as kubectl writes it (`<none>` when empty), `<invalid>` when it cannot be read. */
export function selectorText(selector: unknown): string {
  try {
    return formatLabelSelector(selector as LabelSelectorObject | undefined);
  } catch {
    return '<invalid>';
  }
}

export function workloadTable(t: WorkloadTable): TableDef {
  const selector = t.selector;
  return {
    columns: [
      nameColumn(),
      ...t.columns,
      ageColumn(),
      containersColumn(),
      imagesColumn(),
      ...(selector ? [column('Selector', 'string', selector.description, 1)] : []),
    ],
    cells: (o, now) => {
      const [names, images] = containerCells(get(o, ...t.template, 'spec', 'containers'));
      const tail = selector ? [(selector.text ?? selectorText)(get(o, ...selector.path))] : [];
      return [nameOf(o), ...t.cells(o, now), ageOf(o, now), names, images, ...tail];
    },
  };
}
