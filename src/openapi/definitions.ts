// The generated OpenAPI definitions (openapi/definitions.json), loaded once on first use so that
// importing this module costs nothing at server start.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An OpenAPI (Swagger 2.0 style) schema as the generator writes it. */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  $ref?: string;
  allOf?: Schema[];
  'x-kubernetes-group-version-kind'?: GVK[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [ext: string]: unknown;
}
export interface GVK { group: string; version: string; kind: string }
export type Definitions = Record<string, Schema>;

const REF_PREFIX = '#/definitions/';
export const refName = (ref: string) => (ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref.slice(ref.lastIndexOf('/') + 1));

/** openapi/definitions.json, found by walking up from this module (src/openapi or dist/src/openapi). */
export function definitionsFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const f = join(dir, 'openapi', 'definitions.json');
    if (existsSync(f)) return f;
    dir = dirname(dir);
  }
  throw new Error('openapi/definitions.json not found; run `npm run gen:openapi`');
}

let defs: Definitions | undefined;
let byGvk: Map<string, string> | undefined;
const gvkKey = (g: GVK) => `${g.group}/${g.version}/${g.kind}`;

/** All known definitions (generated plus any added with addDefinitions). */
export function getDefinitions(): Definitions {
  if (!defs) defs = JSON.parse(readFileSync(definitionsFile(), 'utf8')) as Definitions;
  return defs;
}

/** Where /openapi/v2 differs from every other consumer (custom resources' v2 forms, apiextensions' builder's). */
const v2Forms: Definitions = {};

/**
 * Schemas for kinds kubernetes-models lacks (e.g. metrics.k8s.io); later calls override earlier names. `v2` holds the
 * form some of them take in the Swagger 2.0 document only.
 */
export function addDefinitions(extra: Definitions, v2: Definitions = {}): void {
  Object.assign(getDefinitions(), extra);
  for (const n of Object.keys(extra)) delete v2Forms[n];
  Object.assign(v2Forms, v2);
  byGvk = undefined;
}

/** The definitions as /openapi/v2 publishes them. */
export function getDefinitionsV2(): Definitions {
  return Object.keys(v2Forms).length ? { ...getDefinitions(), ...v2Forms } : getDefinitions();
}

/**
 * Definitions of custom resources: their bodies decode into unstructured objects, so a wrong type is the schema
 * validation's 422, not a decode error.
 */
export const customResourceDefinitionNames = new Set<string>();

/** Forgets definitions added with addDefinitions (a custom resource no longer served). */
export function removeDefinitions(names: string[]): void {
  const all = getDefinitions();
  for (const n of names) {
    delete all[n];
    delete v2Forms[n];
    customResourceDefinitionNames.delete(n);
  }
  byGvk = undefined;
}

/** The definition name whose x-kubernetes-group-version-kind lists this GVK. */
export function definitionNameFor(gvk: GVK): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, s] of Object.entries(getDefinitions())) {
      const list = s['x-kubernetes-group-version-kind'] ?? [];
      // Shared meta kinds (DeleteOptions in every GV) must not shadow a GV's own kind of the same name.
      for (const g of list) if (list.length === 1 || !byGvk.has(gvkKey(g))) byGvk.set(gvkKey(g), name);
    }
  }
  return byGvk.get(gvkKey(gvk));
}

/** Follows $ref / single-element allOf to the schema that carries the structure. */
export function resolveSchema(s: Schema | undefined, all: Definitions = getDefinitions()): Schema | undefined {
  let cur = s;
  for (let i = 0; cur && i < 32; i++) {
    if (cur.$ref) cur = all[refName(cur.$ref)];
    else if (cur.allOf?.length === 1 && !cur.properties && !cur.type) cur = cur.allOf[0];
    else return cur;
  }
  return cur;
}
