// resource.Quantity: parsing, comparison and the canonical form Kubernetes serializes ("1000m" → "1", "0.5" → "500m").
// Values are held exactly as a count of nano-units (10^-9), the precision Kubernetes keeps, in a BigInt.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

export const QUANTITY_REGEX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL_SUFFIX).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const pow10 = (n: number) => 10n ** BigInt(n);
const abs = (v: bigint) => (v < 0n ? -v : v);

/** Parse a quantity string (or a JSON number, which Kubernetes also accepts); null when malformed. */
export function parseQuantity(input: string | number): Quantity | null {
  const s = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : String(input).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(s);
  if (!m) return null;
  const [, sign, intPart, fracPart = '', suffix] = m;
  if (intPart.length + fracPart.length === 0) return null;
  let e10 = 0;
  let e2 = 0;
  let format: QuantityFormat;
  // Own keys only: a suffix such as `constructor` is not a unit.
  if (Object.hasOwn(DECIMAL_SUFFIX, suffix)) {
    e10 = DECIMAL_SUFFIX[suffix];
    format = 'DecimalSI';
  } else if (Object.hasOwn(BINARY_SUFFIX, suffix)) {
    e2 = BINARY_SUFFIX[suffix];
    format = 'BinarySI';
  } else {
    const em = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!em) return null;
    e10 = Number(em[1]);
    if (Math.abs(e10) > 1000) return null; // Kubernetes rejects absurd exponents too
    format = 'DecimalExponent';
  }
  let n = BigInt(`${intPart}${fracPart}` || '0') * (1n << BigInt(e2));
  const scale = 9 + e10 - fracPart.length;
  if (scale >= 0) n *= pow10(scale);
  else {
    // More precise than nano: Kubernetes rounds up (away from zero).
    const d = pow10(-scale);
    n = n / d + (n % d === 0n ? 0n : 1n);
  }
  return { nanos: sign === '-' ? -n : n, format };
}

export const isValidQuantity = (s: unknown) => (typeof s === 'string' || typeof s === 'number') && parseQuantity(s) !== null;

/** The string Kubernetes writes back for a quantity. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  let format = q.format;
  const neg = q.nanos < 0n;
  if (format === 'BinarySI') {
    if (abs(q.nanos) < 1024n * pow10(9) || q.nanos % pow10(9) !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let v = abs(q.nanos) / pow10(9);
    let power = 0;
    while (power < 6 && v % 1024n === 0n) {
      v /= 1024n;
      power++;
    }
    return `${neg ? '-' : ''}${v}${BINARY_BY_POWER[power]}`;
  }
  let mantissa = abs(q.nanos);
  let exp = -9;
  while (mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalSI') {
    while (exp > 18) {
      mantissa *= 1000n;
      exp -= 3;
    }
    return `${neg ? '-' : ''}${mantissa}${DECIMAL_BY_EXP[exp]}`;
  }
  return `${neg ? '-' : ''}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
}

/** Canonical form of a quantity; throws on a malformed one. */
export function canonicalQuantity(input: string | number): string {
  const q = parseQuantity(input);
  if (!q) throw new Error(QUANTITY_REGEX_MESSAGE);
  return formatQuantity(q);
}

/** -1, 0, 1 like Quantity.Cmp; both must be valid. */
export function compareQuantity(a: string | number, b: string | number): number {
  const x = parseQuantity(a)?.nanos ?? 0n;
  const y = parseQuantity(b)?.nanos ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Canonicalize every valid value of a ResourceList in place (requests, limits, capacity...). */
export function canonicalizeResourceList(list: unknown): void {
  if (typeof list !== 'object' || list === null) return;
  const rl = list as Record<string, unknown>;
  for (const [k, v] of Object.entries(rl)) {
    if ((typeof v === 'string' || typeof v === 'number') && parseQuantity(v)) rl[k] = canonicalQuantity(v);
  }
}
