// policy/v1 PodDisruptionBudget (pkg/apis/policy/validation and pkg/registry/policy/poddisruptionbudget): at most
// one of minAvailable / maxUnavailable, each a non-negative int or a percent of at most 100%, a valid selector, a
// known unhealthyPodEvictionPolicy. Status starts empty and only /status writes it; generation follows the spec.
import type { Strategy } from '../types.js';
import { invalid, isObj, isSet, nonNegative, notSupported, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { validateLabelSelector } from './common/selector.js';

export const UNHEALTHY_POD_EVICTION_POLICIES = ['IfHealthyBudget', 'AlwaysAllow'];
const PERCENT = /^[0-9]+%$/;
const PERCENT_ERROR =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
function intOrPercent(v: unknown, field: string): Errs {
  if (typeof v === 'number') return nonNegative(v, field);
  if (typeof v !== 'string') return [invalid(field, v, "must be an integer or percentage (e.g '5%')")];
  if (!PERCENT.test(v)) return [invalid(field, v, PERCENT_ERROR)];
  return Number(v.slice(0, -1)) > 100 ? [invalid(field, v, 'must not be greater than 100%')] : [];
}

export function validatePodDisruptionBudget(pdb: J): Errs {
  const errs: Errs = validateObjectMeta(pdb.metadata, { namespaced: true });
  const spec: J = isObj(pdb.spec) ? pdb.spec : {};
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(
      invalid(
        'spec',
        { minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable },
        'minAvailable and maxUnavailable cannot be both set',
      ),
    );
  }
  if (isSet(spec.minAvailable)) errs.push(...intOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (isSet(spec.maxUnavailable)) errs.push(...intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(String(policy))) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

export const podDisruptionBudgetStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validatePodDisruptionBudget,
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: ['spec'],
};
