// Where strategic merge learns the type of each field: OpenAPI v2 definitions (openapi/definitions.json),
// completed by the hand-kept MERGE_KEYS and BUILTIN_FIELD_TYPES tables.
import { existsSync, readFileSync } from 'node:fs';
import { MERGE_KEYS, type ListSemantics } from './merge-keys.js';
import { BUILTIN_FIELD_TYPES } from './builtin-types.js';
import { ownValue } from '../own-keys.js';

/** The subset of an OpenAPI (v2 or v3) schema that patching reads. */
export interface OpenAPISchema {
  type?: string | string[];
  $ref?: string;
  allOf?: OpenAPISchema[];
  properties?: Record<string, OpenAPISchema>;
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  [extension: string]: unknown;
}

/** Resolves a definition name such as io.k8s.api.core.v1.PodSpec. */
export interface SchemaLookup {
  (definitionName: string): OpenAPISchema | undefined;
}

/** Accepts a bare definitions map, a swagger document or an OpenAPI v3 document. */
export function schemaLookupFrom(doc: unknown): SchemaLookup {
  const d = (doc ?? {}) as { definitions?: unknown; components?: { schemas?: unknown } };
  const defs = (d.definitions ?? d.components?.schemas ?? doc ?? {}) as Record<string, OpenAPISchema>;
  return (name) => (Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined);
}

/** Reads the generated definitions file; when it is missing, only the built-in tables are used. */
export function loadSchemaLookup(definitionsJsonPath: string): SchemaLookup {
  if (!existsSync(definitionsJsonPath)) return () => undefined;
  return schemaLookupFrom(JSON.parse(readFileSync(definitionsJsonPath, 'utf8')));
}

/** Where we are in the object: a named definition (when known) and its schema (when known). */
export interface TypeContext {
  def?: string;
  schema?: OpenAPISchema;
}

/** What strategic merge needs to know about one field. */
export interface FieldPatchMeta {
  /** The patch strategy with retainKeys removed: 'merge', 'replace' or '' (default). */
  strategy: string;
  mergeKey: string;
  /** Type of the field's value, or of its elements for lists. */
  type: TypeContext;
}

const refName = (s: OpenAPISchema | undefined): string | undefined => {
  const ref = s?.$ref ?? s?.allOf?.find((x) => x.$ref)?.$ref;
  return ref ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
};

export function contextFor(definition: string | undefined, lookup: SchemaLookup): TypeContext {
  return definition ? { def: definition, schema: lookup(definition) } : {};
}

function contextOfSchema(s: OpenAPISchema | undefined, lookup: SchemaLookup): TypeContext {
  const name = refName(s);
  return name ? contextFor(name, lookup) : { schema: s };
}

/** Splits "merge,retainKeys" the way apimachinery's extractRetainKeysPatchStrategy does. */
export function primaryStrategy(tag: string | undefined): string {
  const parts = (tag ?? '').split(',').filter(Boolean);
  const rest = parts.filter((p) => p !== 'retainKeys');
  return rest[0] ?? '';
}

export function fieldPatchMeta(ctx: TypeContext, field: string, lookup: SchemaLookup): FieldPatchMeta {
  // The field name comes from the request: tables are read through own keys only.
  const sem = ctx.def ? ownValue<ListSemantics>(ownValue(MERGE_KEYS, ctx.def), field) : undefined;
  let prop = ownValue<OpenAPISchema>(ctx.schema?.properties, field);
  if (!prop && typeof ctx.schema?.additionalProperties === 'object') prop = ctx.schema.additionalProperties;

  let type: TypeContext = {};
  if (prop) {
    const isList = prop.type === 'array' || (Array.isArray(prop.type) && prop.type.includes('array'));
    type = contextOfSchema(isList ? prop.items : prop, lookup);
  }
  if (!type.def) {
    const builtin = ctx.def ? ownValue<string>(ownValue(BUILTIN_FIELD_TYPES, ctx.def), field) : undefined;
    if (builtin) type = contextFor(builtin, lookup);
  }
  const tag = sem ? sem.strategy : prop?.['x-kubernetes-patch-strategy'];
  const mergeKey = (sem ? sem.key : prop?.['x-kubernetes-patch-merge-key']) ?? '';
  return { strategy: primaryStrategy(tag), mergeKey, type };
}
