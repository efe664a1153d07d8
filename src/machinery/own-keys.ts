// Object keys are data: a request may name a field, label or map entry `constructor`, `toString` or `__proto__`.
// Plain objects used as maps must therefore be read through own properties only (never the prototype chain), and
// written so that `__proto__` becomes an ordinary member instead of replacing the object's prototype.

/** `obj[key]` when `obj` has it as its own property; undefined otherwise (inherited members are not data). */
export function ownValue<T = unknown>(obj: unknown, key: string): T | undefined {
  return typeof obj === 'object' && obj !== null && Object.hasOwn(obj, key) ? (obj as Record<string, T>)[key] : undefined;
}

/** Sets `obj[key] = value` as an own, enumerable data member, `__proto__` included. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
