// apps/v1 ReplicaSet: replicas default 1, selector required/matching/immutable, pod template defaults.
import type { Strategy } from '../types.js';
import { isObj, nonNegative, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { validateSelectorImmutable, validateTemplateForReplicas, validateWorkloadSelector } from './common/workload.js';
import { defaultPodSpec } from './pod/defaults.js';

export function defaultReplicaSet(rs: J): void {
  const spec = isObj(rs.spec) ? rs.spec : (rs.spec = {});
  spec.replicas ??= 1;
  if (isObj(spec.template)) {
    spec.template.metadata = isObj(spec.template.metadata) ? spec.template.metadata : {};
    if (!('creationTimestamp' in spec.template.metadata)) spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(spec.template.spec);
  }
}

export function validateReplicaSet(rs: J): Errs {
  const errs: Errs = validateObjectMeta(rs.metadata, { namespaced: true });
  const spec: J = isObj(rs.spec) ? rs.spec : {};
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateWorkloadSelector(spec));
  errs.push(...validateTemplateForReplicas(spec));
  return errs;
}

export const replicaSetStrategy: Strategy = {
  defaults: defaultReplicaSet,
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateReplicaSet,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSelectorImmutable(obj.spec, old.spec)],
  generationFields: ['spec'],
};
