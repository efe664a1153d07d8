// core/v1 ResourceQuota: spec.hard quantities and scopes; status (hard, used) only through /status, kept by the
// resourcequota controller and charged by the ResourceQuota admission.
import type { Strategy } from '../types.js';
import { canonicalizeResourceList, parseQuantity, QUANTITY_REGEX_MESSAGE } from '../../machinery/api/quantity.js';
import { arr, child, invalid, isObj, key, notSupported, obj, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';

const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function validateResourceList(list: unknown, path: string): Errs {
  const errs: Errs = [];
  for (const [k, v] of Object.entries(obj(list))) {
    const q = parseQuantity(v as string);
    if (!q) errs.push(invalid(key(path, k), v, QUANTITY_REGEX_MESSAGE));
    else if (q.nanos < 0n) errs.push(invalid(key(path, k), v, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateResourceQuota(rq: J): Errs {
  const errs = validateObjectMeta(rq.metadata, { namespaced: true });
  const spec: J = obj(rq.spec);
  errs.push(...validateResourceList(spec.hard, 'spec.hard'));
  arr(spec.scopes).forEach((s, i) => {
    if (!SCOPES.includes(s)) errs.push(notSupported(`spec.scopes[${i}]`, s, SCOPES));
  });
  arr(spec.scopeSelector?.matchExpressions).forEach((e, i) => {
    const p = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!SCOPES.includes(e?.scopeName)) errs.push(notSupported(child(p, 'scopeName'), e?.scopeName, SCOPES));
    if (!OPERATORS.includes(e?.operator)) errs.push(notSupported(child(p, 'operator'), e?.operator, OPERATORS));
  });
  if (isObj(rq.status)) {
    errs.push(...validateResourceList(rq.status.hard, 'status.hard'));
    errs.push(...validateResourceList(rq.status.used, 'status.used'));
  }
  return errs;
}

export const resourceQuotaStrategy: Strategy = {
  defaults(rq) {
    const r = rq as J;
    canonicalizeResourceList(r.spec?.hard);
    canonicalizeResourceList(r.status?.hard);
    canonicalizeResourceList(r.status?.used);
  },
  prepareForCreate(rq) {
    delete (rq as J).status;
  },
  prepareForUpdate(rq, old) {
    // A copy: the old object is the cache's (frozen), and defaulting canonicalizes the status's lists in place.
    if ((old as J).status !== undefined) (rq as J).status = structuredClone((old as J).status);
    else delete (rq as J).status;
  },
  validate: validateResourceQuota,
  validateUpdate: (rq, old) => validateObjectMetaUpdate(rq.metadata, old.metadata),
};
