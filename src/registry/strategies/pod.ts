// core/v1 Pod strategy: defaults, admission defaults on create, validation, immutable spec on update.
import type { KObject, Strategy } from '../types.js';
import { arr, forbidden, isObj, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { nameIsDNSSubdomain } from './common/names.js';
import { admitNewPod, defaultPod } from './pod/defaults.js';
import { computeQOSClass } from './pod/qos.js';
import { validatePodSpecUpdate } from './pod/update.js';
import { validatePodSpec } from './pod/validation.js';

export { computeQOSClass } from './pod/qos.js';
export { defaultPod, defaultPodSpec, admitNewPod, defaultPullPolicy } from './pod/defaults.js';
export { validatePodSpec } from './pod/validation.js';
export { validatePodSpecUpdate, UPDATABLE_POD_SPEC_FIELDS } from './pod/update.js';

export function validatePod(pod: KObject): Errs {
  const errs: Errs = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validatePodSpec(pod.spec, 'spec', { forPod: true }));
  return errs;
}

export const podStrategy: Strategy = {
  defaults: (obj) => defaultPod(obj),
  prepareForCreate(obj) {
    const spec: J = obj.spec;
    admitNewPod(obj);
    // A negative grace period means "immediately" but is stored as 1 (the kubelet's minimum).
    if (isObj(spec) && typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
      spec.terminationGracePeriodSeconds = 1;
    obj.status = { phase: 'Pending', qosClass: computeQOSClass(spec) };
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validatePod,
  // Ephemeral containers come only through pods/ephemeralcontainers, once the pod exists (ValidatePodCreate).
  validateCreate: (obj) =>
    arr((obj.spec as J)?.ephemeralContainers).length ? [forbidden('spec.ephemeralContainers', 'cannot be set on create')] : [],
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePodSpecUpdate(obj.spec, old.spec)],
  generationFields: ['spec'],
};
