// quota/v1's ResourceList arithmetic (Add, Subtract, Mask, LessThanOrEqual, IsZero) over quantity strings, exact in
// nano-units, and prettyPrint as the apiserver formats a list in its refusals.
import { formatQuantity, parseQuantity, type Quantity } from '../../machinery/api/quantity.js';
import { compareStrings } from '../../machinery/compare.js';

export type ResourceList = Record<string, string>;

const q = (v: string | undefined): Quantity => parseQuantity(v ?? '0') ?? { nanos: 0n, format: 'DecimalSI' };

/** a + b, key by key; a key in one list only keeps its value. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in out)) out[k] = v;
    else {
      const x = q(out[k]);
      const y = q(v);
      // Quantity.Add: a zero takes the other's format (0 + 512Mi is 512Mi, not 536870912).
      out[k] = formatQuantity({ nanos: x.nanos + y.nanos, format: x.nanos === 0n ? y.format : x.format });
    }
  }
  return out;
}

/** a - b, never below zero (SubtractWithNonNegativeResult). */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) {
    const x = q(v);
    const d = x.nanos - (k in b ? q(b[k]).nanos : 0n);
    out[k] = formatQuantity({ nanos: d < 0n ? 0n : d, format: x.format });
  }
  return out;
}

/** Only the keys in `names`. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (n in list) out[n] = list[n]!;
  return out;
}

export const removeZeros = (list: ResourceList): ResourceList =>
  Object.fromEntries(Object.entries(list).filter(([, v]) => q(v).nanos !== 0n));

export const isNegative = (list: ResourceList): string[] =>
  Object.entries(list)
    .filter(([, v]) => q(v).nanos < 0n)
    .map(([k]) => k);

/** Whether every value of a is at most b's (keys missing from b are unbounded), and the keys that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { allowed: boolean; exceeded: string[] } {
  const exceeded = Object.keys(a).filter((k) => k in b && q(a[k]).nanos > q(b[k]).nanos);
  return { allowed: exceeded.length === 0, exceeded };
}

/** `k=v,k=v` sorted by name (Go's sort.Strings order), each value in its canonical form. */
export function prettyPrint(list: ResourceList): string {
  return Object.keys(list)
    .sort(compareStrings)
    .map((k) => `${k}=${formatQuantity(q(list[k]))}`)
    .join(',');
}

export const prettyPrintNames = (names: string[]): string => [...names].sort(compareStrings).join(',');

export const zero = (): string => '0';

/** One quantity formatted canonically (or "0" when unset), for tables and describe. */
export const canonical = (v: string | undefined): string => formatQuantity(q(v));

/** Quantity comparison as big integers of nano-units. */
export const nanosOf = (v: string | undefined): bigint => q(v).nanos;
