// Values for fuzzed bodies: objects of each kind with their shape bent (types flipped, prototype-named keys,
// unknown fields, deep nesting, duplicate keys, numbers JSON.stringify cannot write), and a JSON writer for them.
import type { Prng } from './prng.js';

/** Keys that name Object.prototype members (or reach it): they must be data everywhere, never lookups. */
export const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
  '__defineSetter__',
] as const;

/** JSON text written as is (1e400, -0, 99999999999999999999, a deep nest). */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object whose members may repeat a key, written in order. */
export class Dup {
  constructor(readonly entries: [string, unknown][]) {}
}

export type Value = unknown;

/** JSON text for a value built here: Raw and Dup written as they are, own keys only (a `__proto__` key included). */
export function toJson(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Dup) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** An object with own keys only (safe for `__proto__`). */
export function obj(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

export function deepJson(depth: number, kind: 'array' | 'object'): Raw {
  return new Raw(kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

const WEIRD_STRINGS = [
  '',
  ' ',
  'a b',
  'UPPER',
  '-lead',
  'trail-',
  'ü',
  '\u0000',
  '\u202e',
  '💥',
  '../../etc',
  '%zz',
  '<script>',
  'a'.repeat(300),
  '"',
  '\\',
  'null',
  'true',
  '0',
];
const RAW_NUMBERS = ['1e400', '-0', '99999999999999999999', '1.5', '-1', '0.0000001', '9223372036854775808', '1E2', '-9223372036854775809'];

export function scalar(r: Prng): Value {
  return r.weighted<() => Value>([
    [3, () => r.pick(WEIRD_STRINGS)],
    [2, () => r.string(r.range(1, 12))],
    [2, () => r.range(-5, 100)],
    [1, () => new Raw(r.pick(RAW_NUMBERS))],
    [1, () => r.chance(0.5)],
    [1, () => null],
    [1, () => 'x'.repeat(r.range(1000, 50_000))],
  ])();
}

export function anyValue(r: Prng, depth = 0): Value {
  if (depth > 3 || r.chance(0.5)) return scalar(r);
  if (r.chance(0.4)) return Array.from({ length: r.range(0, 4) }, () => anyValue(r, depth + 1));
  return obj(Array.from({ length: r.range(0, 4) }, () => [key(r), anyValue(r, depth + 1)] as [string, unknown]));
}

export function key(r: Prng): string {
  return r.weighted<() => string>([
    [3, () => r.pick(PROTO_KEYS)],
    [3, () => r.string(r.range(1, 8))],
    [1, () => r.pick(WEIRD_STRINGS)],
  ])();
}

/** A well-formed object of the kind, named `name` (the fuzzer bends it afterwards). */
export function baseObject(kind: string, apiVersion: string, name: string, namespace?: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name, labels: { fz: 'yes' } };
  if (namespace) metadata.namespace = namespace;
  const o: Record<string, unknown> = { apiVersion, kind, metadata };
  const container = { name: 'c', image: 'dockube/busybox:test' };
  switch (kind) {
    case 'ConfigMap':
      o.data = { k: 'v' };
      break;
    case 'Secret':
      o.data = { k: 'dg==' };
      o.type = 'Opaque';
      break;
    case 'Pod':
      o.spec = { containers: [container] };
      break;
    case 'Deployment':
    case 'ReplicaSet':
      o.spec = {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [container] } },
      };
      break;
    case 'Service':
      o.spec = { ports: [{ port: 80 }], selector: { app: name } };
      break;
    case 'Lease':
      o.spec = { holderIdentity: 'h', leaseDurationSeconds: 10 };
      break;
    case 'PersistentVolumeClaim':
      o.spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } };
      break;
    case 'Event':
      o.involvedObject = { kind: 'Pod', name: 'x', namespace };
      o.reason = 'R';
      o.message = 'm';
      break;
    case 'Binding':
      o.target = { kind: 'Node', name: 'fz-node' };
      break;
    case 'Eviction':
      o.apiVersion = 'policy/v1';
      break;
    case 'TokenRequest':
      o.apiVersion = 'authentication.k8s.io/v1';
      o.spec = { audiences: ['a'] };
      break;
    case 'Scale':
      o.apiVersion = 'autoscaling/v1';
      o.spec = { replicas: 2 };
      break;
    case 'SelfSubjectAccessReview':
      o.spec = { resourceAttributes: { verb: 'get', resource: 'pods' } };
      break;
    default:
      break;
  }
  return o;
}

/** Every object node of a value, with a setter for each of its members. */
function objectNodes(v: Value, out: Record<string, unknown>[] = [], depth = 0): Record<string, unknown>[] {
  if (depth > 8 || v === null || typeof v !== 'object' || v instanceof Raw || v instanceof Dup) return out;
  if (Array.isArray(v)) {
    for (const x of v) objectNodes(x, out, depth + 1);
    return out;
  }
  out.push(v as Record<string, unknown>);
  for (const k of Object.keys(v)) objectNodes((v as Record<string, unknown>)[k], out, depth + 1);
  return out;
}

/** Bends an object 1-3 ways: a member's type flipped, a prototype-named or unknown key, a deep nest, a duplicate key. */
export function mutate(r: Prng, v: Record<string, unknown>): Value {
  let out: Value = v;
  for (let i = r.range(1, 3); i > 0; i--) {
    const nodes = objectNodes(out);
    if (!nodes.length) break;
    const node = r.pick(nodes);
    const keys = Object.keys(node);
    r.weighted<() => void>([
      [
        4,
        () => {
          if (keys.length) node[r.pick(keys)] = anyValue(r);
        },
      ],
      [
        4,
        () => {
          Object.defineProperty(node, r.pick(PROTO_KEYS), { value: anyValue(r), enumerable: true, writable: true, configurable: true });
        },
      ],
      [
        2,
        () => {
          node[key(r)] = anyValue(r);
        },
      ],
      [
        1,
        () => {
          if (keys.length) delete node[r.pick(keys)];
        },
      ],
      [
        1,
        () => {
          node[r.pick(keys.length ? keys : ['x'])] = deepJson(r.range(100, 20_000), r.chance(0.5) ? 'array' : 'object');
        },
      ],
      [
        1,
        () => {
          if (node === out && keys.length)
            out = new Dup([...keys.map((k) => [k, node[k]] as [string, unknown]), [r.pick(keys), anyValue(r)]]);
        },
      ],
    ])();
  }
  return out;
}
