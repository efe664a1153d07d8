// Deployments (apps): NAME READY UP-TO-DATE AVAILABLE AGE; wide CONTAINERS IMAGES SELECTOR.
import { selectorToString, type LabelSelectorObject } from '../../machinery/labels.js';
import { column, get, num } from './columns.js';
import { workloadTable } from './workload-columns.js';

export const deploymentsTable = workloadTable({
  columns: [
    column('Ready', 'string', 'Ready pods out of desired replicas.'),
    column('Up-to-date', 'string', 'The number of pods that run the current pod template.'),
    column('Available', 'string', 'The number of pods available (ready for at least minReadySeconds).'),
  ],
  cells: (d) => [
    `${num(get(d, 'status', 'readyReplicas'))}/${num(get(d, 'spec', 'replicas'), 1)}`,
    num(get(d, 'status', 'updatedReplicas')),
    num(get(d, 'status', 'availableReplicas')),
  ],
  template: ['spec', 'template'],
  selector: {
    path: ['spec', 'selector'],
    description: 'The label query over pods that the deployment manages.',
    // selector.String(): an empty selector prints nothing.
    text: (s) => {
      try {
        return selectorToString(s as LabelSelectorObject | undefined);
      } catch {
        return '<invalid>';
      }
    },
  },
});
