// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (with /status) and ValidatingAdmissionPolicyBinding:
// stored and validated as upstream (expressions must parse); src/admission/policy enforces them.
import type { Strategy } from '../../types.js';
import { arr, child, duplicate, index, invalid, isObj, isSet, notSupported, obj, required, type Errs, type J } from '../common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1123Subdomain, isQualifiedName } from '../common/names.js';
import { statusStrategy } from '../common/status.js';
import { syntaxError } from '../../../admission/cel/environment.js';
import { validateLabelSelector } from '../common/selector.js';
import {
  defaultRules,
  validateFailurePolicy,
  validateMatchConditions,
  validateMatchPolicy,
  validateRuleWithOperations,
  validateSelectors,
} from './rules.js';

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const ACTIONS = ['Audit', 'Deny', 'Warn'];
const NOT_FOUND_ACTIONS = ['Allow', 'Deny'];

/** MatchResources: selectors, match policy and resource rules (required for a policy, optional for a binding). */
function validateMatchResources(m: J, field: string, rulesRequired: boolean): Errs {
  const errs = [...validateSelectors(m, field), ...validateMatchPolicy(m.matchPolicy, child(field, 'matchPolicy'))];
  const rules = arr(m.resourceRules);
  if (rulesRequired && rules.length === 0) errs.push(required(child(field, 'resourceRules')));
  rules.forEach((r: J, i) => errs.push(...validateRuleWithOperations(r, index(child(field, 'resourceRules'), i))));
  arr(m.excludeResourceRules).forEach((r: J, i) =>
    errs.push(...validateRuleWithOperations(r, index(child(field, 'excludeResourceRules'), i))),
  );
  return errs;
}

function validatePolicySpec(spec: J): Errs {
  const errs: Errs = validateFailurePolicy(spec.failurePolicy, 'spec.failurePolicy');
  if (isObj(spec.paramKind)) {
    if (!spec.paramKind.apiVersion) errs.push(required('spec.paramKind.apiVersion'));
    if (!spec.paramKind.kind) errs.push(required('spec.paramKind.kind'));
  }
  if (!isObj(spec.matchConstraints)) errs.push(required('spec.matchConstraints'));
  else errs.push(...validateMatchResources(spec.matchConstraints, 'spec.matchConstraints', true));
  const validations = arr(spec.validations);
  const audits = arr(spec.auditAnnotations);
  if (validations.length === 0 && audits.length === 0)
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  validations.forEach((v: J, i) => {
    const f = index('spec.validations', i);
    if (!v?.expression) errs.push(required(child(f, 'expression')));
    const reason: unknown = v?.reason;
    if (isSet(reason) && !REASONS.includes(String(reason))) errs.push(notSupported(child(f, 'reason'), reason, REASONS));
    if (typeof v?.message === 'string' && v.message.includes('\n'))
      errs.push(invalid(child(f, 'message'), v.message, 'message must not contain line breaks'));
  });
  const keys = new Set<string>();
  audits.forEach((a: J, i) => {
    const f = index('spec.auditAnnotations', i);
    const key = String(a?.key ?? '');
    if (!key) errs.push(required(child(f, 'key')));
    else errs.push(...isQualifiedName(`validation.policy.admission.k8s.io/${key}`).map((m) => invalid(child(f, 'key'), key, m)));
    if (keys.has(key)) errs.push(duplicate(child(f, 'key'), key));
    keys.add(key);
    if (!a?.valueExpression) errs.push(required(child(f, 'valueExpression')));
  });
  const vars = new Set<string>();
  arr(spec.variables).forEach((v: J, i) => {
    const f = index('spec.variables', i);
    if (!v?.name) errs.push(required(child(f, 'name')));
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)) errs.push(invalid(child(f, 'name'), v.name, 'name is not a valid CEL identifier'));
    else if (vars.has(v.name)) errs.push(duplicate(child(f, 'name'), v.name));
    vars.add(v?.name);
    if (!v?.expression) errs.push(required(child(f, 'expression')));
  });
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
  errs.push(...expressionSyntaxErrors(spec));
  return errs;
}

/** Every CEL expression of the spec must parse and name only declared variables (upstream compiles them). */
function expressionSyntaxErrors(spec: J): Errs {
  const errs: Errs = [];
  const mode = isObj(spec.paramKind) ? 'policy' : 'policyWithoutParams';
  const check = (expression: unknown, field: string) => {
    if (typeof expression !== 'string' || !expression.trim()) return;
    const why = syntaxError(expression, mode);
    if (why) errs.push(invalid(field, expression, `compilation failed: ${why}`));
  };
  arr(spec.validations).forEach((v: J, i) => {
    check(v?.expression, child(index('spec.validations', i), 'expression'));
    check(v?.messageExpression, child(index('spec.validations', i), 'messageExpression'));
  });
  arr(spec.variables).forEach((v: J, i) => check(v?.expression, child(index('spec.variables', i), 'expression')));
  arr(spec.auditAnnotations).forEach((a: J, i) => check(a?.valueExpression, child(index('spec.auditAnnotations', i), 'valueExpression')));
  arr(spec.matchConditions).forEach((c: J, i) => check(c?.expression, child(index('spec.matchConditions', i), 'expression')));
  return errs;
}

export const validateValidatingAdmissionPolicy = (p: J): Errs => [
  ...validateObjectMeta(p.metadata, { namespaced: false }),
  ...validatePolicySpec(obj(p.spec)),
];

function defaultMatchResources(m: J): void {
  if (!isObj(m)) return;
  m.matchPolicy ||= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

export const validatingAdmissionPolicyStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (!isObj(spec)) return;
    spec.failurePolicy ||= 'Fail';
    defaultMatchResources(spec.matchConstraints);
  },
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateValidatingAdmissionPolicy,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
export const validatingAdmissionPolicyStatusStrategy: Strategy = statusStrategy();

function validateParamRef(ref: J): Errs {
  const f = 'spec.paramRef';
  const errs: Errs = [];
  const hasName = isSet(ref.name) && ref.name !== '';
  const hasSelector = isObj(ref.selector);
  if (hasName && hasSelector) errs.push(invalid(f, ref, 'name and selector are mutually exclusive'));
  else if (!hasName && !hasSelector) errs.push(required(f, 'one of name or selector must be specified'));
  if (hasName) errs.push(...isDNS1123Subdomain(String(ref.name)).map((m) => invalid(child(f, 'name'), ref.name, m)));
  if (hasSelector) errs.push(...validateLabelSelector(ref.selector, child(f, 'selector')));
  const action: unknown = ref.parameterNotFoundAction;
  if (!isSet(action)) errs.push(required(child(f, 'parameterNotFoundAction')));
  else if (!NOT_FOUND_ACTIONS.includes(String(action)))
    errs.push(notSupported(child(f, 'parameterNotFoundAction'), action, NOT_FOUND_ACTIONS));
  return errs;
}

export function validateValidatingAdmissionPolicyBinding(b: J): Errs {
  const errs = validateObjectMeta(b.metadata, { namespaced: false });
  const spec = obj(b.spec);
  if (!spec.policyName) errs.push(required('spec.policyName'));
  else errs.push(...isDNS1123Subdomain(String(spec.policyName)).map((m) => invalid('spec.policyName', spec.policyName, m)));
  if (isObj(spec.paramRef)) errs.push(...validateParamRef(spec.paramRef));
  if (isObj(spec.matchResources)) errs.push(...validateMatchResources(spec.matchResources, 'spec.matchResources', false));
  const actions = arr(spec.validationActions);
  if (actions.length === 0) errs.push(required('spec.validationActions', 'at least one validation action is required'));
  const seen = new Set<unknown>();
  actions.forEach((a: unknown, i) => {
    const f = index('spec.validationActions', i);
    if (seen.has(a)) errs.push(duplicate(f, a));
    seen.add(a);
    if (!ACTIONS.includes(String(a))) errs.push(notSupported(f, a, ACTIONS));
  });
  if (seen.has('Deny') && seen.has('Warn'))
    errs.push(
      invalid(
        'spec.validationActions',
        actions,
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  return errs;
}

export const validatingAdmissionPolicyBindingStrategy: Strategy = {
  defaults(o) {
    defaultMatchResources((o as J).spec?.matchResources);
  },
  validate: validateValidatingAdmissionPolicyBinding,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
