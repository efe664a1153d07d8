// Metadata values the server owns: generated names, uids, timestamps.
import { randomUUID } from 'node:crypto';

const ALPHANUM = 'bcdfghjklmnpqrstvwxz2456789'; // Kubernetes' generateName alphabet (no vowels, no confusables)

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUM[Math.floor(Math.random() * ALPHANUM.length)];
  return s;
}

/** RFC3339 with second precision, as metav1.Time serializes. */
export const nowTimestamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const newUid = () => randomUUID();
