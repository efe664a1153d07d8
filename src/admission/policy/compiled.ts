// A ValidatingAdmissionPolicy with its expressions compiled once per stored version (the policy source's hook).
import type { KObject } from '../../registry/types.js';
import { compileAdmissionExpression, type CompiledExpression } from '../cel/environment.js';
import type { MatchResources } from './matching.js';

export interface CompiledValidation {
  expression: string;
  compiled: CompiledExpression;
  message?: string;
  messageExpression?: CompiledExpression;
  reason?: string;
}

export interface CompiledPolicy {
  name: string;
  failurePolicy: string;
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints: MatchResources;
  matchConditions: { name: string; compiled: CompiledExpression }[];
  variables: { name: string; compiled: CompiledExpression }[];
  validations: CompiledValidation[];
  auditAnnotations: { key: string; valueExpression: string; compiled: CompiledExpression }[];
}

interface PolicySpec {
  failurePolicy?: string;
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: MatchResources;
  matchConditions?: { name: string; expression: string }[];
  variables?: { name: string; expression: string }[];
  validations?: { expression: string; message?: string; messageExpression?: string; reason?: string }[];
  auditAnnotations?: { key: string; valueExpression: string }[];
}

// Stored objects are immutable instances in the watch cache: one compilation per version.
const byObject = new WeakMap<KObject, CompiledPolicy>();

export function compiledPolicy(policy: KObject): CompiledPolicy {
  let c = byObject.get(policy);
  if (!c) byObject.set(policy, (c = compile(policy)));
  return c;
}

function compile(policy: KObject): CompiledPolicy {
  const spec = (policy.spec ?? {}) as PolicySpec;
  // `params` is declared only for a policy with a paramKind, as upstream's compiler does.
  const cel = (e: string) => compileAdmissionExpression(e, spec.paramKind ? 'policy' : 'policyWithoutParams');
  return {
    name: policy.metadata.name ?? '',
    failurePolicy: spec.failurePolicy ?? 'Fail',
    ...(spec.paramKind ? { paramKind: { apiVersion: spec.paramKind.apiVersion ?? '', kind: spec.paramKind.kind ?? '' } } : {}),
    matchConstraints: spec.matchConstraints ?? {},
    matchConditions: (spec.matchConditions ?? []).map((m) => ({ name: m.name, compiled: cel(m.expression) })),
    variables: (spec.variables ?? []).map((v) => ({ name: v.name, compiled: cel(v.expression) })),
    validations: (spec.validations ?? []).map((v) => ({
      expression: v.expression,
      compiled: cel(v.expression),
      ...(v.message ? { message: v.message } : {}),
      ...(v.messageExpression ? { messageExpression: cel(v.messageExpression) } : {}),
      ...(v.reason ? { reason: v.reason } : {}),
    })),
    auditAnnotations: (spec.auditAnnotations ?? []).map((a) => ({
      key: a.key,
      valueExpression: a.valueExpression,
      compiled: cel(a.valueExpression),
    })),
  };
}
