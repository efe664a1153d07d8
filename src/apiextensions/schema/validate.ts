// Validation of a custom resource against its version's structural openAPIV3Schema, with the wording kube-openapi's
// validator gives and apiextensions-apiserver's ValidateCustomResource turns into field errors (422 causes).
import type { FieldError } from '../../machinery/api/errors.js';
import type { JSONSchemaProps } from '../types.js';
import { formatError } from './formats.js';

type Errs = FieldError[];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The JSON type name kube-openapi reports for a value. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v; // string, object
}

/** Go's %v of a number in kube-openapi messages (integers without a fraction). */
const num = (n: number) => String(n);

function typeMatches(s: JSONSchemaProps, v: unknown): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case undefined:
    case '':
      return true;
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    default:
      return true;
  }
}

/** A value's errors under its schema; `path` is the field path (`spec.replicas`, `spec.items[0]`). */
export function validateValue(v: unknown, s: JSONSchemaProps, path: string): Errs {
  const errs: Errs = [];
  const name = path || '.';
  if (v === null) {
    if (s.nullable || (!s.type && !s['x-kubernetes-int-or-string'])) return errs;
    return [{ type: 'FieldValueTypeInvalid', field: name, value: 'null', detail: `${name} in body must be of type ${s.type}: "null"` }];
  }
  if (!typeMatches(s, v)) {
    const t = typeName(v);
    const want = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type;
    return [{ type: 'FieldValueTypeInvalid', field: name, value: t, detail: `${name} in body must be of type ${want}: "${t}"` }];
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    errs.push({
      type: 'FieldValueNotSupported',
      field: name,
      value: v,
      supported: s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
    });
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength)
      errs.push({ type: 'FieldValueTooLong', field: name, detail: `may not be more than ${s.maxLength} bytes` });
    if (s.minLength !== undefined && len < s.minLength)
      errs.push({
        type: 'FieldValueInvalid',
        field: name,
        value: v,
        detail: `${name} in body should be at least ${s.minLength} chars long`,
      });
    if (s.pattern !== undefined && !safeRegExp(s.pattern)?.test(v))
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should match '${s.pattern}'` });
    if (s.format) {
      const f = formatError(s.format, v);
      if (f) errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body must be of type ${f}: "${v}"` });
    }
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
      errs.push({
        type: 'FieldValueInvalid',
        field: name,
        value: v,
        detail: `${name} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${num(s.maximum)}`,
      });
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
      errs.push({
        type: 'FieldValueInvalid',
        field: name,
        value: v,
        detail: `${name} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${num(s.minimum)}`,
      });
    if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf))
      errs.push({
        type: 'FieldValueInvalid',
        field: name,
        value: v,
        detail: `${name} in body should be a multiple of ${num(s.multipleOf)}`,
      });
    if (s.type === 'integer' && s.format === 'int32' && (v > 2 ** 31 - 1 || v < -(2 ** 31)))
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body must be of type int32: "${v}"` });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems)
      errs.push({ type: 'FieldValueTooMany', field: name, value: v.length, detail: `must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems)
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should have at least ${s.minItems} items` });
    if (s.uniqueItems || s['x-kubernetes-list-type'] === 'set') {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: item });
        seen.add(k);
      });
    }
    if (s['x-kubernetes-list-type'] === 'map' && s['x-kubernetes-list-map-keys']?.length) {
      const keys = s['x-kubernetes-list-map-keys'];
      const seen = new Set<string>();
      v.forEach((item, i) => {
        if (!isObj(item)) return;
        const k = JSON.stringify(keys.map((key) => item[key] ?? null));
        if (seen.has(k)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: item });
        seen.add(k);
      });
    }
    if (s.items) v.forEach((item, i) => errs.push(...validateValue(item, s.items!, `${path}[${i}]`)));
  }
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties)
      errs.push({ type: 'FieldValueTooMany', field: name, value: keys.length, detail: `must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      errs.push({
        type: 'FieldValueInvalid',
        field: name,
        value: v,
        detail: `${name} in body should have at least ${s.minProperties} properties`,
      });
    for (const r of s.required ?? []) if (!(r in v)) errs.push({ type: 'FieldValueRequired', field: path ? `${path}.${r}` : r });
    if (s['x-kubernetes-embedded-resource']) {
      for (const f of ['apiVersion', 'kind'])
        if (typeof v[f] !== 'string' || !v[f])
          errs.push({ type: 'FieldValueRequired', field: `${path}.${f}`, detail: 'must not be empty' });
    }
    for (const k of keys) {
      const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
      const child = prop ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
      if (!child) continue;
      errs.push(...validateValue(v[k], child, prop ? (path ? `${path}.${k}` : k) : `${path}[${k}]`));
    }
  }
  for (const sub of s.allOf ?? []) errs.push(...validateValue(v, { ...sub, type: sub.type }, path));
  if (s.anyOf?.length && !s.anyOf.some((sub) => !validateValue(v, sub, path).length))
    errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body must be of type ... (anyOf)` });
  if (s.oneOf?.length && s.oneOf.filter((sub) => !validateValue(v, sub, path).length).length !== 1)
    errs.push({
      type: 'FieldValueInvalid',
      field: name,
      value: v,
      detail: `${name} in body must validate one and only one schema (oneOf)`,
    });
  if (s.not && !validateValue(v, s.not, path).length)
    errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should not validate the given schema` });
  return errs;
}

const regexps = new Map<string, RegExp | undefined>();
/** Patterns are ECMA-262 regular expressions in the schema; one that does not compile matches nothing. */
function safeRegExp(p: string): RegExp | undefined {
  if (!regexps.has(p)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(p, 'u');
    } catch {
      re = undefined;
    }
    regexps.set(p, re);
  }
  return regexps.get(p);
}

/** The whole object: its schema's fields below the root (apiVersion, kind and metadata are checked elsewhere). */
export function validateCustomResource(obj: Record<string, unknown>, schema: JSONSchemaProps | undefined): Errs {
  if (!schema) return [];
  const errs: Errs = [];
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  const root: JSONSchemaProps = { ...schema, properties: { ...schema.properties } };
  for (const f of ['apiVersion', 'kind', 'metadata']) delete root.properties![f];
  root.required = (schema.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r));
  errs.push(...validateValue(rest, root, ''));
  return errs;
}
