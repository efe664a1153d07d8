// CEL's heterogeneous equality over the values cel-js evaluates to: numbers compare across int, uint and double,
// lists element by element, maps by keys and values; a library's own values by class and printed form.
const isNumeric = (v: unknown): v is bigint | number | { valueOf(): bigint } =>
  typeof v === 'bigint' || typeof v === 'number' || (typeof v === 'object' && v?.constructor?.name === 'UnsignedInt');

const entriesOf = (v: object): [unknown, unknown][] => (v instanceof Map ? [...v.entries()] : Object.entries(v));

export function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) {
    const [x, y] = [a.valueOf(), b.valueOf()];
    return typeof x === 'bigint' && typeof y === 'bigint' ? x === y : Number(x) === Number(y);
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => celEqual(x, b[i]));
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const plain = (v: object) => v instanceof Map || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;
  if (plain(a) && plain(b)) {
    const ea = entriesOf(a);
    const eb = entriesOf(b);
    return ea.length === eb.length && ea.every(([k, v]) => eb.some(([k2, v2]) => celEqual(k, k2) && celEqual(v, v2)));
  }
  return a.constructor === b.constructor && String(a) === String(b);
}
