// PodDisruptionBudgets (policy): NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE; an unset bound is N/A.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, get, nameColumn, nameOf, num } from './columns.js';

const bound = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

export const podDisruptionBudgetsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number or percentage of available pods this budget requires.'),
    column('Max Unavailable', 'string', 'The maximum number or percentage of unavailable pods this budget requires.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  cells: (pdb, now) => [
    nameOf(pdb),
    bound(get(pdb, 'spec', 'minAvailable')),
    bound(get(pdb, 'spec', 'maxUnavailable')),
    num(get(pdb, 'status', 'disruptionsAllowed')),
    ageOf(pdb, now),
  ],
};
