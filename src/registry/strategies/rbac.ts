// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding: defaults (pkg/apis/rbac/v1
// defaults.go) and validation (pkg/apis/rbac/validation/validation.go): names are path segments, rules need verbs
// and either resources with groups or non-resource URLs, a binding's roleRef is immutable.
import type { KObject, Strategy } from '../types.js';
import { arr, child, index, invalid, invalidGo, isObj, notSupported, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isPathSegmentName, nameIsDNSSubdomain, nameIsPathSegment } from './common/names.js';
import { validateLabelSelector } from './common/selector.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: J, namespaced: boolean, path: string): Errs {
  const r: J = isObj(rule) ? rule : {};
  const errs: Errs = [];
  const len = (v: unknown) => arr(v).length;
  if (!len(r.verbs)) errs.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
  if (len(r.nonResourceURLs)) {
    if (namespaced)
      errs.push(invalid(child(path, 'nonResourceURLs'), r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (len(r.apiGroups) || len(r.resources) || len(r.resourceNames))
      errs.push(
        invalid(child(path, 'nonResourceURLs'), r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'),
      );
    return errs;
  }
  if (!len(r.apiGroups)) errs.push(required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (!len(r.resources)) errs.push(required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KObject, namespaced: boolean): Errs {
  return arr(obj.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, index('rules', i)));
}

function validateAggregationRule(obj: KObject): Errs {
  if (!isObj(obj.aggregationRule)) return [];
  const selectors = arr((obj.aggregationRule as J).clusterRoleSelectors);
  const path = 'aggregationRule.clusterRoleSelectors';
  if (!selectors.length) return [required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  return selectors.flatMap((s, i) => validateLabelSelector(s, index(path, i)));
}

function validateSubject(subject: J, namespaced: boolean, path: string): Errs {
  const s: J = isObj(subject) ? subject : {};
  const errs: Errs = [];
  const name = typeof s.name === 'string' ? s.name : '';
  const apiGroup = typeof s.apiGroup === 'string' ? s.apiGroup : '';
  if (!name) errs.push(required(child(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...nameIsDNSSubdomain(name, false).map((m) => invalid(child(path, 'name'), name, m)));
      if (apiGroup) errs.push(notSupported(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(child(path, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(path, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KObject, namespaced: boolean): Errs {
  const errs = validateObjectMeta(obj.metadata, { namespaced, nameFn: nameIsPathSegment });
  const ref: J = isObj(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else errs.push(...isPathSegmentName(String(ref.name), false).map((m) => invalid('roleRef.name', ref.name, m)));
  arr(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index('subjects', i))));
  return errs;
}

/** Go's %#v of the internal RoleRef, as the "cannot change roleRef" error prints it. */
const goRoleRef = (ref: J) =>
  `rbac.RoleRef{APIGroup:${JSON.stringify(String(ref?.apiGroup ?? ''))}, Kind:${JSON.stringify(String(ref?.kind ?? ''))}, Name:${JSON.stringify(String(ref?.name ?? ''))}}`;

function validateRoleRefUnchanged(obj: KObject, old: KObject): Errs {
  const a: J = obj.roleRef ?? {};
  const b: J = old.roleRef ?? {};
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  return [invalidGo('roleRef', goRoleRef(a), 'cannot change roleRef')];
}

/** SetDefaults_RoleRef / SetDefaults_Subject: the RBAC group where it is implied. */
function defaultBinding(obj: KObject): void {
  const ref = obj.roleRef as J;
  if (isObj(ref) && !ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  for (const s of arr(obj.subjects)) {
    if (!isObj(s) || (s as J).apiGroup) continue;
    if ((s as J).kind === 'User' || (s as J).kind === 'Group') (s as J).apiGroup = RBAC_GROUP;
    else if ((s as J).kind === 'ServiceAccount') (s as J).apiGroup = '';
  }
}

export const roleStrategy: Strategy = {
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsPathSegment }), ...validateRules(obj, true)],
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
};

export const clusterRoleStrategy: Strategy = {
  validate: (obj) => [
    ...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsPathSegment }),
    ...validateRules(obj, false),
    ...validateAggregationRule(obj),
  ],
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
};

export const roleBindingStrategy: Strategy = {
  defaults: defaultBinding,
  validate: (obj) => validateBinding(obj, true),
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateRoleRefUnchanged(obj, old)],
};

export const clusterRoleBindingStrategy: Strategy = {
  defaults: defaultBinding,
  validate: (obj) => validateBinding(obj, false),
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateRoleRefUnchanged(obj, old)],
};
