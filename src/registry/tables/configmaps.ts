// ConfigMaps: NAME DATA AGE. DATA counts data and binaryData keys.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, rec } from './columns.js';

export const configMapsTable: TableDef = {
  columns: [nameColumn(), column('Data', 'string', 'The number of keys in data and binaryData.'), ageColumn()],
  cells: (cm, now) => [nameOf(cm), Object.keys(rec(cm.data)).length + Object.keys(rec(cm.binaryData)).length, ageOf(cm, now)],
};
