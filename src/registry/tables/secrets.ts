// Secrets: NAME TYPE DATA AGE.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, rec, str } from './columns.js';

export const secretsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'The type of the secret, which tells how its data is used.'),
    column('Data', 'string', 'The number of keys in data.'),
    ageColumn(),
  ],
  // stringData is merged into data on write, so only data is counted.
  cells: (s, now) => [nameOf(s), str(s.type), Object.keys(rec(s.data)).length, ageOf(s, now)],
};
