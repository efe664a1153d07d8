// Swagger 2.0 rendering of the operations (the /openapi/v2 document).
import type { Definitions } from './definitions.js';
import { PATCH_TYPES, tagOf, type Operation, type Param, type PathItem } from './operations.js';

const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_PRODUCES = [...PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

function param(p: Param): Record<string, unknown> {
  const out: Record<string, unknown> = { description: p.description, in: p.in, name: p.name, type: p.type, uniqueItems: true };
  if (p.required) out.required = true;
  return out;
}

function operation(op: Operation): Record<string, unknown> {
  const params = op.params.map(param);
  if (op.body) params.unshift({ in: 'body', name: 'body', required: !op.patch ? op.method !== 'delete' : true, schema: ref(op.body) });
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) {
    responses[code] = def ? { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', schema: ref(def) } : { description: 'OK' };
  }
  responses['401'] = { description: 'Unauthorized' };
  const out: Record<string, unknown> = {
    consumes: op.patch ? PATCH_TYPES : ['*/*'],
    description: op.description,
    operationId: op.operationId,
    parameters: params,
    produces: op.watchable ? WATCH_PRODUCES : PRODUCES,
    responses,
    schemes: ['https'],
    tags: op.gvk ? [tagOf(op.gvk.group, op.gvk.version)] : [],
    'x-kubernetes-action': op.action,
  };
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

export function renderV2(paths: PathItem[], definitions: Definitions, version: string): Record<string, unknown> {
  const outPaths: Record<string, Record<string, unknown>> = {};
  for (const p of paths) {
    const item: Record<string, unknown> = outPaths[p.path] ?? {};
    for (const op of p.ops) item[op.method] = operation(op);
    if (p.params.length) item.parameters = p.params.map(param);
    outPaths[p.path] = item;
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: outPaths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}
