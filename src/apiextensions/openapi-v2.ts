// A custom resource's schema as /openapi/v2 publishes it (apiextensions-apiserver's ToStructuralOpenAPIV2 and
// buildKubeNative with V2 set): Swagger 2.0 and the kubectl versions that validate against it know neither
// nullable, junctors nor fields kept beyond the schema, so those parts are dropped or loosened rather than published.
import type { Schema } from '../openapi/definitions.js';

/** True when the kind's v2 definition is a bare `type: object` (no schema, or unknown fields kept at the root). */
export const bareInV2 = (root: Schema | undefined) => !root || root['x-kubernetes-preserve-unknown-fields'] === true;

/** A copy of `schema` in its v2 form; parents are rewritten before their children, as upstream's visitor does. */
export function toOpenApiV2(schema: Schema): Schema {
  const s = structuredClone(schema) as Schema & Record<string, unknown>;
  visit(s);
  return s;
}

function visit(s: Schema & Record<string, unknown>): void {
  for (const junctor of ['allOf', 'oneOf', 'anyOf', 'not']) delete s[junctor];
  if (s.nullable) {
    // An untyped value: kubectl breaks on items or properties without a type.
    delete s.type;
    delete s.nullable;
    delete s.items;
    delete s.properties;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    // kubectl's v2 validation would refuse the fields the schema does not list.
    delete s.items;
    delete s.properties;
  }
  if (!s.items && s.type === 'array') delete s.type;
  const props = (s.properties ?? {}) as Record<string, Schema & Record<string, unknown>>;
  const required = s.required as string[] | undefined;
  if (required) {
    const kept = required.filter((f) => !props[f]?.nullable);
    if (kept.length) s.required = kept;
    else delete s.required;
  }
  const additional = s.additionalProperties as (Schema & Record<string, unknown>) | boolean | undefined;
  if (additional && typeof additional === 'object' && additional.nullable) delete s.required;
  for (const p of Object.values(props)) visit(p);
  const items = s.items as (Schema & Record<string, unknown>) | undefined;
  if (items && typeof items === 'object' && !Array.isArray(items)) visit(items);
  if (additional && typeof additional === 'object') visit(additional);
}
