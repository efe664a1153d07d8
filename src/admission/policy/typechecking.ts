// The ValidatingAdmissionPolicy type checker (k8s.io/apiserver's plugin/policy/validating TypeChecker): each
// validation's expression and messageExpression is checked with `object`/`oldObject` typed by the schema of every kind
// the policy's resourceRules name (wildcard groups or versions give up on the rule, wildcard resources and
// subresources are skipped, at most 10 kinds; kinds without a schema are left out) and `params` by the paramKind's
// schema (undeclared when that is unknown, as upstream). `variables` are typed by their expressions' results. The
// warnings are upstream's `<group>/<version>, Kind=<Kind>: ERROR: <input>:L:C: ...` per kind; the message after that
// framing is cel-js' (with cel-go's wording for undefined fields and references).
import type { Environment } from '@marcbachmann/cel-js';
import type { GVK, Schema } from '../../openapi/definitions.js';
import { AUTHORIZER_TYPE } from '../cel/authorizer.js';
import { celGoIssue } from '../cel/cel-go-issue.js';
import { newAdmissionEnvironment } from '../cel/environment.js';
import { undefinedPresenceField, type ObjectTypes } from '../cel/presence.js';
import { registerDeclTypes, schemaDeclTypes, type DefinitionLookup } from '../cel/schema-types.js';
import { checkCel, parseCel } from '../cel/parse.js';
import { objectIndex, objectIndexError } from '../cel/object-index.js';

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

export interface TypeCheckHost {
  /** The RESTMapper's KindsFor: the kinds a group/version/resource is served as (none when it is not served). */
  kindsFor(gvr: { group: string; version: string; resource: string }): GVK[];
  /** The kind's OpenAPI schema (built-in definitions, CRDs' structural schemas); undefined when unknown. */
  schemaFor(gvk: GVK): Schema | undefined;
  /** Definitions by name, for $refs. */
  definition: DefinitionLookup;
}

interface Rule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
}

interface PolicySpec {
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: { resourceRules?: Rule[] };
  variables?: { name?: string; expression?: string }[];
  validations?: { expression?: string; messageExpression?: string }[];
}

const MAX_TYPES_TO_CHECK = 10;

export const gvkString = (g: GVK) => `${g.group}/${g.version}, Kind=${g.kind}`;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortGvks = (l: GVK[]) => l.sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind));

/** The kinds to check a policy against, sorted by group, version and kind (upstream's typesToCheck). */
export function typesToCheck(spec: PolicySpec, kindsFor: TypeCheckHost['kindsFor']): GVK[] {
  const found = new Map<string, GVK>();
  for (const rule of spec.matchConstraints?.resourceRules ?? []) {
    const groups = rule.apiGroups ?? [];
    const versions = rule.apiVersions ?? [];
    // A wildcard group or version gives up on the whole rule; wildcard resources and subresources are skipped.
    if (groups.some((g) => g.includes('*')) || versions.some((v) => v.includes('*'))) continue;
    const resources = (rule.resources ?? []).filter((r) => !/[*/]/.test(r));
    if (!groups.length || !versions.length || !resources.length) continue;
    let count = 0;
    for (const group of [...groups].sort(cmp))
      for (const version of [...versions].sort(cmp))
        for (const resource of [...resources].sort(cmp))
          for (const k of kindsFor({ group, version, resource })) {
            found.set(`${k.group}/${k.version}/${k.kind}`, k);
            if (++count === MAX_TYPES_TO_CHECK) return sortGvks([...found.values()]);
          }
  }
  return sortGvks([...found.values()]);
}

/** paramKind's GVK (schema.ParseGroupVersion), undefined when there is none or its apiVersion does not parse. */
function paramsGvk(spec: PolicySpec): GVK | undefined {
  const pk = spec.paramKind;
  if (!pk) return undefined;
  const av = pk.apiVersion ?? '';
  const parts = av.split('/');
  if (parts.length > 2) return undefined;
  const [group, version] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
  const gvk = { group, version, kind: pk.kind ?? '' };
  return gvk.group || gvk.version || gvk.kind ? gvk : undefined;
}

// The typed variables upstream declares besides object, oldObject and params.
const str = 'string';
const GVK_T = 'kubernetes.GroupVersionKind';
const GVR_T = 'kubernetes.GroupVersionResource';
const USER_T = 'kubernetes.UserInfo';
const REQUEST_TYPES = new Map<string, Record<string, string>>([
  [GVK_T, { group: str, version: str, kind: str }],
  [GVR_T, { group: str, version: str, resource: str }],
  [USER_T, { username: str, uid: str, groups: 'list<string>', extra: 'map<string, list<string>>' }],
  [
    'kubernetes.AdmissionRequest',
    {
      kind: GVK_T,
      resource: GVR_T,
      subResource: str,
      requestKind: GVK_T,
      requestResource: GVR_T,
      requestSubResource: str,
      name: str,
      namespace: str,
      operation: str,
      userInfo: USER_T,
      dryRun: 'bool',
      options: 'dyn',
    },
  ],
]);
const TS = 'google.protobuf.Timestamp';
const NAMESPACE_TYPES = new Map<string, Record<string, string>>([
  ['kubernetes.NamespaceSpec', { finalizers: 'list<string>' }],
  ['kubernetes.NamespaceCondition', { status: str, type: str, lastTransitionTime: TS, message: str, reason: str }],
  ['kubernetes.NamespaceStatus', { conditions: 'list<kubernetes.NamespaceCondition>', phase: str }],
  [
    'kubernetes.NamespaceMetadata',
    {
      name: str,
      generateName: str,
      namespace: str,
      labels: 'map<string, string>',
      annotations: 'map<string, string>',
      UID: str,
      creationTimestamp: TS,
      deletionGracePeriodSeconds: 'int',
      deletionTimestamp: TS,
      generation: 'int',
      resourceVersion: str,
      finalizers: 'list<string>',
    },
  ],
  [
    'kubernetes.Namespace',
    { metadata: 'kubernetes.NamespaceMetadata', spec: 'kubernetes.NamespaceSpec', status: 'kubernetes.NamespaceStatus' },
  ],
]);

let base: Environment | undefined;

/** A kind's environment and every object type it declares (for has()). */
interface KindEnvironment {
  env: Environment;
  objects: ObjectTypes;
}

/** Libraries, authorizer, request and namespaceObject: shared by every check (frozen once cloned). */
function baseEnvironment(): Environment {
  if (base) return base;
  const env = newAdmissionEnvironment();
  registerDeclTypes(env, REQUEST_TYPES);
  registerDeclTypes(env, NAMESPACE_TYPES);
  env.registerVariable('request', 'kubernetes.AdmissionRequest');
  env.registerVariable('namespaceObject', 'kubernetes.Namespace');
  env.registerVariable('authorizer', AUTHORIZER_TYPE);
  return (base = env);
}

const PRIMITIVES = new Set(['bool', 'int', 'uint', 'double', 'string', 'bytes', TS, 'google.protobuf.Duration']);

/**
 * A variable's type in `variables` (upstream's convertCelTypeToDeclType): scalars, lists and maps kept, anything else
 * (an object type, optional) dyn.
 */
function variableType(t: string | undefined): string {
  if (!t) return 'dyn';
  if (t === 'list') return 'list<dyn>';
  if (t === 'map') return 'map<dyn, dyn>';
  if (PRIMITIVES.has(t)) return t;
  const list = /^list<(.+)>$/.exec(t);
  if (list) return `list<${variableType(list[1])}>`;
  const map = /^map<(.+)>$/.exec(t);
  if (map) {
    let depth = 0;
    const inner = map[1]!;
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c === '<') depth++;
      else if (c === '>') depth--;
      else if (c === ',' && depth === 0)
        return `map<${variableType(inner.slice(0, i).trim())}, ${variableType(inner.slice(i + 1).trim())}>`;
    }
  }
  return 'dyn';
}

export class TypeChecker {
  private readonly kinds = new Map<string, { schemas: (Schema | undefined)[]; kind: KindEnvironment }>();
  private seq = 0;

  constructor(private readonly host: TypeCheckHost) {}

  /**
   * The warnings of a policy's validations (empty when every expression checks against every kind). Declaring a kind's
   * types takes a few hundred milliseconds the first time (a Deployment's are ~300 object types): the event loop gets a
   * turn between kinds.
   */
  async check(spec: PolicySpec): Promise<ExpressionWarning[]> {
    const gvks = typesToCheck(spec, (gvr) => this.host.kindsFor(gvr)).filter((g) => this.host.schemaFor(g));
    if (!gvks.length) return [];
    const pGvk = paramsGvk(spec);
    const pSchema = pGvk && this.host.schemaFor(pGvk);
    const checkers: { gvk: GVK; check: (expression: string) => string | undefined }[] = [];
    for (const gvk of gvks) {
      if (checkers.length) await new Promise((r) => setImmediate(r));
      checkers.push({ gvk, check: this.checker(gvk, pGvk && pSchema ? pGvk : undefined, spec) });
    }
    const checkAll = (expression: string) =>
      checkers
        .map(({ gvk, check }) => {
          const issue = check(expression);
          return issue === undefined ? '' : `${gvkString(gvk)}: ${issue}\n`;
        })
        .filter((m) => m !== '')
        .join('\n');
    const warnings: ExpressionWarning[] = [];
    (spec.validations ?? []).forEach((v, i) => {
      for (const field of ['expression', 'messageExpression'] as const) {
        const expression = v[field];
        if (!expression) continue;
        const warning = checkAll(expression);
        if (warning) warnings.push({ fieldRef: `spec.validations[${i}].${field}`, warning });
      }
    });
    return warnings;
  }

  /** A checker for one matched kind: the policy's variables composed in order, then each expression. */
  private checker(gvk: GVK, pGvk: GVK | undefined, spec: PolicySpec): (expression: string) => string | undefined {
    const kind = this.kindEnvironment(gvk, pGvk);
    const fields: Record<string, string> = {};
    const objects = new Map(kind.objects);
    const withVariables = () => {
      const e = kind.env.clone();
      const name = `kubernetes.variables${this.seq++}`;
      objects.set(name, { ...fields });
      registerDeclTypes(e, new Map([[name, { ...fields }]]));
      return e.registerVariable('variables', name);
    };
    let env = withVariables();
    for (const v of spec.variables ?? []) {
      if (!v.name) continue;
      const r = checkCel(env, v.expression ?? '');
      // A variable that does not compile is dyn: only the validations are reported, as upstream.
      fields[v.name] = r.valid ? variableType(String(r.type)) : 'dyn';
      env = withVariables();
    }
    const final = env;
    return (expression) => {
      let parsed;
      try {
        parsed = parseCel(final, expression);
      } catch (e) {
        return celGoIssue(expression, e);
      }
      const r = parsed.check();
      if (!r.valid) {
        const indexed = objectIndexError(expression, r.error, objects);
        return celGoIssue(expression, indexed ? { summary: indexed.summary, range: { start: indexed.pos } } : r.error);
      }
      const missing = undefinedPresenceField(parsed.ast, objects);
      if (missing) return celGoIssue(expression, { summary: `No such key: ${missing.field}`, range: { start: missing.pos } });
      const indexed = objectIndex(expression, parsed.ast, objects);
      return indexed && celGoIssue(expression, { summary: indexed.summary, range: { start: indexed.pos } });
    };
  }

  /** object/oldObject (and params) typed: cached per kind while its schemas stay the same objects. */
  private kindEnvironment(gvk: GVK, pGvk: GVK | undefined): KindEnvironment {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}|${pGvk ? `${pGvk.group}/${pGvk.version}/${pGvk.kind}` : ''}`;
    const schemas = [this.host.schemaFor(gvk), pGvk && this.host.schemaFor(pGvk)];
    const cached = this.kinds.get(key);
    if (cached && cached.schemas.every((s, i) => s === schemas[i])) return cached.kind;
    const env = baseEnvironment().clone();
    const objects = new Map([...REQUEST_TYPES, ...NAMESPACE_TYPES]);
    const declare = (schema: Schema, kind: string, variables: string[]) => {
      const d = schemaDeclTypes(schema, `${kind}${this.seq++}`, this.host.definition);
      registerDeclTypes(env, d.objects);
      for (const [n, f] of d.objects) objects.set(n, f);
      for (const v of variables) env.registerVariable(v, d.root ?? 'dyn');
    };
    declare(schemas[0]!, gvk.kind, ['object', 'oldObject']);
    if (pGvk && schemas[1]) declare(schemas[1], pGvk.kind, ['params']);
    const kind = { env, objects };
    if (this.kinds.size >= 32) this.kinds.clear();
    this.kinds.set(key, { schemas, kind });
    return kind;
  }
}
