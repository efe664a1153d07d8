// Server-side field validation (?fieldValidation=Strict|Warn|Ignore): unknown and duplicate fields,
// reported with Kubernetes' wording and ordering, plus the decode-time type errors that fail any request.
import { StatusError, badRequest } from '../machinery/api/errors.js';
import { customResourceDefinitionNames, definitionNameFor, getDefinitions, refName, resolveSchema, type GVK, type Schema } from './definitions.js';
import { parseJsonAst, toJsonNode, type JsonNode } from './json-ast.js';
import { findYamlDuplicates } from './yaml-duplicates.js';
import { ownValue } from '../machinery/own-keys.js';
import { listSemantics, type ListType } from '../machinery/apply/schema-types.js';
import type { OpenAPISchema } from '../machinery/patch/schema.js';

import type { FieldValidationMode } from '../machinery/api/meta.js';
export type { FieldValidationMode };
export type BodyFormat = 'json' | 'yaml';

/** Definitions with a custom Go decoder: their JSON shape is not checked field by field. */
const OPAQUE = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  // CRD schemas: any JSON value, or one of two shapes (JSONSchemaProps or a list/bool/string list).
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
]);

interface Found { messages: string[]; typeError?: string }

/** A schema that accepts any member: free-form objects, preserve-unknown-fields, or no schema at all. */
const isFreeForm = (s: Schema | undefined) =>
  !s || s['x-kubernetes-preserve-unknown-fields'] === true || (!s.properties && !s.additionalProperties && !s.items && !s.type) ||
  (s.type === 'object' && !s.properties && !s.additionalProperties);

/** Go's name for a schema's type, as json.UnmarshalTypeError prints it. */
function goType(s: Schema | undefined, refd?: string): string {
  if (refd) return `${refd.split('.').slice(-2).join('.')}`;
  if (!s) return 'interface {}';
  switch (s.type) {
    case 'integer': return s.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'string': return s.format === 'byte' ? '[]uint8' : 'string';
    case 'array': return `[]${goType(resolveSchema(s.items), s.items?.$ref ? refName(s.items.$ref) : undefined)}`;
    case 'object': return s.additionalProperties && typeof s.additionalProperties === 'object'
      ? `map[string]${goType(resolveSchema(s.additionalProperties), s.additionalProperties.$ref ? refName(s.additionalProperties.$ref) : undefined)}`
      : 'map[string]interface {}';
    default: return 'interface {}';
  }
}

/** How Go names a JSON value in "cannot unmarshal X into ...". */
function valueKind(n: JsonNode): string {
  switch (n.t) {
    case 'object': return 'object';
    case 'array': return 'array';
    case 'string': return 'string';
    case 'bool': return 'bool';
    case 'number': return 'number';
    default: return 'null';
  }
}

interface Ctx {
  found: Found;
  seen: Set<string>;
  struct: string;
  goPath: string[];
  /** List elements named as structured-merge-diff's paths name them (by key or value), not by index. */
  smdPaths?: boolean;
  /** With smdPaths: the definition the object being walked is (its lists' semantics are looked up by it). */
  def?: string;
  /** With smdPaths: how the list being walked identifies its elements. */
  list?: { type: ListType; keys: string[] };
}

const add = (ctx: Ctx, msg: string) => { if (!ctx.seen.has(msg)) { ctx.seen.add(msg); ctx.found.messages.push(msg); } };
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const fitsInteger = (n: bigint, format: string | undefined) =>
  format === 'int32' ? n >= -(2n ** 31n) && n < 2n ** 31n : n >= -(2n ** 63n) && n < 2n ** 63n;

/** Records the first value whose JSON type cannot decode into the schema's Go type. */
function typeMismatch(ctx: Ctx, node: JsonNode, s: Schema, refd: string | undefined): boolean {
  if (node.t === 'null' || ctx.found.typeError) return false;
  let ok: boolean;
  let kind = valueKind(node);
  switch (s.type) {
    case 'object': ok = node.t === 'object'; break;
    case 'array': ok = node.t === 'array' || (s.items?.type === 'string' && s.items.format === 'byte' && node.t === 'string'); break;
    case 'string': ok = node.t === 'string'; break;
    case 'boolean': ok = node.t === 'bool'; break;
    case 'number': ok = node.t === 'number'; break;
    case 'integer': {
      // An integer literal that fits the Go type: 99999999999999999999 is no int64, 1e3 no integer.
      ok = node.t === 'number' && /^-?[0-9]+$/.test(node.raw) && fitsInteger(BigInt(node.raw), s.format);
      if (node.t === 'number' && !ok) kind = `number ${node.raw}`;
      break;
    }
    default: ok = true;
  }
  if (ok) return false;
  const field = ctx.goPath.join('.');
  ctx.found.typeError = `json: cannot unmarshal ${kind} into Go struct field ${ctx.struct}.${field} of type ${goType(s, refd)}`;
  return true;
}

function walk(node: JsonNode, schemaIn: Schema | undefined, path: string, ctx: Ctx): void {
  const refd = schemaIn?.$ref ? refName(schemaIn.$ref) : schemaIn?.allOf?.[0]?.$ref ? refName(schemaIn.allOf[0].$ref) : undefined;
  if (refd && OPAQUE.has(refd)) return;
  const s = resolveSchema(schemaIn);
  if (!s) return;
  if (ctx.goPath.length && typeMismatch(ctx, node, s, refd)) return;
  if (node.t === 'array') {
    const list = ctx.list;
    const items: Ctx = list ? { ...ctx, list: undefined, def: undefined } : ctx;
    node.items.forEach((item, i) => walk(item, s.items, `${path}${list ? smdElement(list, item, i) : `[${i}]`}`, items));
    return;
  }
  if (node.t !== 'object') return;
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    const keys = new Set<string>();
    for (const { key, value } of node.entries) {
      if (keys.has(key)) add(ctx, `duplicate field "${join(path, key)}"`);
      keys.add(key);
      walk(value, s.additionalProperties, join(path, key), ctx.smdPaths ? { ...ctx, list: undefined, def: undefined } : ctx);
    }
    return;
  }
  if (isFreeForm(s) || !s.properties) return;
  const struct = refd ? refd.slice(refd.lastIndexOf('.') + 1) : ctx.struct;
  if (ctx.smdPaths && refd) ctx = { ...ctx, def: refd };
  const seen = new Set<string>();
  for (const { key, value } of node.entries) {
    // Own members only: a field named `constructor` is unknown, not Object's.
    const prop = ownValue<Schema>(s.properties, key);
    const p = join(path, key);
    if (!prop) {
      // Reported once even when repeated: Kubernetes does not also call it a duplicate.
      add(ctx, `unknown field "${p}"`);
      continue;
    }
    if (seen.has(key)) add(ctx, `duplicate field "${p}"`);
    seen.add(key);
    const child: Ctx = { ...ctx, struct, goPath: [...ctx.goPath, key] };
    if (ctx.smdPaths) {
      child.list = listSemantics(ctx.def, s as OpenAPISchema, key);
      child.def = undefined;
    }
    walk(value, prop, p, child);
  }
}

/** A value as structured-merge-diff prints it in a path: JSON (strings quoted, numbers as written). */
function smdValue(n: JsonNode): string {
  switch (n.t) {
    case 'string':
      return JSON.stringify(n.v);
    case 'number':
      return n.raw;
    case 'bool':
      return String(n.v);
    case 'null':
      return 'null';
    default:
      return JSON.stringify(n.t === 'array' ? [] : {});
  }
}

/**
 * A list element's path element as structured-merge-diff names it: `[name="c"]` (keys sorted) in an associative list,
 * `[="v"]` in a set, `[0]` in an atomic list.
 */
function smdElement(list: { type: ListType; keys: string[] }, item: JsonNode, i: number): string {
  const { type, keys } = list;
  if (type === 'map' && keys.length && item.t === 'object') {
    const parts = [...keys]
      .sort()
      .flatMap((k) => {
        const e = item.entries.find((x) => x.key === k);
        return e ? [`${k}=${smdValue(e.value)}`] : [];
      });
    if (parts.length) return `[${parts.join(',')}]`;
  }
  if (type === 'set' && item.t !== 'object' && item.t !== 'array') return `[=${smdValue(item)}]`;
  return `[${i}]`;
}

function schemaFor(gvk: GVK): { name: string; schema: Schema } | undefined {
  const name = definitionNameFor(gvk);
  const schema = name ? getDefinitions()[name] : undefined;
  return name && schema ? { name, schema } : undefined;
}

function scan(gvk: GVK, root: JsonNode, smdPaths = false): Found {
  const found: Found = { messages: [] };
  const def = schemaFor(gvk);
  if (!def) return found;
  walk(root, def.schema, '', { found, seen: new Set(), struct: gvk.kind, goPath: [], smdPaths, def: smdPaths ? def.name : undefined });
  // Custom resources decode into unstructured objects: a wrong type is left to the schema validation (422).
  if (customResourceDefinitionNames.has(def.name)) delete found.typeError;
  return found;
}

/**
 * What decoding `obj` (or the JSON text `raw` it came from) into the kind's Go struct reports: the first type error
 * (`json: cannot unmarshal string into Go struct field ...`) and the unknown/duplicate field messages of strict decoding.
 */
export function decodeProblems(gvk: GVK, obj: unknown, raw?: string): { typeError?: string; fieldErrors: string[] } {
  let root: JsonNode;
  try { root = raw !== undefined ? parseJsonAst(raw) : toJsonNode(obj); } catch { root = toJsonNode(obj); }
  const found = scan(gvk, root);
  return { typeError: found.typeError, fieldErrors: found.messages };
}

/**
 * Paths of fields the kind's schema does not know (`spec.containers[0].imagee`, `metadata.foo`).
 * Maps (labels, data), free-form objects and x-kubernetes-preserve-unknown-fields accept any key.
 * `sorted` walks keys in Go's sorted order (what Kubernetes does for YAML bodies).
 */
export function findUnknownFields(gvk: GVK, obj: unknown, sorted = false): string[] {
  return unknownIn(scan(gvk, toJsonNode(obj, sorted)));
}

/**
 * The same for server-side apply's typed conversion, with list elements named as structured-merge-diff names them
 * (`spec.containers[name="c"].imagee`, `metadata.finalizers[="f"]`), as its `field not declared in schema` errors do.
 */
export function findUndeclaredApplyFields(gvk: GVK, obj: unknown, sorted = false): string[] {
  return unknownIn(scan(gvk, toJsonNode(obj, sorted), true));
}

function unknownIn(found: Found): string[] {
  return found.messages
    .filter((m) => m.startsWith('unknown field '))
    .map((m) => m.slice('unknown field "'.length, -1));
}

/**
 * Drops the fields the kind's schema does not know, in place: the apiserver decodes bodies into typed
 * structs, so under Warn/Ignore an unknown field is reported (or not) but never stored or echoed back.
 */
export function pruneUnknownFields(gvk: GVK, obj: unknown): void {
  const def = schemaFor(gvk);
  if (def) prune(obj, def.schema);
}

function prune(value: unknown, schemaIn: Schema | undefined): void {
  const refd = schemaIn?.$ref ? refName(schemaIn.$ref) : schemaIn?.allOf?.[0]?.$ref ? refName(schemaIn.allOf[0].$ref) : undefined;
  if ((refd && OPAQUE.has(refd)) || value === null || typeof value !== 'object') return;
  const s = resolveSchema(schemaIn);
  if (!s) return;
  if (Array.isArray(value)) { for (const item of value) prune(item, s.items); return; }
  const o = value as Record<string, unknown>;
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    for (const k of Object.keys(o)) prune(o[k], s.additionalProperties);
    return;
  }
  if (isFreeForm(s) || !s.properties) return;
  for (const k of Object.keys(o)) {
    const prop = ownValue<Schema>(s.properties, k);
    if (prop) prune(o[k], prop);
    else delete o[k];
  }
}

/**
 * Duplicate keys in a raw body. JSON: `duplicate field "metadata.name"` for every repeated member
 * (schema-less). YAML: go-yaml's `line 5: key "name" already set in map`.
 */
export function findDuplicateFields(raw: string, format: BodyFormat): string[] {
  if (format === 'yaml') return findYamlDuplicates(raw).map((d) => d.message);
  const out: string[] = [];
  const visit = (n: JsonNode, path: string): void => {
    if (n.t === 'array') n.items.forEach((x, i) => visit(x, `${path}[${i}]`));
    if (n.t !== 'object') return;
    const keys = new Set<string>();
    for (const { key, value } of n.entries) {
      const p = join(path, key);
      if (keys.has(key) && !out.includes(`duplicate field "${p}"`)) out.push(`duplicate field "${p}"`);
      keys.add(key);
      visit(value, p);
    }
  };
  visit(parseJsonAst(raw), '');
  return out;
}

/** The 400 Kubernetes returns when a body cannot be decoded into the kind. */
export function decodeError(gvk: GVK, detail: string): StatusError {
  return badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${detail}`);
}

/** `299 - "unknown field \"spec.foo\""`: the Warning header value for one warning text. */
export const warningHeader = (text: string) => `299 - ${JSON.stringify(text)}`;

export interface FieldCheck { error?: StatusError; warnings: string[] }

/**
 * Everything the apiserver's decoder reports for a create/update body of this kind:
 * - a type error (`json: cannot unmarshal string into Go struct field ...`) fails in every mode;
 * - Strict: unknown/duplicate fields fail with 400 `... strict decoding error: ...`;
 * - Warn (the default when the parameter is absent): one warning text per problem;
 * - Ignore: nothing.
 * `raw` is the body as received; `obj` is what it decoded to. Warnings are plain texts; wrap them
 * with warningHeader() for the `Warning` response header.
 */
export function checkFields(gvk: GVK, obj: unknown, raw: string | undefined, format: BodyFormat, mode: FieldValidationMode = 'Warn'): FieldCheck {
  let root: JsonNode;
  let yamlDups: string[] = [];
  if (format === 'json' && raw !== undefined) {
    try { root = parseJsonAst(raw); } catch { root = toJsonNode(obj); }
  } else {
    root = toJsonNode(obj, format === 'yaml');
    if (format === 'yaml' && raw !== undefined && mode !== 'Ignore') yamlDups = findYamlDuplicates(raw).map((d) => d.message);
  }
  const found = scan(gvk, root);
  if (found.typeError) return { error: decodeError(gvk, found.typeError), warnings: [] };
  if (mode === 'Ignore') return { warnings: [] };
  const problems = [...yamlDups, ...found.messages];
  if (!problems.length) return { warnings: [] };
  if (mode === 'Warn') return { warnings: problems };
  // YAML duplicates come from one go-yaml error that lists them line by line.
  const parts = yamlDups.length ? [`yaml: unmarshal errors:\n  ${yamlDups.join('\n  ')}`, ...found.messages] : found.messages;
  return { error: decodeError(gvk, `strict decoding error: ${parts.join(', ')}`), warnings: [] };
}

/**
 * Server-side apply bodies are decoded as YAML without a schema: only duplicate keys matter here
 * (unknown fields are the apply machinery's `field not declared in schema`).
 */
export function checkApplyDuplicates(raw: string, mode: FieldValidationMode = 'Warn'): FieldCheck {
  if (mode === 'Ignore') return { warnings: [] };
  const dups = findYamlDuplicates(raw).map((d) => d.message);
  if (!dups.length) return { warnings: [] };
  if (mode === 'Warn') return { warnings: dups };
  return { error: badRequest(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${dups.join('\n  ')}`), warnings: [] };
}
