// Shared column definitions and cell helpers for the server-side printers (kube-apiserver's
// pkg/printers/internalversion). The apiserver always prints "wide": kubectl hides priority-1 columns.
import type { KObject, TableColumn } from '../types.js';
import { translateTimestampSince } from '../../machinery/duration.js';

export const NAME_DESCRIPTION = 'Name is unique within a namespace; it identifies the object and cannot be updated.';
export const AGE_DESCRIPTION = 'CreationTimestamp: the server time at which this object was created, in RFC 3339 form (UTC).';

/** The first column of nearly every printer. */
export const nameColumn = (): TableColumn => ({ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 });
export const ageColumn = (): TableColumn => ({ name: 'Age', type: 'string', format: '', description: AGE_DESCRIPTION, priority: 0 });
/** A column with Kubernetes' defaults (no format, priority 0 unless wide). */
export const column = (name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn => ({
  name,
  type,
  format: '',
  description,
  priority,
});

/** Columns shared by workload controllers in -o wide. */
export const containersColumn = () => column('Containers', 'string', 'Names of the containers in the pod template.', 1);
export const imagesColumn = () => column('Images', 'string', 'Images used by the containers in the pod template.', 1);

/** A nested value by path, without type ceremony (objects are stored as JSON). */
export function get(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown, dflt = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);
export const arr = <T = Record<string, unknown>>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export const nameOf = (obj: KObject): string => obj.metadata?.name ?? '';
export const ageOf = (obj: KObject, now: Date): string => translateTimestampSince(obj.metadata?.creationTimestamp, now);

/** layoutContainerCells: names and images, each comma-joined. */
export function containerCells(containers: unknown): [string, string] {
  const cs = arr(containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** `a,b,c + 2 more...` for lists cut at three entries; `<unset>` when empty (listWithMoreString). */
export function listWithMore(list: string[], total: number, max = 3): string {
  const shown = list.slice(0, max).join(',');
  if (total > max) return `${shown} + ${total - max} more...`;
  return shown === '' ? '<unset>' : shown;
}
