// node.k8s.io/v1 RuntimeClass: a DNS-label handler (immutable), overhead quantities, scheduling.
import type { Strategy } from '../types.js';
import { canonicalizeResourceList } from '../../machinery/api/quantity.js';
import { invalid, required, type Errs, type J } from './common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1123Label } from './common/names.js';
import { validateResourceList } from './resourcequota.js';

export function validateRuntimeClass(rc: J): Errs {
  const errs = validateObjectMeta(rc.metadata, { namespaced: false });
  if (!rc.handler) errs.push(required('handler'));
  else errs.push(...isDNS1123Label(String(rc.handler)).map((m) => invalid('handler', rc.handler, m)));
  errs.push(...validateResourceList(rc.overhead?.podFixed, 'overhead.podFixed'));
  return errs;
}

export const runtimeClassStrategy: Strategy = {
  defaults: (rc) => canonicalizeResourceList((rc as J).overhead?.podFixed),
  validate: validateRuntimeClass,
  validateUpdate: (rc, old) => [
    ...validateObjectMetaUpdate(rc.metadata, old.metadata),
    ...immutable((rc as J).handler, (old as J).handler, 'handler'),
  ],
};
