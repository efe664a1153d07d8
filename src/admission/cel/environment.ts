// The CEL environment of admission (k8s.io/apiserver's admission/plugin/cel): expressions compiled once and evaluated
// over a request's variables. Two flavours as upstream: webhook matchConditions see object, oldObject, request and
// authorizer; ValidatingAdmissionPolicy expressions also see params, namespaceObject and variables.
import { Environment } from '@marcbachmann/cel-js';
import type { Authorizer } from '../../authorization/types.js';
import type { KObject } from '../../registry/types.js';
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../chain.js';
import { AUTHORIZER_TYPE, celAuthorizer, registerAuthorizerLibrary, type CelAuthorizer } from './authorizer.js';
import { registerKubernetesLibraries } from './libraries.js';
import { admissionRequestJson } from './request.js';
import { toCel } from './values.js';
import { parseCel } from './parse.js';

/** Webhook matchConditions; a policy with a paramKind (`params` declared); a policy without one (no `params`). */
export type AdmissionCelMode = 'matchConditions' | 'policy' | 'policyWithoutParams';

/** The values an expression reads; built by admissionVariables. */
export interface AdmissionCelVariables {
  object: unknown;
  oldObject: unknown;
  request: unknown;
  authorizer: CelAuthorizer | null;
  params?: unknown;
  namespaceObject?: unknown;
  variables?: Record<string, unknown>;
}

export interface CompiledExpression {
  readonly expression: string;
  /** Why the expression does not compile (a syntax error, an unknown variable, a type mismatch), if it does not. */
  readonly compileError?: string;
  /** The expression's value; throws a CelEvaluationError (upstream's text) when it cannot be evaluated. */
  evaluate(vars: AdmissionCelVariables): unknown;
}

export class CelEvaluationError extends Error {}

type Program = (ctx: object) => unknown;

const environments = new Map<AdmissionCelMode, Environment>();

/**
 * A new admission CEL environment: Kubernetes' libraries and the authorizer's types, no variables yet. The runtime
 * environments below declare the variables dyn; the policy type checker declares them typed by the matched kinds.
 */
export function newAdmissionEnvironment(): Environment {
  const env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  registerAuthorizerLibrary(env);
  registerKubernetesLibraries(env);
  return env;
}

function environment(mode: AdmissionCelMode): Environment {
  let env = environments.get(mode);
  if (env) return env;
  env = newAdmissionEnvironment();
  env.registerVariable('object', 'dyn').registerVariable('oldObject', 'dyn').registerVariable('request', 'dyn');
  env.registerVariable('authorizer', AUTHORIZER_TYPE);
  if (mode === 'policy') env.registerVariable('params', 'dyn');
  if (mode !== 'matchConditions') env.registerVariable('namespaceObject', 'dyn').registerVariable('variables', 'dyn');
  environments.set(mode, env);
  return env;
}

// cel-go's wording of the errors users see most ("no such key: x").
const celGoWording = (m: string) => m.replace(/^No such key/, 'no such key');

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

// Policies are re-read on every change, their expressions rarely: compiled programs are kept by text.
const compiled = new Map<string, CompiledExpression>();

/** Compiles (type-checks) an expression once; a CompiledExpression with compileError when it does not compile. */
export function compileAdmissionExpression(expression: string, mode: AdmissionCelMode): CompiledExpression {
  const key = `${mode}\0${expression}`;
  let c = compiled.get(key);
  if (c) return c;
  c = compile(expression, mode);
  if (compiled.size > 5_000) compiled.clear();
  compiled.set(key, c);
  return c;
}

function compile(expression: string, mode: AdmissionCelMode): CompiledExpression {
  const env = environment(mode);
  let program: Program | undefined;
  let compileError: string | undefined;
  try {
    const parsed = parseCel(env, expression);
    const checked = parsed.check();
    if (!checked.valid) compileError = firstLine(checked.error);
    else program = parsed as unknown as Program;
  } catch (e) {
    compileError = firstLine(e);
  }
  return {
    expression,
    ...(compileError ? { compileError } : {}),
    evaluate(vars) {
      if (!program) throw new CelEvaluationError(`compilation error: ${compileError}`);
      try {
        return program(vars);
      } catch (e) {
        if (e instanceof CelEvaluationError) throw e;
        throw new CelEvaluationError(`expression '${expression}' resulted in error: ${celGoWording(firstLine(e))}`);
      }
    },
  };
}

/**
 * The syntax error of an expression, if any (what API validation refuses a policy for). Unknown functions and types are
 * left to evaluation: Kubernetes' CEL libraries that cel-js lacks must not make a chart's policy unstorable.
 */
export function syntaxError(expression: string, mode: AdmissionCelMode = 'policy'): string | undefined {
  try {
    parseCel(environment(mode), expression);
  } catch (e) {
    return firstLine(e);
  }
  // Of the type checker's findings only `params` without a paramKind refuses: other unknown names may be namespaced
  // functions of cel-go's that cel-js lacks.
  const unknown = /^Unknown variable: params\b/.test(compileAdmissionExpression(expression, mode).compileError ?? '');
  return unknown ? `undeclared reference to 'params' (in container '')` : undefined;
}

export interface AdmissionVariableOptions {
  /** The server's authorizer; without it `authorizer` is null. */
  authorizer?: Authorizer;
  /** The resource and kind a configuration matched (matchPolicy Equivalent); the request's own by default. */
  matched?: { resource: GroupVersionResource; kind: GroupVersionKind };
  /** Policies: the binding's parameter object (null when there is none). */
  params?: KObject | Record<string, unknown> | null;
  /** Policies: the request's namespace (null for cluster-scoped requests). */
  namespaceObject?: KObject | null;
}

/** The variables of one request, converted for CEL once (share them between the expressions of a request). */
export function admissionVariables(attrs: AdmissionAttributes, opts: AdmissionVariableOptions = {}): AdmissionCelVariables {
  const vars: AdmissionCelVariables = {
    object: attrs.object ? toCel(attrs.object) : null,
    oldObject: attrs.oldObject ? toCel(attrs.oldObject) : null,
    request: toCel(admissionRequestJson(attrs, opts.matched)),
    authorizer: opts.authorizer
      ? celAuthorizer(opts.authorizer, attrs.user, {
          ...attrs.resource,
          subresource: attrs.subresource,
          namespace: attrs.namespace,
          name: attrs.name,
        })
      : null,
  };
  if ('params' in opts) vars.params = opts.params ? toCel(opts.params) : null;
  if ('namespaceObject' in opts) vars.namespaceObject = opts.namespaceObject ? toCel(namespaceView(opts.namespaceObject)) : null;
  return vars;
}

/** What `namespaceObject` shows of a Namespace (cel.CreateNamespaceObject): its spec, status and most of metadata. */
function namespaceView(ns: KObject): Record<string, unknown> {
  const m = ns.metadata;
  const metadata: Record<string, unknown> = {};
  for (const k of [
    'name',
    'generateName',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'finalizers',
  ] as const) {
    const v = (m as Record<string, unknown>)[k];
    if (v !== undefined) metadata[k] = v;
  }
  return { metadata, spec: ns.spec ?? {}, status: ns.status ?? {} };
}

/**
 * Policy `variables`: each evaluated on first use and kept for the request, as upstream's composition; a variable
 * may read the ones before it. A failing variable fails the expressions that read it.
 */
export function withComposedVariables(
  base: AdmissionCelVariables,
  defs: readonly { name: string; compiled: CompiledExpression }[],
): AdmissionCelVariables {
  const vars: AdmissionCelVariables = { ...base, variables: {} };
  const cache = new Map<string, { value?: unknown; error?: string }>();
  for (const d of defs) {
    Object.defineProperty(vars.variables, d.name, {
      enumerable: true,
      get() {
        let r = cache.get(d.name);
        if (!r) {
          try {
            r = { value: d.compiled.evaluate(vars) };
          } catch (e) {
            r = { error: firstLine(e) };
          }
          cache.set(d.name, r);
        }
        if (r.error !== undefined) throw new CelEvaluationError(`composited variable "${d.name}" fails to evaluate: ${r.error}`);
        return r.value;
      },
    });
  }
  return vars;
}

export interface MatchConditionResult {
  matches: boolean;
  /** The condition that evaluated to false. */
  failedCondition?: string;
  /** Evaluation errors (joined as upstream's aggregate) when no condition was false and failurePolicy is Fail. */
  error?: string;
}

/**
 * matchConditions (webhooks and policies): any condition false → no match; otherwise errors decide by failurePolicy
 * (Fail: an error, Ignore: no match); all true → match.
 */
export function evaluateMatchConditions(
  conditions: readonly { name: string; compiled: CompiledExpression }[],
  vars: AdmissionCelVariables,
  failurePolicy: 'Fail' | 'Ignore' = 'Fail',
): MatchConditionResult {
  const errors: string[] = [];
  for (const c of conditions) {
    let v: unknown;
    try {
      v = c.compiled.evaluate(vars);
    } catch (e) {
      errors.push(firstLine(e));
      continue;
    }
    if (v === false) return { matches: false, failedCondition: c.name };
    if (v !== true) errors.push(`expression '${c.compiled.expression}' resulted in error: no such overload`);
  }
  if (errors.length === 0) return { matches: true };
  if (failurePolicy === 'Ignore') return { matches: false };
  return { matches: false, error: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` };
}
