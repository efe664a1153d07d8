// fast-json-patch reads and writes members with `obj[key]`, so a member named after something every object
// inherits (`constructor`, `toString`, `__proto__`...) is either found where there is none or refused outright.
// Around a JSON patch such names are swapped for a sentinel no request can spell (it holds a fresh random nonce),
// in the document, the operations' paths and their values, and swapped back in the result.
import { randomBytes } from 'node:crypto';
import type { Operation } from 'fast-json-patch';
import { setOwn } from '../own-keys.js';

/** Names every plain object inherits. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

export interface KeyGuard {
  /** A deep copy of a document or value with inherited names replaced. */
  hide(v: unknown): unknown;
  /** The operations with inherited names in `path`, `from` and `value` replaced. */
  hideOps(ops: Operation[]): Operation[];
  /** The names restored (deep, in place where possible). */
  reveal(v: unknown): unknown;
}

export function keyGuard(): KeyGuard {
  const prefix = `\u0000${randomBytes(8).toString('hex')}\u0000`;
  const rename = (v: unknown, map: (k: string) => string): unknown => {
    if (Array.isArray(v)) return v.map((x) => rename(x, map));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, map(k), rename(x, map));
    return out;
  };
  const hideKey = (k: string) => (INHERITED.has(k) ? prefix + k : k);
  const revealKey = (k: string) => (k.startsWith(prefix) ? k.slice(prefix.length) : k);
  // JSON pointer segments are compared unescaped (~1 is '/', ~0 is '~'); the sentinel needs no escaping.
  const hidePointer = (p: unknown) =>
    typeof p === 'string'
      ? p
          .split('/')
          .map((s) => (INHERITED.has(s.replace(/~1/g, '/').replace(/~0/g, '~')) ? prefix + s : s))
          .join('/')
      : p;
  return {
    hide: (v) => rename(v, hideKey),
    reveal: (v) => rename(v, revealKey),
    hideOps: (ops) =>
      ops.map((op) => {
        const o = { ...op } as Record<string, unknown>;
        if ('path' in o) o.path = hidePointer(o.path);
        if ('from' in o) o.from = hidePointer(o.from);
        if ('value' in o) o.value = rename(o.value, hideKey);
        return o as unknown as Operation;
      }),
  };
}
