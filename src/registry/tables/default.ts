// What kube-apiserver prints for kinds without a printer: NAME and CREATED AT (RFC 3339, UTC, seconds).
import type { TableDef } from '../types.js';
import { parseTimestamp } from '../../machinery/duration.js';
import { AGE_DESCRIPTION, nameColumn, nameOf } from './columns.js';

/** Go formats a zero creationTimestamp as year 1. */
const createdAt = (ts: string | null | undefined) => {
  const t = parseTimestamp(ts);
  return t === undefined ? '0001-01-01T00:00:00Z' : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
};

export const defaultTable: TableDef = {
  columns: [nameColumn(), { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 }],
  cells: (obj) => [nameOf(obj), createdAt(obj.metadata?.creationTimestamp)],
};
