// OpenAPI schemas as CEL types (k8s.io/apiserver's cel/common.SchemaDeclType): what the policy type checker declares
// `object`, `oldObject` and `params` as. Objects become named types whose fields are their properties (unknown fields
// are not exposed, x-kubernetes-preserve-unknown-fields or not), `additionalProperties` a map, arrays lists,
// x-kubernetes-int-or-string dyn, string formats byte/duration/date/date-time bytes/duration/timestamp; a schema
// with no type, or a list or map of one, is not exposed at all (its field is undefined), as upstream.
import type { Environment } from '@marcbachmann/cel-js';
import type { Schema } from '../../openapi/definitions.js';
import { RESERVED_WORDS, escapeFieldName } from './escaping.js';

/** The object types a schema declares (name → field name → CEL type) and the CEL type of its root. */
export interface DeclTypes {
  /** undefined when the schema is not exposed to CEL. */
  root: string | undefined;
  objects: Map<string, Record<string, string>>;
}

/** $ref targets by definition name (`#/definitions/x`, `#/components/schemas/x` or a bare name). */
export type DefinitionLookup = (name: string) => Schema | undefined;

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

export { escapeFieldName } from './escaping.js';

const STRING_FORMATS: Record<string, string> = {
  byte: 'bytes',
  duration: 'google.protobuf.Duration',
  date: 'google.protobuf.Timestamp',
  'date-time': 'google.protobuf.Timestamp',
};
const SCALARS: Record<string, string> = { boolean: 'bool', number: 'double', integer: 'int' };

/**
 * The CEL types of `schema`, its object types named from `name` by path (`Deployment3.spec.template`, `.__idx__` for
 * list items, `.__elem__` for map values). `resourceRoot`: the root of a kind, which always has apiVersion, kind and
 * metadata.name/generateName (as embedded resources do).
 */
export function schemaDeclTypes(schema: Schema, name: string, lookup: DefinitionLookup, resourceRoot = true): DeclTypes {
  const objects = new Map<string, Record<string, string>>();

  // Follows $ref and single-element allOf; a reference back into the path being declared is an empty object, as
  // upstream's ref population leaves a circular reference.
  const resolve = (s: Schema, refs: ReadonlySet<string>): { s: Schema; refs: ReadonlySet<string> } | undefined => {
    let cur = s;
    let seen = refs;
    for (;;) {
      if (typeof cur.$ref === 'string') {
        const n = refName(cur.$ref);
        if (seen.has(n)) return { s: { type: 'object' }, refs: seen };
        const next = lookup(n);
        if (!next) return undefined;
        seen = new Set([...seen, n]);
        cur = next;
      } else if (cur.allOf?.length === 1 && !cur.type && !cur.properties) cur = cur.allOf[0]!;
      else return { s: cur, refs: seen };
    }
  };

  const decl = (raw: Schema, path: string, root: boolean, refs: ReadonlySet<string>): string | undefined => {
    const r = resolve(raw, refs);
    if (!r) return undefined;
    let s = r.s;
    if (s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string') return 'dyn';
    if (root) s = withTypeAndObjectMeta(s, (x) => resolve(x, r.refs)?.s);
    const embedded = (x: Schema | undefined) => x?.['x-kubernetes-embedded-resource'] === true;
    switch (s.type) {
      case 'array': {
        if (!s.items) return undefined;
        const items = decl(s.items, `${path}.__idx__`, embedded(s.items), r.refs);
        return items && `list<${items}>`;
      }
      case 'object': {
        const extra = s.additionalProperties;
        if (extra && typeof extra === 'object') {
          const values = decl(extra, `${path}.__elem__`, embedded(extra), r.refs);
          return values && `map<string, ${values}>`;
        }
        const fields: Record<string, string> = {};
        objects.set(path, fields);
        for (const [prop, ps] of Object.entries(s.properties ?? {})) {
          const escaped = escapeFieldName(prop);
          if (!escaped) continue;
          const t = decl(ps, `${path}.${escaped}`, embedded(ps), r.refs);
          if (!t) continue;
          fields[escaped] = t;
          // A reserved word is also readable by its own name (upstream's RecognizeKeywordAsFieldName, 1.32 on).
          if (RESERVED_WORDS.has(prop)) fields[prop] = t;
        }
        return path;
      }
      case 'string':
        return STRING_FORMATS[s.format ?? ''] ?? 'string';
      default:
        return SCALARS[s.type ?? ''];
    }
  };

  return { root: decl(schema, name, resourceRoot, new Set()), objects };
}

/** Upstream's WithTypeAndObjectMeta: apiVersion, kind and metadata{name, generateName} unless already there. */
export function withTypeAndObjectMeta(s: Schema, resolve: (x: Schema) => Schema | undefined): Schema {
  const p = s.properties ?? {};
  const isString = (x: Schema | undefined) => (x ? resolve(x)?.type === 'string' : false);
  const meta = p.metadata ? resolve(p.metadata) : undefined;
  if (
    isString(p.kind) &&
    isString(p.apiVersion) &&
    meta?.type === 'object' &&
    isString(meta.properties?.name) &&
    isString(meta.properties?.generateName)
  )
    return s;
  const str: Schema = { type: 'string' };
  return {
    ...s,
    properties: { ...p, kind: str, apiVersion: str, metadata: { type: 'object', properties: { name: str, generateName: str } } },
  };
}

// Wrapper classes are never instantiated: type-checking environments are not evaluated with.
const placeholder = (name: string) => ({ [name]: class {} })[name]!;

/**
 * Declares the object types on `env`, each comparable with itself and with null as cel-go's checker allows for
 * structs.
 */
export function registerDeclTypes(env: Environment, objects: Map<string, Record<string, string>>): void {
  for (const [name, fields] of objects) env.registerType(name, { ctor: placeholder(name), fields });
  for (const name of objects.keys()) {
    env.registerOperator(`${name} == ${name}`, (a: unknown, b: unknown) => a === b);
    env.registerOperator(`${name} == null`, (a: unknown, b: unknown) => a === b);
  }
}
