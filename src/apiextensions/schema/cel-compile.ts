// x-kubernetes-validations compiled when a CRD is written, as apiextensions-apiserver's cel.Compile and
// ValidateCustomResourceDefinitionOpenAPISchema do: each rule is parsed and type-checked with `self` typed by the
// schema node it sits on (SchemaDeclType of the version's root, so embedded resources and the root get apiVersion,
// kind and metadata.name/generateName) and `oldSelf` the same type, optional<T> when optionalOldSelf is set. A rule
// must be a bool, a messageExpression (compiled only when its rule compiles) a string; optionalOldSelf only on a rule
// that reads oldSelf, and oldSelf only where old values correlate (not below a list other than list-type map, nor
// below an atomic map). The error framing is cel-go's (`ERROR: <input>:L:C: ...`), the message inside cel-js' save
// for the wordings typechecking.ts and undeclared functions map to cel-go's. Cost estimation is not done. Constructs
// the checker cannot type (int-or-string, a node with no type) are dyn, and a dyn result is accepted where cel-go
// would want bool or string: a valid rule is never refused for want of a type.
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibraries } from '../../admission/cel/libraries.js';
import { undefinedPresenceField } from '../../admission/cel/presence.js';
import { objectIndex, objectIndexError } from '../../admission/cel/object-index.js';
import { escapeFieldName, registerDeclTypes, schemaDeclTypes } from '../../admission/cel/schema-types.js';
import { celGoIssue } from '../../admission/cel/cel-go-issue.js';
import { goQuote } from '../../admission/cel/library/go-quote.js';
import type { FieldError } from '../../machinery/api/errors.js';
import { invalidGo } from '../../registry/strategies/common/field.js';
import type { JSONSchemaProps } from '../types.js';
import type { ValidationRule } from './cel.js';
import { readsIdentifier } from './cel-references.js';
import { parseCel } from '../../admission/cel/parse.js';

let base: Environment | undefined;
let functionNames: Set<string> | undefined;

/** The CRD environment's libraries (as the runtime's, cel.ts), without variables. */
function baseEnvironment(): Environment {
  if (!base) {
    base = registerKubernetesLibraries(new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true }));
    functionNames = new Set(base.getDefinitions().functions.map((f) => f.name));
  }
  return base;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A type string's element: list<X> → X, map<string, X> → X; undefined otherwise. */
function elementType(t: string | undefined, kind: 'list' | 'map'): string | undefined {
  if (!t) return undefined;
  if (kind === 'list') return /^list<(.+)>$/.exec(t)?.[1];
  return /^map<string, (.+)>$/.exec(t)?.[1];
}

interface Node {
  op?: string;
  args?: unknown;
  start?: number;
  end?: number;
  pos?: number;
}
const isNode = (v: unknown): v is Node => isObj(v) && typeof v.op === 'string';

const BINARY = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in', '&&', '||']);

/**
 * cel-go's position and wording for a cel-js check error: calls are placed at their '(', operators at the operator and
 * indexing at its '[' (cel-js places them at the expression's start), a selection at its dot; a function no overload of
 * which exists is an undeclared reference, a selection on a scalar a type that does not support field selection.
 */
function goIssue(expression: string, error: unknown): string {
  const e = error as { summary?: string; message?: string; range?: { start?: number }; node?: Node };
  const node = e.node;
  let summary = e.summary ?? String(e.message ?? error).split('\n')[0]!;
  let start = e.range?.start;
  if (node && Array.isArray(node.args)) {
    const args = node.args as unknown[];
    if ((node.op === 'call' || node.op === 'rcall') && typeof args[0] === 'string') {
      const target = node.op === 'rcall' && isNode(args[1]) ? args[1] : undefined;
      const paren = expression.indexOf('(', target?.end ?? node.start ?? 0);
      if (paren >= 0) start = paren;
      if (!functionNames?.has(args[0])) summary = `undeclared reference to '${args[0]}' (in container '')`;
    } else if (BINARY.has(node.op ?? '') && isNode(args[0]) && typeof args[0].end === 'number') {
      const at = expression.slice(args[0].end).search(/\S/);
      if (at >= 0) start = args[0].end + at;
    } else if (node.op === '[]' && isNode(args[0]) && typeof args[0].end === 'number') {
      const bracket = expression.indexOf('[', args[0].end);
      if (bracket >= 0) start = bracket;
    } else if (node.op === '.' && typeof node.pos === 'number') {
      // A selection on a scalar; cel-go places it at the dot.
      const scalar = /^Cannot index type '(.+)'$/.exec(summary);
      if (scalar) summary = `type '${scalar[1]}' does not support field selection`;
      if (expression[node.pos - 1] === '.') start = node.pos - 1;
    }
  }
  summary = summary.replace(/^Expression of type/, 'expression of type');
  return celGoIssue(expression, { summary, range: start === undefined ? undefined : { start } });
}

type TypeName = string;

/** Go's %#v of the internal apiextensions.ValidationRule, the value upstream's Invalid errors print. */
export function goValidationRule(r: ValidationRule): string {
  const s = (v: unknown) => goQuote(typeof v === 'string' ? v : '');
  // A set pointer prints as its address, which differs on every run upstream: a fixed one stands for it.
  const ptr = (type: string, v: unknown) => `(*${type})(${v === undefined || v === null ? 'nil' : '0xc000000000'})`;
  return (
    `apiextensions.ValidationRule{Rule:${s(r.rule)}, Message:${s(r.message)}, MessageExpression:${s(r.messageExpression)}, ` +
    `Reason:${ptr('apiextensions.FieldValueErrorReason', r.reason)}, FieldPath:${s(r.fieldPath)}, ` +
    `OptionalOldSelf:${ptr('bool', r.optionalOldSelf)}}`
  );
}

/** What compiling one schema node's rules needs: its environments (oldSelf plain and optional) and object types. */
interface Scope {
  env: Environment;
  optionalEnv: Environment;
  objects: Map<string, Record<string, string>>;
}

const bad = (field: string, r: ValidationRule, detail: string): FieldError => invalidGo(field, goValidationRule(r), detail);

function check(env: Environment, expression: string, objects: Scope['objects']): { error?: string; type?: string; ast?: unknown } {
  let parsed;
  try {
    parsed = parseCel(env, expression);
  } catch (e) {
    return { error: goIssue(expression, e) };
  }
  const r = parsed.check();
  if (!r.valid) {
    const indexed = objectIndexError(expression, r.error, objects);
    return {
      error: indexed ? celGoIssue(expression, { summary: indexed.summary, range: { start: indexed.pos } }) : goIssue(expression, r.error),
    };
  }
  const missing = undefinedPresenceField(parsed.ast, objects);
  if (missing) return { error: celGoIssue(expression, { summary: `No such key: ${missing.field}`, range: { start: missing.pos } }) };
  const indexed = objectIndex(expression, parsed.ast, objects);
  if (indexed) return { error: celGoIssue(expression, { summary: indexed.summary, range: { start: indexed.pos } }) };
  return { type: String(r.type), ast: parsed.ast };
}

/**
 * The compile errors of one node's rules (`path` the node's field path). `uncorrelatable`: the path of the list (not
 * list-type map) or atomic map above the node, where old values cannot be matched to new ones, so oldSelf is refused.
 */
function compileNode(rules: ValidationRule[], scope: Scope, path: string, uncorrelatable: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    const rp = `${path}.x-kubernetes-validations[${i}]`;
    if (!isObj(r) || typeof r.rule !== 'string' || !r.rule.trim()) return;
    const env = r.optionalOldSelf === true ? scope.optionalEnv : scope.env;
    const rule = check(env, r.rule, scope.objects);
    let usesOldSelf = false;
    if (rule.error) errs.push(bad(`${rp}.rule`, r, `compilation failed: ${rule.error}`));
    else if (rule.type !== 'bool' && rule.type !== 'dyn') errs.push(bad(`${rp}.rule`, r, 'cel expression must evaluate to a bool'));
    else {
      usesOldSelf = readsIdentifier(rule.ast, 'oldSelf');
      if (typeof r.messageExpression === 'string' && r.messageExpression.trim()) {
        const m = check(env, r.messageExpression, scope.objects);
        if (m.error) errs.push(bad(`${rp}.messageExpression`, r, `messageExpression compilation failed: ${m.error}`));
        else if (m.type !== 'string' && m.type !== 'dyn')
          errs.push(bad(`${rp}.messageExpression`, r, 'messageExpression must evaluate to a string'));
      }
    }
    if (usesOldSelf && uncorrelatable)
      errs.push({
        type: 'FieldValueInvalid',
        field: `${rp}.rule`,
        value: r.rule,
        detail: `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`,
      });
    else if (!usesOldSelf && r.optionalOldSelf !== undefined && r.optionalOldSelf !== null)
      errs.push({
        type: 'FieldValueInvalid',
        field: `${rp}.optionalOldSelf`,
        value: r.optionalOldSelf,
        detail: 'may not be set if oldSelf is not used in rule',
      });
  });
  return errs;
}

let seq = 0;

/**
 * The compile errors of every x-kubernetes-validations rule in a version's schema (`path` the schema's field path).
 * The root's types are declared once; each node with rules gets `self`/`oldSelf` of its own type.
 */
export function compileSchemaRules(root: JSONSchemaProps, path: string): FieldError[] {
  // A CRD is validated on every write, status writes and the re-validation after admission included: the result of
  // one schema is kept (compiling costs ~1 ms a rule).
  const key = `${path}\n${JSON.stringify(root)}`;
  let errs = compiled.get(key);
  if (!errs) {
    errs = compile(root, path);
    if (compiled.size >= 32) compiled.clear();
    compiled.set(key, errs);
  }
  return errs.map((e) => ({ ...e }));
}

const compiled = new Map<string, FieldError[]>();

function compile(root: JSONSchemaProps, path: string): FieldError[] {
  const env = baseEnvironment().clone();
  const decl = schemaDeclTypes(root, `selfType${seq++}`, () => undefined, true);
  registerDeclTypes(env, decl.objects);
  const errs: FieldError[] = [];
  // uncorrelatable: the highest list (not list-type map) or atomic map above, as upstream's forbidOldSelfValidations.
  const walk = (s: JSONSchemaProps, type: TypeName | undefined, p: string, uncorrelatable: string | undefined) => {
    const rules = s['x-kubernetes-validations'] as ValidationRule[] | undefined;
    if (Array.isArray(rules) && rules.length) {
      const t = type ?? 'dyn';
      const scope: Scope = {
        env: env.clone().registerVariable('self', t).registerVariable('oldSelf', t),
        optionalEnv: env.clone().registerVariable('self', t).registerVariable('oldSelf', `optional<${t}>`),
        objects: decl.objects,
      };
      errs.push(...compileNode(rules, scope, p, uncorrelatable));
    }
    const fields = type ? decl.objects.get(type) : undefined;
    const inProperties = uncorrelatable ?? (s['x-kubernetes-map-type'] === 'atomic' ? p : undefined);
    for (const [k, child] of Object.entries(s.properties ?? {})) {
      const name = escapeFieldName(k);
      walk(child, fields && name ? fields[name] : undefined, `${p}.properties[${k}]`, inProperties);
    }
    const inItems = uncorrelatable ?? (s['x-kubernetes-list-type'] !== 'map' ? p : undefined);
    if (isObj(s.items)) walk(s.items, elementType(type, 'list'), `${p}.items`, inItems);
    if (isObj(s.additionalProperties))
      walk(s.additionalProperties as JSONSchemaProps, elementType(type, 'map'), `${p}.additionalProperties`, uncorrelatable);
  };
  walk(root, decl.root, path, undefined);
  return errs;
}
