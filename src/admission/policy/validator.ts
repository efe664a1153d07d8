// One policy evaluated for one binding and param (upstream's validating.validator): matchConditions, then each
// validation's decision and message, then the audit annotations.
import { evaluateMatchConditions, withComposedVariables, type AdmissionCelVariables } from '../cel/environment.js';
import { celTypeName } from '../cel/values.js';
import type { CompiledPolicy } from './compiled.js';

export interface PolicyDecision {
  action: 'admit' | 'deny';
  /** An evaluation error (rather than a false expression) decided it. */
  errored?: boolean;
  message?: string;
  reason?: string;
  /** The validation's index (audit annotation `expressionIndex`). */
  index: number;
}

export interface AuditAnnotationResult {
  key: string;
  value?: string;
  error?: string;
}

export interface ValidateResult {
  decisions: PolicyDecision[];
  auditAnnotations: AuditAnnotationResult[];
}

const MAX_MESSAGE_BYTES = 5 * 1024;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function validatePolicy(policy: CompiledPolicy, base: AdmissionCelVariables): ValidateResult {
  const onError: PolicyDecision['action'] = policy.failurePolicy === 'Ignore' ? 'admit' : 'deny';
  const vars = withComposedVariables(base, policy.variables);
  if (policy.matchConditions.length) {
    const m = evaluateMatchConditions(policy.matchConditions, vars, policy.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail');
    if (m.error) return { decisions: [{ action: onError, errored: true, message: m.error, index: 0 }], auditAnnotations: [] };
    if (!m.matches) return { decisions: [], auditAnnotations: [] };
  }
  const decisions = policy.validations.map((v, index): PolicyDecision => {
    let result: unknown;
    try {
      result = v.compiled.evaluate(vars);
    } catch (e) {
      return { action: onError, errored: true, message: errorText(e), index };
    }
    if (result === true) return { action: 'admit', index };
    let message = '';
    if (v.messageExpression) {
      try {
        const m = v.messageExpression.evaluate(vars);
        if (typeof m === 'string') message = m.trim();
      } catch {
        // the static message or the expression stands in
      }
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
    }
    if (!message && v.message) message = v.message.trim();
    if (!message) message = `failed expression: ${v.expression.trim()}`;
    return { action: 'deny', message, reason: v.reason ?? 'Invalid', index };
  });
  const auditAnnotations = policy.auditAnnotations.map((a): AuditAnnotationResult => {
    let value: unknown;
    try {
      value = a.compiled.evaluate(vars);
    } catch (e) {
      return { key: a.key, error: errorText(e) };
    }
    if (value === null) return { key: a.key };
    if (typeof value !== 'string')
      return {
        key: a.key,
        error: `valueExpression '${a.valueExpression}' resulted in unsupported return type: ${celTypeName(value)}. Return type must be either string or null.`,
      };
    return value.trim() ? { key: a.key, value: value.trim() } : { key: a.key };
  });
  return { decisions, auditAnnotations };
}
