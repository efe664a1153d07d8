// Pieces shared by apps/v1 controllers: selector vs template checks (ValidatePodTemplateSpecForReplicaSet).
import { forbidden, invalidGo, isObj, notSupported, required, type Errs, type J } from './field.js';
import { goLabelSelector, goStringMap } from './gorender.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from './selector.js';
import { deepEqual } from '../../../machinery/api/equality.js';
import { validatePodSpec } from '../pod/validation.js';

/** spec.selector: required, valid, non-empty ("empty selector is invalid for deployment" for the ReplicaSet too). */
export function validateWorkloadSelector(spec: J, kind = 'deployment'): Errs {
  if (!isObj(spec.selector)) return [required('spec.selector')];
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  if (selectorIsEmpty(spec.selector))
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), `empty selector is invalid for ${kind}`));
  return errs;
}

/** The template must be selected by the selector, restart Always, and carry no activeDeadlineSeconds. */
export function validateTemplateForReplicas(spec: J): Errs {
  const errs: Errs = [];
  const tpl: J = isObj(spec.template) ? spec.template : {};
  const labels = tpl.metadata?.labels;
  // A missing selector matches nothing, so a missing selector also reports the mismatch (as Kubernetes does).
  if (!isObj(spec.selector) || !selectorIsEmpty(spec.selector)) {
    if (!selectorMatches(spec.selector, labels)) {
      errs.push(invalidGo('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  errs.push(...validateAnnotations(tpl.metadata?.annotations, 'spec.template.metadata.annotations'));
  errs.push(...validatePodSpec(tpl.spec, 'spec.template.spec', { forPod: false }));
  const rp = tpl.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp ?? '', ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/** apps/v1: the selector never changes after create (rendered as the Go struct, as 1.33 prints it). */
export function validateSelectorImmutable(spec: J, oldSpec: J): Errs {
  if (deepEqual(spec?.selector, oldSpec?.selector)) return [];
  return [invalidGo('spec.selector', goLabelSelector(spec?.selector), 'field is immutable')];
}
