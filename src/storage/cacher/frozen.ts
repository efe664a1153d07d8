// Objects the watch cache hands out are shared by every reader, so they are deeply frozen: a caller that mutates one
// gets a TypeError (ES modules run in strict mode) instead of silently changing what everybody else reads.

/** A deep, frozen copy of a JSON value (undefined members dropped and array holes as null, as JSON would). */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : frozenCopy(value[i]);
    return Object.freeze(out) as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function') continue;
    // `__proto__` from JSON is an own member, never the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: frozenCopy(v), enumerable: true, writable: true, configurable: true });
    else out[k] = frozenCopy(v);
  }
  return Object.freeze(out) as T;
}

/** Freezes a value in place, deeply; frozen subtrees (already shared) are not walked again. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}
