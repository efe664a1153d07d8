// coordination.k8s.io/v1 Lease: leader election records.
import type { Strategy } from '../types.js';
import { isObj, nonNegative, positive, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';

export function validateLease(l: J): Errs {
  const errs: Errs = validateObjectMeta(l.metadata, { namespaced: true });
  const spec: J = isObj(l.spec) ? l.spec : {};
  errs.push(...positive(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds'));
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}

export const leaseStrategy: Strategy = {
  validate: validateLease,
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: [],
};
