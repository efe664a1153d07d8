// Leases (coordination.k8s.io): NAME HOLDER AGE.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, get, nameColumn, nameOf, str } from './columns.js';

export const leasesTable: TableDef = {
  columns: [nameColumn(), column('Holder', 'string', 'The identity of the current holder of the lease.'), ageColumn()],
  cells: (l, now) => [nameOf(l), str(get(l, 'spec', 'holderIdentity')), ageOf(l, now)],
};
