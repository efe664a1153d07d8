// Kubernetes' own CEL libraries (k8s.io/apiserver/pkg/cel/library) and cel-go extensions that cel-js lacks, as
// Kubernetes' base environment offers them to every CEL use (admission policies, webhook matchConditions, CRD
// validation rules): quantity, lists (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find, findAll), the
// strings extension's charAt, replace and reverse here; URL, IP, CIDR, format, sets and the strings extension's
// format and quote, the two-variable comprehensions, optional types' ofNonZeroValue/optMap/optFlatMap and semver in
// ./library/.
import type { Environment } from '@marcbachmann/cel-js';
import { formatQuantity, parseQuantity, QUANTITY_REGEX_MESSAGE, type Quantity } from '../../machinery/api/quantity.js';
import { registerCIDRLibrary } from './library/cidr.js';
import { registerComprehensions } from './library/comprehensions.js';
import { registerFormatLibrary } from './library/format.js';
import { registerIPLibrary } from './library/ip.js';
import { registerNetTypeNames } from './library/net-types.js';
import { registerOptionals } from './library/optionals.js';
import { registerFunctions, type CelFunction } from './library/register.js';
import { registerSemverLibrary } from './library/semver.js';
import { registerSetsLibrary } from './library/sets.js';
import { registerStringsLibrary } from './library/strings.js';
import { registerURLLibrary } from './library/url.js';

const QUANTITY = 'kubernetes.Quantity';

/** A resource.Quantity as a CEL value. */
export class CelQuantity {
  static readonly celTypeName = QUANTITY;
  constructor(readonly q: Quantity) {}
  toString(): string {
    return formatQuantity(this.q);
  }
}

const NANO = 1_000_000_000n;

function quantity(s: string): CelQuantity {
  const q = parseQuantity(s);
  if (!q) throw new Error(QUANTITY_REGEX_MESSAGE);
  return new CelQuantity(q);
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1n : a > b ? 1n : 0n);
const plus = (a: CelQuantity, nanos: bigint) => new CelQuantity({ nanos: a.q.nanos + nanos, format: a.q.format });

type Fn = CelFunction;

const QUANTITY_FUNCTIONS: Fn[] = [
  { name: 'quantity', returnType: QUANTITY, params: ['string'], handler: (s: string) => quantity(s) },
  { name: 'isQuantity', returnType: 'bool', params: ['string'], handler: (s: string) => parseQuantity(s) !== null },
  { name: 'sign', receiverType: QUANTITY, returnType: 'int', params: [], handler: (q: CelQuantity) => cmp(q.q.nanos, 0n) },
  { name: 'isInteger', receiverType: QUANTITY, returnType: 'bool', params: [], handler: (q: CelQuantity) => q.q.nanos % NANO === 0n },
  {
    name: 'asInteger',
    receiverType: QUANTITY,
    returnType: 'int',
    params: [],
    handler: (q: CelQuantity) => {
      if (q.q.nanos % NANO !== 0n) throw new Error('cannot convert value to integer');
      return q.q.nanos / NANO;
    },
  },
  {
    name: 'asApproximateFloat',
    receiverType: QUANTITY,
    returnType: 'double',
    params: [],
    handler: (q: CelQuantity) => Number(q.q.nanos) / 1e9,
  },
  {
    name: 'add',
    receiverType: QUANTITY,
    returnType: QUANTITY,
    params: [QUANTITY],
    handler: (a: CelQuantity, b: CelQuantity) => plus(a, b.q.nanos),
  },
  { name: 'add', receiverType: QUANTITY, returnType: QUANTITY, params: ['int'], handler: (a: CelQuantity, n: bigint) => plus(a, n * NANO) },
  {
    name: 'sub',
    receiverType: QUANTITY,
    returnType: QUANTITY,
    params: [QUANTITY],
    handler: (a: CelQuantity, b: CelQuantity) => plus(a, -b.q.nanos),
  },
  {
    name: 'sub',
    receiverType: QUANTITY,
    returnType: QUANTITY,
    params: ['int'],
    handler: (a: CelQuantity, n: bigint) => plus(a, -n * NANO),
  },
  {
    name: 'isLessThan',
    receiverType: QUANTITY,
    returnType: 'bool',
    params: [QUANTITY],
    handler: (a: CelQuantity, b: CelQuantity) => a.q.nanos < b.q.nanos,
  },
  {
    name: 'isGreaterThan',
    receiverType: QUANTITY,
    returnType: 'bool',
    params: [QUANTITY],
    handler: (a: CelQuantity, b: CelQuantity) => a.q.nanos > b.q.nanos,
  },
  {
    name: 'compareTo',
    receiverType: QUANTITY,
    returnType: 'int',
    params: [QUANTITY],
    handler: (a: CelQuantity, b: CelQuantity) => cmp(a.q.nanos, b.q.nanos),
  },
];

/** CEL's ordering of two comparable values (ints, doubles, strings, bools). */
function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean'))
    return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  throw new Error('no such overload');
}

const extreme = (name: string, sign: number) => (l: unknown[]) => {
  if (l.length === 0) throw new Error(`${name} called on empty list`);
  return l.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
};

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && JSON.stringify(a, bigintJson) === JSON.stringify(b, bigintJson));
const bigintJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

const LIST_FUNCTIONS: Fn[] = [
  {
    name: 'isSorted',
    receiverType: 'list',
    returnType: 'bool',
    params: [],
    handler: (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0),
  },
  {
    name: 'sum',
    receiverType: 'list',
    returnType: 'dyn',
    params: [],
    handler: (l: unknown[]) =>
      l.length && typeof l[0] === 'number'
        ? l.reduce((s: number, x) => s + Number(x), 0)
        : l.reduce((s: bigint, x) => s + (x as bigint), 0n),
  },
  { name: 'min', receiverType: 'list', returnType: 'dyn', params: [], handler: extreme('min', -1) },
  { name: 'max', receiverType: 'list', returnType: 'dyn', params: [], handler: extreme('max', 1) },
  {
    name: 'indexOf',
    receiverType: 'list',
    returnType: 'int',
    params: ['dyn'],
    handler: (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => same(x, v))),
  },
  {
    name: 'lastIndexOf',
    receiverType: 'list',
    returnType: 'int',
    params: ['dyn'],
    handler: (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (same(l[i], v)) return BigInt(i);
      return -1n;
    },
  },
];

const regexes = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = regexes.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'gu');
    if (regexes.size > 1000) regexes.clear();
    regexes.set(pattern, r);
  }
  r.lastIndex = 0;
  return r;
}

const STRING_FUNCTIONS: Fn[] = [
  {
    name: 'find',
    receiverType: 'string',
    returnType: 'string',
    params: ['string'],
    handler: (s: string, p: string) => regex(p).exec(s)?.[0] ?? '',
  },
  {
    name: 'findAll',
    receiverType: 'string',
    returnType: 'list<string>',
    params: ['string'],
    handler: (s: string, p: string) => [...s.matchAll(regex(p))].map((m) => m[0]),
  },
  {
    name: 'findAll',
    receiverType: 'string',
    returnType: 'list<string>',
    params: ['string', 'int'],
    handler: (s: string, p: string, n: bigint) => {
      const all = [...s.matchAll(regex(p))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    },
  },
  {
    name: 'charAt',
    receiverType: 'string',
    returnType: 'string',
    params: ['int'],
    handler: (s: string, i: bigint) => {
      const chars = [...s];
      if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
      return chars[Number(i)] ?? '';
    },
  },
  {
    name: 'replace',
    receiverType: 'string',
    returnType: 'string',
    params: ['string', 'string'],
    handler: (s: string, a: string, b: string) => s.split(a).join(b),
  },
  {
    name: 'replace',
    receiverType: 'string',
    returnType: 'string',
    params: ['string', 'string', 'int'],
    handler: (s: string, a: string, b: string, n: bigint) => {
      if (n < 0n) return s.split(a).join(b);
      let out = s;
      let from = 0;
      for (let k = 0n; k < n; k++) {
        const at = out.indexOf(a, from);
        if (at < 0) break;
        out = out.slice(0, at) + b + out.slice(at + a.length);
        from = at + b.length + (a === '' ? 1 : 0);
      }
      return out;
    },
  },
  { name: 'reverse', receiverType: 'string', returnType: 'string', params: [], handler: (s: string) => [...s].reverse().join('') },
];

/** Registers the libraries on a CEL environment (admission's, CRD validation's). */
export function registerKubernetesLibraries(env: Environment): Environment {
  env.registerType(QUANTITY, CelQuantity);
  registerFunctions(env, [...QUANTITY_FUNCTIONS, ...LIST_FUNCTIONS, ...STRING_FUNCTIONS]);
  // Quantities are equal by value (`quantity("0.2G") == quantity("200M")`), as resource.Quantity's Equal.
  env.registerOperator(`${QUANTITY} == ${QUANTITY}`, (a: CelQuantity, b: CelQuantity) => a.q.nanos === b.q.nanos);
  registerURLLibrary(env);
  registerIPLibrary(env);
  registerCIDRLibrary(env);
  registerNetTypeNames(env);
  registerFormatLibrary(env);
  registerSetsLibrary(env);
  registerStringsLibrary(env);
  registerComprehensions(env);
  registerSemverLibrary(env);
  registerOptionals(env);
  return env;
}
