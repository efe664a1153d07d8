// admissionregistration.k8s.io/v1 pieces shared by webhooks and policies: rules with operations, match policy,
// selectors, matchConditions (pkg/apis/admissionregistration/validation).
import { arr, child, duplicate, index, invalid, isObj, isSet, notSupported, obj, required, type Errs, type J } from '../common/field.js';
import { validateLabelSelector } from '../common/selector.js';
import { isQualifiedName } from '../common/names.js';

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
export const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const MAX_MATCH_CONDITIONS = 64;

/** A list that may hold '*' only alone. */
function validateStarList(list: unknown[], field: string, what: string): Errs {
  if (list.length === 0) return [required(field)];
  if (list.length > 1 && list.includes('*')) return [invalid(field, list, `if '*' is present, must not specify other ${what}`)];
  return [];
}

/** ValidateRuleWithOperations. */
export function validateRuleWithOperations(rule: J, field: string): Errs {
  const r = obj(rule);
  const ops = arr(r.operations);
  const errs = validateStarList(ops, child(field, 'operations'), 'operations');
  ops.forEach((o: unknown, i) => {
    if (!OPERATIONS.includes(String(o))) errs.push(notSupported(index(child(field, 'operations'), i), o, OPERATIONS));
  });
  errs.push(...validateStarList(arr(r.apiGroups), child(field, 'apiGroups'), 'groups'));
  errs.push(...validateStarList(arr(r.apiVersions), child(field, 'apiVersions'), 'versions'));
  arr(r.apiVersions).forEach((v: unknown, i) => {
    if (v === '') errs.push(required(index(child(field, 'apiVersions'), i)));
  });
  const resources = arr(r.resources);
  if (resources.length === 0) errs.push(required(child(field, 'resources')));
  resources.forEach((res: unknown, i) => {
    const f = index(child(field, 'resources'), i);
    if (res === '') errs.push(required(f));
    else if (String(res).split('/').length > 2) errs.push(invalid(f, res, 'must be a resource or resource/subresource'));
  });
  const scope: unknown = r.scope;
  if (isSet(scope) && !SCOPES.includes(String(scope))) errs.push(notSupported(child(field, 'scope'), scope, SCOPES));
  return errs;
}

export function validateMatchPolicy(v: unknown, field: string): Errs {
  return isSet(v) && !MATCH_POLICIES.includes(String(v)) ? [notSupported(field, v, MATCH_POLICIES)] : [];
}
export function validateFailurePolicy(v: unknown, field: string): Errs {
  return isSet(v) && !FAILURE_POLICIES.includes(String(v)) ? [notSupported(field, v, FAILURE_POLICIES)] : [];
}

/** matchConditions: named CEL expressions, unique names (the expressions are compiled when policies run, later work). */
export function validateMatchConditions(conds: unknown, field: string): Errs {
  const list = arr(conds);
  const errs: Errs = [];
  if (list.length > MAX_MATCH_CONDITIONS)
    errs.push({ type: 'FieldValueTooMany', field, detail: `must have at most ${MAX_MATCH_CONDITIONS} items` } as never);
  const names = new Set<string>();
  list.forEach((c: J, i) => {
    const f = index(field, i);
    const name = String(c?.name ?? '');
    if (!name) errs.push(required(child(f, 'name')));
    else {
      errs.push(...isQualifiedName(name).map((m) => invalid(child(f, 'name'), name, m)));
      if (names.has(name)) errs.push(duplicate(child(f, 'name'), name));
    }
    names.add(name);
    if (!c?.expression) errs.push(required(child(f, 'expression')));
  });
  return errs;
}

/** Selectors of a webhook or a policy's matchResources. */
export function validateSelectors(o: J, field: string): Errs {
  return [
    ...validateLabelSelector(o.namespaceSelector, child(field, 'namespaceSelector')),
    ...validateLabelSelector(o.objectSelector, child(field, 'objectSelector')),
  ];
}

/** Defaults shared by webhooks and policies' rules (SetDefaults_Rule: scope '*'). */
export function defaultRules(rules: unknown): void {
  for (const r of arr(rules)) if (isObj(r) && !r.scope) r.scope = '*';
}
