// metadata.managedFields: decoding the entries into field sets keyed by manager identity, and encoding
// them back, sorted as the apiserver sorts them (internal/managedfields.go).
import type { ManagedFieldsEntry } from '../api/meta.js';
import { FieldSet, fromFieldsV1, toFieldsV1, type Path } from './field-set.js';
import { compareStrings } from '../compare.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerSet {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/**
 * A manager's identity: name, operation and subresource, plus the apiVersion for updaters
 * (BuildManagerIdentifier leaves the time out, and the version out for appliers).
 */
export function managerId(m: { manager: string; operation: string; apiVersion?: string; subresource?: string }): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : (m.apiVersion ?? ''), m.subresource ?? '']);
}

export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Map<string, ManagerSet> {
  const out = new Map<string, ManagerSet>();
  for (const e of Array.isArray(entries) ? entries : []) {
    if (!e || typeof e !== 'object') continue;
    const m: ManagerSet = {
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      set: fromFieldsV1(e.fieldsV1),
    };
    if (e.time) m.time = e.time;
    if (e.subresource) m.subresource = e.subresource;
    const id = managerId(m);
    const prev = out.get(id);
    out.set(id, prev ? { ...m, set: prev.set.union(m.set) } : m);
  }
  return out;
}

/** Paths the server owns, never recorded (stripmeta.go), plus any given top-level fields (reset fields). */
const STRIPPED: Path[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => ['f:metadata', `f:${f}`],
  ),
];

export function ignoredPath(path: Path, resetTopLevel: string[]): boolean {
  if (resetTopLevel.some((f) => path[0] === `f:${f}`)) return true;
  if (path[0] === 'f:metadata' && path[1] === 'f:managedFields') return true;
  return STRIPPED.some((s) => s.length === path.length && s.every((pe, i) => pe === path[i]));
}

export function withoutIgnored(set: FieldSet, resetTopLevel: string[]): FieldSet {
  return FieldSet.of(set.list().filter((p) => !ignoredPath(p, resetTopLevel)));
}

const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

/** Entries with empty sets are dropped; the rest sorted by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Iterable<ManagerSet>): ManagedFieldsEntry[] {
  const list = [...managers].filter((m) => !m.set.empty());
  list.sort(
    (p, q) =>
      compareStrings(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareStrings(p.manager, q.manager) ||
      compareStrings(p.apiVersion, q.apiVersion) ||
      compareStrings(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = toFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/** RFC3339 with second precision, as metav1.Time serializes. */
export const timestamp = (now: string | Date) => (typeof now === 'string' ? now : now.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/**
 * The manager of a write without `fieldManager`: the User-Agent up to its first `/`
 * (prefixFromUserAgent), cut to 128 characters; "unknown" when there is none.
 */
export function managerFromUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0].slice(0, 128);
  return prefix || 'unknown';
}
