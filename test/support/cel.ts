// One CEL expression through the admission environment (the one policies and webhook matchConditions compile in):
// its value, its evaluation error or its compile error.
import type { AdmissionAttributes } from '../../src/admission/chain.js';
import type { KObject } from '../../src/registry/types.js';
import { admissionVariables, compileAdmissionExpression } from '../../src/admission/cel/environment.js';

export interface CelOutcome {
  value?: unknown;
  error?: string;
  compileError?: string;
}

/** A ConfigMap CREATE by user `u` in namespace `n`: the request the expressions here are evaluated for. */
export function celAttributes(object: Record<string, unknown> = { metadata: { name: 'x' } }): AdmissionAttributes {
  return {
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    resource: { group: '', version: 'v1', resource: 'configmaps' },
    subresource: '',
    namespace: 'n',
    name: 'x',
    object: object as KObject,
    user: { name: 'u', groups: [] },
    dryRun: false,
    warnings: [],
  };
}

export function celRun(expression: string, object: Record<string, unknown> = { metadata: { name: 'x' } }): CelOutcome {
  const c = compileAdmissionExpression(expression, 'policy');
  if (c.compileError) return { compileError: c.compileError };
  const attrs = celAttributes(object);
  try {
    return { value: c.evaluate(admissionVariables(attrs, { params: null })) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
