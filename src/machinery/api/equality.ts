// Semantic deep equality for JSON values (apiequality.Semantic.DeepEqual for what we store).
/** Loose JSON view: the values compared are user-supplied JSON of any shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;

/** Deep equality of JSON values; undefined members equal missing ones, as after a JSON round trip. */
export function deepEqual(a: J, b: J): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x: J, i: number) => deepEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

/**
 * A string two values share exactly when deepEqual holds between them (sorted keys, undefined members left out),
 * so that a list can be matched against another through a Set instead of comparing every pair.
 */
export function deepEqualKey(v: J): string {
  if (v === undefined) return 'u'; // not JSON: distinct from every JSON spelling, null included
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(deepEqualKey).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${deepEqualKey(v[k])}`).join(',')}}`;
}

/** True when any of the named top-level fields differs (what moves metadata.generation). */
export function specChanged(obj: J, old: J, fields: string[] = ['spec']): boolean {
  return fields.some((f) => !deepEqual(obj?.[f], old?.[f]));
}

/** structuredClone restricted to JSON. */
export const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/**
 * Replaces every frozen object or array inside `obj` (in place) by a mutable copy: a strategy that hands parts of the
 * stored object (the watch cache's, frozen) on to the new one leaves them frozen, and defaulting or canonicalizing
 * them in place would then throw.
 */
export function thawNested(obj: J): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || typeof v !== 'object') continue;
    if (Object.isFrozen(v)) obj[k] = clone(v);
    else thawNested(v);
  }
}
