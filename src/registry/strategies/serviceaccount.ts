// core/v1 ServiceAccount: DNS-1123 subdomain names; references to secrets by name.
import type { Strategy } from '../types.js';
import { arr, child, index, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';

function validateRefs(refs: J[], field: string): Errs {
  return refs.flatMap((r, i) => (r?.name ? [] : [required(child(index(field, i), 'name'))]));
}

export const serviceAccountStrategy: Strategy = {
  validate: (obj) => [
    ...validateObjectMeta(obj.metadata, { namespaced: true }),
    ...validateRefs(arr(obj.imagePullSecrets), 'imagePullSecrets'),
  ],
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: [],
};
