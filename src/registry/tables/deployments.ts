// Deployments (apps): NAME READY UP-TO-DATE AVAILABLE AGE; wide CONTAINERS IMAGES SELECTOR.
import type { TableDef } from '../types.js';
import { selectorToString, type LabelSelectorObject } from '../../machinery/labels.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf, num, rec } from './columns.js';

function selectorCell(sel: unknown): string {
  try {
    return selectorToString(sel as LabelSelectorObject | undefined);
  } catch {
    return '<invalid>';
  }
}

export const deploymentsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Ready pods out of desired replicas.'),
    column('Up-to-date', 'string', 'The number of pods that run the current pod template.'),
    column('Available', 'string', 'The number of pods available (ready for at least minReadySeconds).'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'The label query over pods that the deployment manages.', 1),
  ],
  cells: (d, now) => {
    const spec = rec(d.spec);
    const status = rec(d.status);
    const [names, images] = containerCells(get(spec, 'template', 'spec', 'containers'));
    return [
      nameOf(d),
      `${num(status.readyReplicas)}/${num(spec.replicas, 1)}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      ageOf(d, now),
      names,
      images,
      selectorCell(spec.selector),
    ];
  },
};
