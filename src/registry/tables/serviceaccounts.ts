// ServiceAccounts: NAME SECRETS AGE (kube-apiserver 1.33 still prints the count of .secrets).
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf } from './columns.js';

export const serviceAccountsTable: TableDef = {
  columns: [nameColumn(), column('Secrets', 'string', 'The number of secrets listed in .secrets.'), ageColumn()],
  cells: (sa, now) => [nameOf(sa), arr(sa.secrets).length, ageOf(sa, now)],
};
