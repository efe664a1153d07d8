// Structural defaulting (apiextensions-apiserver's schemaobjectmeta/defaulting): a missing field whose schema has a
// `default` gets a copy of it, and so does a null one the schema does not allow to be null; runs on every request
// body and on every read from storage, as upstream.
import type { JSONSchemaProps } from '../types.js';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Applies the schema's defaults to `v` in place (objects and arrays below it too). */
export function applyDefaults(v: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(v)) {
    if (s.items) for (const item of v) applyDefaults(item, s.items);
    return;
  }
  if (!isObj(v)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default !== undefined && (!(k in v) || (v[k] === null && !prop.nullable))) v[k] = structuredClone(prop.default);
  }
  for (const [k, child] of Object.entries(v)) {
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
    applyDefaults(child, prop ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined));
  }
}
