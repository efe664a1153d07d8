// apps/v1 ControllerRevision (pkg/registry/apps/controllerrevision/strategy.go, ValidateControllerRevision): an
// immutable snapshot of a controller's template; revision is a non-negative number the owner may move, data never
// changes once written.
import type { Strategy } from '../types.js';
import { nonNegative, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { invalidGo } from './common/field.js';
import { deepEqual } from '../../machinery/api/equality.js';

export function validateControllerRevision(r: J): Errs {
  const errs: Errs = validateObjectMeta(r.metadata, { namespaced: true });
  if (r.data === undefined || r.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(r.revision, 'revision'));
  return errs;
}

export const controllerRevisionStrategy: Strategy = {
  validate: validateControllerRevision,
  validateUpdate: (obj: J, old: J) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...(deepEqual(obj.data, old.data) ? [] : [invalidGo('data', 'runtime.RawExtension{...}', 'field is immutable')]),
  ],
};
