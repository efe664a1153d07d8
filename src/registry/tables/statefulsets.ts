// StatefulSets (apps), as kubectl's printStatefulSet: NAME READY AGE; wide CONTAINERS IMAGES.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, containerCells, containersColumn, get, imagesColumn, nameColumn, nameOf, num, rec } from './columns.js';

export const statefulSetsTable: TableDef = {
  columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), containersColumn(), imagesColumn()],
  cells: (s, now) => {
    const spec = rec(s.spec);
    const [names, images] = containerCells(get(spec, 'template', 'spec', 'containers'));
    return [nameOf(s), `${num(get(s, 'status', 'readyReplicas'))}/${num(spec.replicas, 1)}`, ageOf(s, now), names, images];
  },
};
