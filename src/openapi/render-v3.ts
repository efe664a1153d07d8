// OpenAPI 3.0 rendering of one group-version (the /openapi/v3/<gv> documents kubectl reads for
// server-side field validation support and for `kubectl explain`).
import { refName, type Definitions, type Schema } from './definitions.js';
import { PATCH_TYPES, tagOf, type Operation, type Param, type PathItem } from './operations.js';

const MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_MEDIA = [...MEDIA, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const SCHEMA_PREFIX = '#/components/schemas/';

/** v2 schema → v3: refs point at components, and a $ref with siblings becomes allOf [$ref] as upstream does. */
export function toV3Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV3Schema);
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === '$ref' && typeof v === 'string') continue;
    // `properties` maps field names to schemas; the field names themselves are not schema keywords.
    out[k] = k === 'properties' && v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, toV3Schema(pv)]))
      : k === 'enum' || k === 'required' || k.startsWith('x-kubernetes-') ? v : toV3Schema(v);
  }
  if (typeof o.$ref === 'string') {
    const r = { $ref: SCHEMA_PREFIX + refName(o.$ref) };
    if (Object.keys(out).length === 0) return r;
    return { allOf: [r], ...out };
  }
  return out;
}

/** Names of all definitions reachable from `roots` through $ref. */
export function closure(roots: Iterable<string>, defs: Definitions): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') stack.push(refName(x));
      else walk(x);
    }
  };
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || !defs[n]) continue;
    seen.add(n);
    walk(defs[n]);
  }
  return seen;
}

const schemaRef = (name: string) => ({ $ref: SCHEMA_PREFIX + name });

function param(p: Param): Record<string, unknown> {
  const out: Record<string, unknown> = { description: p.description, in: p.in, name: p.name, schema: { type: p.type, uniqueItems: true } };
  if (p.required) out.required = true;
  return out;
}

function operation(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { description: op.description, operationId: op.operationId };
  if (op.params.length) out.parameters = op.params.map(param);
  if (op.body) {
    const types = op.patch ? PATCH_TYPES : ['*/*'];
    out.requestBody = { content: Object.fromEntries(types.map((t) => [t, { schema: schemaRef(op.body!) }])), required: op.method !== 'delete' };
  }
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) {
    const description = code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK';
    responses[code] = def ? { content: Object.fromEntries((op.watchable ? WATCH_MEDIA : MEDIA).map((t) => [t, { schema: schemaRef(def) }])), description } : { description };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out.tags = op.gvk ? [tagOf(op.gvk.group, op.gvk.version)] : [];
  out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

/** One GV document: its paths, and every schema they reference (transitively) under components. */
export function renderV3(paths: PathItem[], defs: Definitions, version: string): Record<string, unknown> {
  const outPaths: Record<string, Record<string, unknown>> = {};
  const roots = new Set<string>();
  for (const p of paths) {
    const item: Record<string, unknown> = outPaths[p.path] ?? {};
    for (const op of p.ops) {
      item[op.method] = operation(op);
      if (op.body) roots.add(op.body);
      for (const d of Object.values(op.responses)) if (d) roots.add(d);
    }
    if (p.params.length) item.parameters = p.params.map(param);
    outPaths[p.path] = item;
  }
  const schemas: Record<string, unknown> = {};
  for (const n of [...closure(roots, defs)].sort()) schemas[n] = toV3Schema(defs[n] as Schema);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: outPaths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
  };
}
