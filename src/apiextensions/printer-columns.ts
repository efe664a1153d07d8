// A custom resource's Table from its version's additionalPrinterColumns (apiextensions-apiserver's tableconvertor):
// Name, then each column's JSONPath value; Age over .metadata.creationTimestamp when the version names none.
import type { KObject, TableColumn, TableDef } from '../registry/types.js';
import { nameColumn } from '../registry/tables/columns.js';
import { translateTimestampSince } from '../machinery/duration.js';
import { evaluate, parsePath } from './jsonpath.js';
import type { PrinterColumn } from './types.js';

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function cell(col: PrinterColumn, value: unknown, now: Date): unknown {
  switch (col.type) {
    case 'date':
      return typeof value === 'string' ? (Number.isNaN(Date.parse(value)) ? '<invalid>' : translateTimestampSince(value, now)) : null;
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

export function printerColumnsTable(columns: PrinterColumn[] | undefined): TableDef {
  const cols = columns?.length ? columns : [AGE];
  const paths = cols.map((c) => {
    try {
      return parsePath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  const defs: TableColumn[] = [
    nameColumn(),
    ...cols.map((c) => ({
      name: c.name,
      type: c.type as TableColumn['type'],
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: defs,
    cells: (obj: KObject, now: Date) => [
      obj.metadata?.name ?? '',
      ...cols.map((c, i) => {
        const path = paths[i];
        const found = path ? evaluate(path, obj) : [];
        if (!found.length || found[0] === undefined || found[0] === null) return null;
        return cell(c, found[0], now);
      }),
    ],
  };
}
