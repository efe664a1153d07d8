// core/v1 LimitRange: per Container, Pod or PersistentVolumeClaim bounds; defaults as SetDefaults_LimitRangeItem
// (a Container's default limit from max, its default request from the default limit, else from min).
import type { Strategy } from '../types.js';
import { canonicalizeResourceList, compareQuantity } from '../../machinery/api/quantity.js';
import { arr, child, index, invalid, isObj, key, notSupported, obj, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { validateResourceList } from './resourcequota.js';

const TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
const FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

export function defaultLimitRange(lr: J): void {
  for (const item of arr(lr.spec?.limits)) {
    if (!isObj(item)) continue;
    for (const f of FIELDS) canonicalizeResourceList(item[f]);
    if (item.type !== 'Container') continue;
    item.default = obj(item.default);
    item.defaultRequest = obj(item.defaultRequest);
    for (const [k, v] of Object.entries(obj(item.max))) item.default[k] ??= v;
    for (const [k, v] of Object.entries(item.default)) item.defaultRequest[k] ??= v;
    for (const [k, v] of Object.entries(obj(item.min))) item.defaultRequest[k] ??= v;
  }
}

export function validateLimitRange(lr: J): Errs {
  const errs = validateObjectMeta(lr.metadata, { namespaced: true });
  arr(lr.spec?.limits).forEach((item: J, i: number) => {
    const p = index('spec.limits', i);
    if (!item?.type) errs.push(required(child(p, 'type')));
    else if (!TYPES.includes(item.type)) errs.push(notSupported(child(p, 'type'), item.type, TYPES));
    for (const f of FIELDS) errs.push(...validateResourceList(item?.[f], child(p, f)));
    if (item?.type === 'Pod' && (isObj(item.default) || isObj(item.defaultRequest))) {
      if (Object.keys(obj(item.default)).length)
        errs.push(invalid(child(p, 'default'), item.default, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(obj(item.defaultRequest)).length)
        errs.push(invalid(child(p, 'defaultRequest'), item.defaultRequest, "may not be specified when `type` is 'Pod'"));
    }
    // min <= defaultRequest <= default <= max, as ValidateLimitRange checks each pair.
    for (const [k, min] of Object.entries(obj(item?.min))) {
      const max = obj(item?.max)[k];
      if (max !== undefined && compareQuantity(min as string, max as string) > 0)
        errs.push(invalid(key(child(p, 'min'), k), min, `min value ${min} is greater than max value ${max}`));
    }
    for (const [k, dr] of Object.entries(obj(item?.defaultRequest))) {
      const d = obj(item?.default)[k];
      if (d !== undefined && compareQuantity(dr as string, d as string) > 0)
        errs.push(invalid(key(child(p, 'defaultRequest'), k), dr, `default request value ${dr} is greater than default limit value ${d}`));
    }
  });
  return errs;
}

export const limitRangeStrategy: Strategy = {
  defaults: (lr) => defaultLimitRange(lr as J),
  validate: validateLimitRange,
  validateUpdate: (lr, old) => validateObjectMetaUpdate(lr.metadata, old.metadata),
};
