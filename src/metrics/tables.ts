// Server-side Tables for PodMetrics and NodeMetrics, with metrics-server's columns: the name, the usage of each
// resource (a pod's containers summed), and the window. kubectl top prints its own columns; these serve `kubectl get`.
import type { TableDef } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { formatCpu, formatMemory, quantityValue } from './quantity.js';

type Usage = Record<string, string>;

const COLUMNS: TableDef['columns'] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource' },
  { name: 'cpu', type: 'string', format: 'quantity' },
  { name: 'memory', type: 'string', format: 'quantity' },
  { name: 'Window', type: 'string', format: 'duration' },
];

/** Sum of usage lists in canonical form (nanocore precision for cpu, bytes for memory). */
export function sumUsage(usages: Usage[]): { cpu: string; memory: string } {
  let nanocores = 0;
  let bytes = 0;
  for (const u of usages) {
    nanocores += Math.round((quantityValue(u.cpu ?? '0') || 0) * 1e9);
    bytes += Math.round(quantityValue(u.memory ?? '0') || 0);
  }
  return { cpu: formatCpu(nanocores), memory: formatMemory(bytes) };
}

export const podMetricsTable: TableDef = {
  columns: COLUMNS,
  cells(obj: KObject) {
    const containers = (obj.containers as { usage?: Usage }[] | undefined) ?? [];
    const total = sumUsage(containers.map((c) => c.usage ?? {}));
    return [obj.metadata.name, total.cpu, total.memory, obj.window ?? ''];
  },
};

export const nodeMetricsTable: TableDef = {
  columns: COLUMNS,
  cells(obj: KObject) {
    const usage = (obj.usage as Usage | undefined) ?? {};
    return [obj.metadata.name, usage.cpu ?? '', usage.memory ?? '', obj.window ?? ''];
  },
};
