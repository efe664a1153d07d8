// A watch event's line, serialized once for all the watches that receive the same event (as Kubernetes' cacher
// does with its cachingObject): 200 watches of a 900 kB object then share one string, instead of each building,
// and for slow readers buffering, a copy of its own.
import type { KObject } from '../machinery/api/meta.js';

/** Only the latest event's line is kept: the store hands one event to every watch before the next one. */
let latest: { key: string; line: string } | undefined;

/** `{"type":…,"object":…}` and a newline. An object is identified by kind, uid and resourceVersion (one write). */
export function watchEventLine(type: string, obj: KObject): string {
  const m = obj.metadata;
  const key = m?.uid && m.resourceVersion ? `${type} ${obj.apiVersion} ${obj.kind} ${m.uid} ${m.resourceVersion}` : undefined;
  if (key !== undefined && latest?.key === key) return latest.line;
  const line = JSON.stringify({ type, object: obj }) + '\n';
  if (key !== undefined) latest = { key, line };
  return line;
}
