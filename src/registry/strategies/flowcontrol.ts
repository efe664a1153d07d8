// flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration (pkg/apis/flowcontrol/validation and
// v1 defaults). Stored and validated; dockube does not queue requests by them.
import type { Strategy } from '../types.js';
import { arr, child, index, invalid, isObj, isSet, notSupported, obj, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { nameIsPathSegment } from './common/names.js';
import { statusStrategy } from './common/status.js';

const DISTINGUISHERS = ['ByNamespace', 'ByUser'];
const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const PL_TYPES = ['Exempt', 'Limited'];
const LIMIT_RESPONSES = ['Queue', 'Reject'];

function validateSubject(s: J, f: string): Errs {
  const kind: unknown = s.kind;
  if (!SUBJECT_KINDS.includes(String(kind)))
    return [kind ? notSupported(child(f, 'kind'), kind, SUBJECT_KINDS) : required(child(f, 'kind'))];
  const key = kind === 'Group' ? 'group' : kind === 'User' ? 'user' : 'serviceAccount';
  const body = s[key];
  if (!isObj(body)) return [required(child(f, key), `${key} is required when subject kind is '${String(kind)}'`)];
  const errs: Errs = [];
  if (!body.name) errs.push(required(child(child(f, key), 'name')));
  if (kind === 'ServiceAccount' && !body.namespace) errs.push(required(child(child(f, key), 'namespace')));
  return errs;
}

function validateRule(r: J, f: string): Errs {
  const errs: Errs = [];
  const subjects = arr(r.subjects);
  if (subjects.length === 0) errs.push(required(child(f, 'subjects'), 'subjects must contain at least one value'));
  subjects.forEach((s: J, i) => errs.push(...validateSubject(obj(s), index(child(f, 'subjects'), i))));
  const rr = arr(r.resourceRules);
  const nr = arr(r.nonResourceRules);
  if (rr.length === 0 && nr.length === 0) errs.push(required(f, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  rr.forEach((rule: J, i) => {
    const p = index(child(f, 'resourceRules'), i);
    for (const k of ['verbs', 'apiGroups', 'resources'])
      if (arr(rule?.[k]).length === 0) errs.push(required(child(p, k), `${k} must contain at least one value`));
    if (arr(rule?.namespaces).length === 0 && !rule?.clusterScope)
      errs.push(required(child(p, 'namespaces'), 'resource rules that are not cluster scoped must supply at least one namespace'));
  });
  nr.forEach((rule: J, i) => {
    const p = index(child(f, 'nonResourceRules'), i);
    for (const k of ['verbs', 'nonResourceURLs'])
      if (arr(rule?.[k]).length === 0) errs.push(required(child(p, k), `${k} must contain at least one value`));
  });
  return errs;
}

export function validateFlowSchema(fs: J): Errs {
  const errs = validateObjectMeta(fs.metadata, { namespaced: false, nameFn: nameIsPathSegment });
  const spec = obj(fs.spec);
  const mp = spec.matchingPrecedence;
  if (typeof mp === 'number' && (mp < 1 || mp > 10000))
    errs.push(invalid('spec.matchingPrecedence', mp, 'must be between 1 and 10000, inclusive'));
  if (!spec.priorityLevelConfiguration?.name)
    errs.push(required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  const dm = spec.distinguisherMethod;
  if (isObj(dm) && !DISTINGUISHERS.includes(dm.type)) errs.push(notSupported('spec.distinguisherMethod.type', dm.type, DISTINGUISHERS));
  arr(spec.rules).forEach((r: J, i) => errs.push(...validateRule(obj(r), index('spec.rules', i))));
  return errs;
}

function validateQueuing(q: J, f: string): Errs {
  const errs: Errs = [];
  if (!(q.queues > 0)) errs.push(invalid(child(f, 'queues'), q.queues ?? 0, 'must be positive'));
  if (!(q.queueLengthLimit > 0)) errs.push(invalid(child(f, 'queueLengthLimit'), q.queueLengthLimit ?? 0, 'must be positive'));
  if (!(q.handSize > 0)) errs.push(invalid(child(f, 'handSize'), q.handSize ?? 0, 'must be positive'));
  else if (q.queues > 0 && q.handSize > q.queues)
    errs.push(invalid(child(f, 'handSize'), q.handSize, `should not be greater than queues (${q.queues})`));
  return errs;
}

export function validatePriorityLevelConfiguration(pl: J): Errs {
  const errs = validateObjectMeta(pl.metadata, { namespaced: false, nameFn: nameIsPathSegment });
  const spec = obj(pl.spec);
  const type: unknown = spec.type;
  if (!PL_TYPES.includes(String(type))) {
    errs.push(isSet(type) ? notSupported('spec.type', type, PL_TYPES) : required('spec.type'));
    return errs;
  }
  if ((pl.metadata?.name === 'exempt') !== (type === 'Exempt'))
    errs.push(invalid('spec.type', type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (type === 'Exempt') {
    if (isSet(spec.limited)) errs.push(invalid('spec.limited', spec.limited, 'must be nil if the type is not Limited'));
    const ex = obj(spec.exempt);
    if (typeof ex.nominalConcurrencyShares === 'number' && ex.nominalConcurrencyShares < 0)
      errs.push(invalid('spec.exempt.nominalConcurrencyShares', ex.nominalConcurrencyShares, 'must be a non-negative integer'));
    if (typeof ex.lendablePercent === 'number' && (ex.lendablePercent < 0 || ex.lendablePercent > 100))
      errs.push(invalid('spec.exempt.lendablePercent', ex.lendablePercent, 'must be between 0 and 100, inclusive'));
    return errs;
  }
  if (isSet(spec.exempt)) errs.push(invalid('spec.exempt', spec.exempt, 'must be nil if the type is Limited'));
  if (!isObj(spec.limited)) return [...errs, required('spec.limited', 'must not be empty when type is Limited')];
  const l = spec.limited;
  if (typeof l.nominalConcurrencyShares === 'number' && l.nominalConcurrencyShares < 0)
    errs.push(invalid('spec.limited.nominalConcurrencyShares', l.nominalConcurrencyShares, 'must be a non-negative integer'));
  if (typeof l.lendablePercent === 'number' && (l.lendablePercent < 0 || l.lendablePercent > 100))
    errs.push(invalid('spec.limited.lendablePercent', l.lendablePercent, 'must be between 0 and 100, inclusive'));
  if (typeof l.borrowingLimitPercent === 'number' && l.borrowingLimitPercent < 0)
    errs.push(invalid('spec.limited.borrowingLimitPercent', l.borrowingLimitPercent, 'if specified, must be a non-negative integer'));
  const lr = obj(l.limitResponse);
  const lrType: unknown = lr.type;
  if (!LIMIT_RESPONSES.includes(String(lrType))) errs.push(notSupported('spec.limited.limitResponse.type', lrType ?? '', LIMIT_RESPONSES));
  else if (lrType === 'Queue') {
    if (!isObj(lr.queuing)) errs.push(required('spec.limited.limitResponse.queuing', 'must not be empty if the type is Queue'));
    else errs.push(...validateQueuing(lr.queuing, 'spec.limited.limitResponse.queuing'));
  } else if (isSet(lr.queuing))
    errs.push(invalid('spec.limited.limitResponse.queuing', lr.queuing, 'must be nil if the type is not Queue'));
  return errs;
}

export const flowSchemaStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (isObj(spec)) spec.matchingPrecedence ||= 1000;
  },
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateFlowSchema,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
export const flowSchemaStatusStrategy: Strategy = statusStrategy();

export const priorityLevelConfigurationStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (!isObj(spec)) return;
    if (isObj(spec.exempt) || spec.type === 'Exempt') {
      spec.exempt = { nominalConcurrencyShares: 0, lendablePercent: 0, ...obj(spec.exempt) };
    }
    if (isObj(spec.limited)) {
      spec.limited.nominalConcurrencyShares ??= 30;
      spec.limited.lendablePercent ??= 0;
      const q = spec.limited.limitResponse?.queuing;
      if (isObj(q)) {
        q.queues ||= 64;
        q.handSize ||= 8;
        q.queueLengthLimit ||= 50;
      }
    }
  },
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validatePriorityLevelConfiguration,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
export const priorityLevelConfigurationStatusStrategy: Strategy = statusStrategy();
