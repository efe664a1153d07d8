// core/v1 PodTemplate: a named pod template; its spec defaulted and validated as a pod template's.
import type { Strategy } from '../types.js';
import { isObj, type Errs, type J } from './common/field.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { defaultPodSpec } from './pod/defaults.js';
import { validatePodSpec } from './pod/validation.js';

export function validatePodTemplate(pt: J): Errs {
  const errs = validateObjectMeta(pt.metadata, { namespaced: true });
  const tpl: J = isObj(pt.template) ? pt.template : {};
  errs.push(...validateLabels(tpl.metadata?.labels, 'template.metadata.labels'));
  errs.push(...validateAnnotations(tpl.metadata?.annotations, 'template.metadata.annotations'));
  errs.push(...validatePodSpec(tpl.spec, 'template.spec', { forPod: false }));
  return errs;
}

export const podTemplateStrategy: Strategy = {
  defaults(pt) {
    const t = (pt as J).template;
    if (isObj(t) && isObj(t.spec)) defaultPodSpec(t.spec);
  },
  validate: validatePodTemplate,
  validateUpdate: (pt, old) => validateObjectMetaUpdate(pt.metadata, old.metadata),
  generationFields: ['template'],
};
