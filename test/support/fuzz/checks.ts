// What every fuzzed response must be: never a 5xx or a dropped connection; a refusal of a poison request; every
// error a metav1.Status in JSON; and nothing that was stored under a prototype-named key at a struct level.
import type { Outcome } from './client.js';
import type { FuzzRequest } from './requests.js';
import { PROTO_KEYS } from './values.js';

const PROTO = new Set<string>(PROTO_KEYS);
const own = (o: unknown): string[] => (o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : []);

/** Prototype-named members where only schema fields may be: the top level, metadata, spec, status. */
function protoKeysIn(o: unknown): string[] {
  const found: string[] = [];
  const at = (path: string, v: unknown) => {
    for (const k of own(v)) if (PROTO.has(k)) found.push(`${path}${k}`);
  };
  at('', o);
  for (const part of ['metadata', 'spec', 'status']) at(`${part}.`, (o as Record<string, unknown> | null)?.[part]);
  return found;
}

/**
 * The one 5xx Kubernetes answers on purpose: a read at a resourceVersion the store has not reached yet is
 * 504 Timeout "Too large resource version" (clients retry it).
 */
function tooLargeResourceVersion(req: FuzzRequest, o: Outcome): boolean {
  if (o.status !== 504 || !/[?&]resourceVersion=/.test(req.path)) return false;
  if (req.method === 'HEAD') return true;
  const text = o.body.toString('utf8');
  return text.includes('"reason":"Timeout"') && text.includes('Too large resource version');
}

/**
 * The proxy subresources' 503 ServiceUnavailable, also on purpose: their backend (a pod, a service's endpoints, a
 * node) cannot be reached, or a service has no endpoint for the port (the apiserver's ResourceLocation and proxy).
 */
function unreachableBackend(req: FuzzRequest, o: Outcome): boolean {
  if (o.status !== 503 || !/\/proxy(\/|\?|$)/.test(req.path)) return false;
  return req.method === 'HEAD' || o.body.toString('utf8').includes('"reason":"ServiceUnavailable"');
}

/**
 * Server-side apply of a field the kind's schema does not declare: kube-apiserver's field manager fails the typed
 * conversion with a plain error (`failed to create typed patch object (...): .x: field not declared in schema`), which
 * it answers as a 500 Status without a reason; dockube answers the same.
 */
function applyTypedConversion(req: FuzzRequest, o: Outcome): boolean {
  if (o.status !== 500 || req.headers['Content-Type'] !== 'application/apply-patch+yaml') return false;
  return /"message":"failed to create typed patch object \(/.test(o.body.toString('utf8'));
}

export function checkOutcome(req: FuzzRequest, o: Outcome): string | undefined {
  if (o.error) return `no HTTP response: ${o.error}`;
  if (o.status >= 500 && !tooLargeResourceVersion(req, o) && !unreachableBackend(req, o) && !applyTypedConversion(req, o))
    return `answered ${o.status}`;
  if (req.poison && o.status < 400) return `a request that must be refused was answered ${o.status}`;
  if (o.status >= 400) {
    if (req.method === 'HEAD') return undefined;
    if (!o.contentType.startsWith('application/json')) return `error ${o.status} with a ${o.contentType || 'untyped'} body`;
    let s: Record<string, unknown>;
    try {
      s = JSON.parse(o.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return `error ${o.status} whose body is not JSON`;
    }
    if (
      s.kind !== 'Status' ||
      s.apiVersion !== 'v1' ||
      s.status !== 'Failure' ||
      s.code !== o.status ||
      typeof s.message !== 'string' ||
      typeof s.metadata !== 'object'
    ) {
      return `error ${o.status} whose body is not a metav1.Status`;
    }
    return undefined;
  }
  if (o.complete && o.contentType.startsWith('application/json') && o.body.length) {
    let v: unknown;
    try {
      v = JSON.parse(o.body.toString('utf8'));
    } catch {
      return undefined;
    } // a watch stream: one document per line
    const items = Array.isArray((v as { items?: unknown }).items) ? (v as { items: unknown[] }).items : [v];
    const found = items.flatMap(protoKeysIn);
    if (found.length) return `answered ${o.status} with prototype-named fields: ${found.join(', ')}`;
  }
  return undefined;
}
