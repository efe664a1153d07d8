// StatefulSets (apps), as kubectl's printStatefulSet: NAME READY AGE; wide CONTAINERS IMAGES.
import { column, get, num } from './columns.js';
import { workloadTable } from './workload-columns.js';

export const statefulSetsTable = workloadTable({
  columns: [column('Ready', 'string', 'Number of the pod with ready state')],
  cells: (s) => [`${num(get(s, 'status', 'readyReplicas'))}/${num(get(s, 'spec', 'replicas'), 1)}`],
  template: ['spec', 'template'],
});
