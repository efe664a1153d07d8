// core/v1 ReplicationController: the map-selector ancestor of ReplicaSet. Defaults as SetDefaults_ReplicationController
// (selector and labels from the template's labels when empty, replicas 1); validation as ValidateReplicationController
// (non-empty selector matching the template, restart Always). Unlike apps/v1, the selector may change.
import type { Strategy } from '../types.js';
import { isObj, nonNegative, required, type Errs, type J } from './common/field.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { validateTemplateForReplicas } from './common/workload.js';
import { defaultPodSpec } from './pod/defaults.js';

export function defaultReplicationController(rc: J): void {
  const spec = isObj(rc.spec) ? rc.spec : (rc.spec = {});
  const labels = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObj(labels)) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    rc.metadata ??= {};
    if (!isObj(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  if (isObj(spec.template)) {
    if (!('creationTimestamp' in spec.template.metadata)) spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(spec.template.spec);
  }
}

function validateSpec(spec: J): Errs {
  const errs: Errs = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) errs.push(required('spec.selector'));
  else errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!isObj(spec.template)) errs.push(required('spec.template'));
  else if (isObj(spec.selector))
    errs.push(...validateTemplateForReplicas({ selector: { matchLabels: spec.selector }, template: spec.template }));
  return errs;
}

export function validateReplicationController(rc: J): Errs {
  return [...validateObjectMeta(rc.metadata, { namespaced: true }), ...validateSpec(isObj(rc.spec) ? rc.spec : {})];
}

export const replicationControllerStrategy: Strategy = {
  defaults: defaultReplicationController,
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateReplicationController,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSpec(isObj(obj.spec) ? obj.spec : {})],
  generationFields: ['spec'],
};
