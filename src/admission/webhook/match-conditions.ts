// A webhook's matchConditions (admission/plugin/webhook/matchconditions), through the shared admission CEL
// environment: any false condition means the webhook is not called; otherwise an evaluation error skips it under
// failurePolicy Ignore and fails the request under Fail (`failed evaluating match conditions: ...`).
import type { Authorizer } from '../../authorization/types.js';
import type { AdmissionAttributes } from '../chain.js';
import { admissionVariables, compileAdmissionExpression, evaluateMatchConditions } from '../cel/environment.js';
import type { Webhook } from './config.js';
import { WebhookCallFailure } from './errors.js';
import type { Matched } from './review.js';

export function matchConditionsHold(
  hook: Webhook,
  attrs: AdmissionAttributes,
  matched: Matched | undefined,
  authorizer?: Authorizer,
): boolean {
  const conditions = hook.spec.matchConditions ?? [];
  if (!conditions.length) return true;
  const compiled = conditions.map((c) => ({ name: c.name, compiled: compileAdmissionExpression(c.expression, 'matchConditions') }));
  const vars = admissionVariables(attrs, { ...(authorizer ? { authorizer } : {}), ...(matched ? { matched } : {}) });
  const result = evaluateMatchConditions(compiled, vars, hook.failurePolicy);
  if (result.error) throw new WebhookCallFailure(hook.spec.name, `failed evaluating match conditions: ${result.error}`);
  return result.matches;
}
