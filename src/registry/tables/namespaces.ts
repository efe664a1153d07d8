// Namespaces: NAME STATUS AGE.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, get, nameColumn, nameOf, str } from './columns.js';

export const namespacesTable: TableDef = {
  columns: [nameColumn(), column('Status', 'string', 'The status of the namespace (its phase).'), ageColumn()],
  cells: (ns, now) => [nameOf(ns), str(get(ns, 'status', 'phase')), ageOf(ns, now)],
};
