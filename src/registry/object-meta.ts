// Metadata the server owns: names, uids, timestamps, generation.
import { randomUUID } from 'node:crypto';
import type { KObject } from './types.js';

const ALPHANUM = 'bcdfghjklmnpqrstvwxz2456789'; // Kubernetes' generateName alphabet (no vowels, no confusables)

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUM[Math.floor(Math.random() * ALPHANUM.length)];
  return s;
}

/** RFC3339 with second precision, as metav1.Time serializes. */
export const nowTimestamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const newUid = () => randomUUID();

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined), bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

export const clone = <T>(v: T): T => structuredClone(v);

/** Whether any of the given top-level fields differ (drives metadata.generation). */
export function fieldsChanged(a: KObject, b: KObject, fields: string[]): boolean {
  return fields.some((f) => !deepEqual(a[f], b[f]));
}
