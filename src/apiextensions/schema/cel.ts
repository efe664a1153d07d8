// x-kubernetes-validations: CEL rules of a structural schema, evaluated with `self` (and `oldSelf` for transition
// rules, on updates where the old value exists) as apiextensions-apiserver's cel validator does; a failed rule is
// `<path>: Invalid value: "<type>": <message>` (default `failed rule: <rule>`), at fieldPath when the rule names one.
// The CEL language is @marcbachmann/cel-js with Kubernetes' libraries (quantity, lists, regex, URL, IP, CIDR, format,
// sets) registered as for admission: upstream's CRD environment is the same base environment.
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibraries } from '../../admission/cel/libraries.js';
import type { FieldError } from '../../machinery/api/errors.js';
import type { JSONSchemaProps } from '../types.js';
import { readsIdentifier } from './cel-references.js';
import { parseCel } from '../../admission/cel/parse.js';
import { escapeFieldName, unescapeFieldName } from '../../admission/cel/escaping.js';
import { withTypeAndObjectMeta } from '../../admission/cel/schema-types.js';
import type { Schema } from '../../openapi/definitions.js';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

type Program = (ctx: Record<string, unknown>) => unknown;
const programs = new Map<string, Program>();
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

let env: Environment | undefined;
function environment(): Environment {
  if (!env) {
    env = registerKubernetesLibraries(new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true }));
    env.registerVariable('self', 'dyn').registerVariable('oldSelf', 'dyn');
  }
  return env;
}

function program(rule: string): Program {
  let p = programs.get(rule);
  if (!p) {
    p = parseCel(environment(), rule) as unknown as Program;
    if (programs.size > 10_000) programs.clear();
    programs.set(rule, p);
  }
  return p;
}

/**
 * A value as CEL reads it under its schema (upstream's UnstructuredToVal): JSON integers are `int` (bigint) unless the
 * schema says `number`. An object with properties exposes each declared property under its escaped name
 * (`x__dash__prop`, `__namespace__`; one that cannot be escaped is not exposed), its null fields as absent; the name
 * itself stays readable, hidden from iteration and equality, when it stands for itself unescaped (`namespace`,
 * `x-prop` through dyn indexing), as upstream unescapes every key it is asked for. Undeclared fields (kept by
 * x-kubernetes-preserve-unknown-fields) stay under their own names, for equality; the rule compiler refuses reading
 * them. `embedded`: the resource root or an embedded resource, which always has apiVersion, kind and
 * metadata.name/generateName.
 */
function celValue(v: unknown, s: JSONSchemaProps | undefined, embedded = false): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && s?.type !== 'number' ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => celValue(x, s?.items, s?.items?.['x-kubernetes-embedded-resource'] === true));
  if (!isObj(v)) return v;
  if (s && (embedded || s['x-kubernetes-embedded-resource'] === true)) s = withTypeAndObjectMeta(s as Schema, (x) => x) as JSONSchemaProps;
  const out: Record<string, unknown> = {};
  const props = s?.properties;
  if (!props) {
    const extra = isObj(s?.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
    for (const [k, x] of Object.entries(v)) out[k] = celValue(x, extra, extra?.['x-kubernetes-embedded-resource'] === true);
    return out;
  }
  const declared = new Set<string>();
  for (const [k, x] of Object.entries(v)) {
    const prop = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined;
    if (!prop) continue;
    const name = escapeFieldName(k);
    if (!name || x === null || x === undefined) continue;
    declared.add(name);
    out[name] = celValue(x, prop, prop['x-kubernetes-embedded-resource'] === true);
    if (name !== k && unescapeFieldName(k) === k)
      Object.defineProperty(out, k, { value: out[name], enumerable: false, writable: true, configurable: true });
  }
  for (const [k, x] of Object.entries(v))
    if (!Object.prototype.hasOwnProperty.call(props, k) && !declared.has(k) && !Object.hasOwn(out, k)) out[k] = celValue(x, undefined);
  return out;
}

const transitions = new WeakMap<object, boolean>();

/** A rule that reads oldSelf (by its AST: "oldSelf" in a string literal does not count). */
export function isTransitionRule(r: ValidationRule): boolean {
  let p: Program;
  try {
    p = program(r.rule);
  } catch {
    return /\boldSelf\b/.test(r.rule);
  }
  let t = transitions.get(p);
  if (t === undefined) transitions.set(p, (t = readsIdentifier((p as unknown as { ast?: unknown }).ast, 'oldSelf')));
  return t;
}

/** The schema's type as the error's value (what upstream prints: "object", "string", ...). */
const typeOf = (s: JSONSchemaProps) => (s['x-kubernetes-int-or-string'] ? 'integer-or-string' : (s.type ?? 'object'));

function check(
  rules: ValidationRule[],
  s: JSONSchemaProps,
  v: unknown,
  old: unknown,
  path: string,
  transitions: boolean,
  errs: FieldError[],
): void {
  for (const r of rules) {
    const transition = isTransitionRule(r);
    if (transition !== transitions) continue;
    if (transition && old === undefined && !r.optionalOldSelf) continue;
    const field = r.fieldPath ? `${path}${r.fieldPath.startsWith('[') ? '' : '.'}${r.fieldPath.replace(/^\./, '')}` : path || '<nil>';
    let ok: unknown;
    let evalError: string | undefined;
    const vars = { self: celValue(v, s, path === ''), ...(transition ? { oldSelf: celValue(old, s, path === '') } : {}) };
    try {
      ok = program(r.rule)(vars);
    } catch (e) {
      evalError = (e as Error).message.split('\n')[0];
    }
    if (ok === true) continue;
    let message = r.message || `failed rule: ${r.rule}`;
    if (r.messageExpression) {
      try {
        const m = program(r.messageExpression)(vars);
        if (typeof m === 'string' && m.trim()) message = m;
      } catch {
        // the static message stands
      }
    }
    if (evalError) message = `${message}: ${evalError}`;
    switch (r.reason) {
      case 'FieldValueRequired':
        errs.push({ type: 'FieldValueRequired', field, detail: message });
        break;
      case 'FieldValueForbidden':
        errs.push({ type: 'FieldValueForbidden', field, detail: message });
        break;
      case 'FieldValueDuplicate':
        errs.push({ type: 'FieldValueDuplicate', field, value: typeOf(s) });
        break;
      default:
        errs.push({ type: 'FieldValueInvalid', field, value: typeOf(s), detail: message });
    }
  }
}

/**
 * The errors of every rule below `s` for value `v` (`old` the stored value, undefined on create). `transitions`
 * picks the rules that read oldSelf (updates) or the others (every write).
 */
export function celErrors(v: unknown, old: unknown, s: JSONSchemaProps | undefined, path: string, transitions: boolean): FieldError[] {
  const errs: FieldError[] = [];
  walk(v, old, s, path, transitions, errs);
  return errs;
}

const withRules = new WeakMap<JSONSchemaProps, boolean>();

/** Whether a rule sits at or below `s`: the walk skips subtrees without any (most of a large object). */
function hasRules(s: JSONSchemaProps): boolean {
  let r = withRules.get(s);
  if (r === undefined) {
    r =
      !!(s['x-kubernetes-validations'] as unknown[] | undefined)?.length ||
      Object.values(s.properties ?? {}).some(hasRules) ||
      (!!s.items && hasRules(s.items)) ||
      (isObj(s.additionalProperties) && hasRules(s.additionalProperties as JSONSchemaProps));
    withRules.set(s, r);
  }
  return r;
}

/** A list-type map element's identity: its map keys' values. */
const mapKeyOf = (item: Record<string, unknown>, keys: string[]) => JSON.stringify(keys.map((k) => JSON.stringify(item[k]) ?? ''));

function walk(v: unknown, old: unknown, s: JSONSchemaProps | undefined, path: string, transitions: boolean, errs: FieldError[]): void {
  if (!s || v === undefined || v === null || !hasRules(s)) return;
  const rules = s['x-kubernetes-validations'] as ValidationRule[] | undefined;
  if (rules?.length) check(rules, s, v, old, path, transitions, errs);
  if (isObj(v)) {
    const o = isObj(old) ? old : undefined;
    for (const [k, child] of Object.entries(v)) {
      const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
      const sub = prop ?? (isObj(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined);
      if (sub) walk(child, o?.[k], sub, prop ? (path ? `${path}.${k}` : k) : `${path}[${k}]`, transitions, errs);
    }
  } else if (Array.isArray(v) && s.items) {
    // Old elements correlate by the map keys of a list-type map only, as upstream's ratcheting does: indexed once, so
    // that an update of a long list costs its length, not its square.
    const keys = s['x-kubernetes-list-type'] === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : undefined;
    let olds: Map<string, unknown> | undefined;
    if (keys && Array.isArray(old)) {
      olds = new Map();
      for (const o of old) if (isObj(o) && !olds.has(mapKeyOf(o, keys))) olds.set(mapKeyOf(o, keys), o);
    }
    v.forEach((item, i) => {
      const prev = olds && isObj(item) ? olds.get(mapKeyOf(item, keys!)) : undefined;
      walk(item, prev, s.items, `${path}[${i}]`, transitions, errs);
    });
  }
}

/** Every rule of a schema with its path, for CRD validation. */
export function rulesOf(
  s: JSONSchemaProps,
  path: string,
  out: { path: string; rule: ValidationRule }[] = [],
): { path: string; rule: ValidationRule }[] {
  (s['x-kubernetes-validations'] as ValidationRule[] | undefined)?.forEach((rule, i) =>
    out.push({ path: `${path}.x-kubernetes-validations[${i}]`, rule }),
  );
  for (const [k, p] of Object.entries(s.properties ?? {})) rulesOf(p, `${path}.properties[${k}]`, out);
  if (s.items) rulesOf(s.items, `${path}.items`, out);
  if (isObj(s.additionalProperties)) rulesOf(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, out);
  return out;
}
