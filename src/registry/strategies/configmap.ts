// core/v1 ConfigMap: keys are file names; `immutable: true` freezes data.
import type { Strategy } from '../types.js';
import { forbidden, invalid, isObj, key, tooLong, type Errs, type J } from './common/field.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isConfigMapKey } from './common/names.js';

export const MAX_CONFIGMAP_SIZE = 1024 * 1024;

export function validateConfigMap(cm: J): Errs {
  const errs: Errs = validateObjectMeta(cm.metadata, { namespaced: true });
  const data = isObj(cm.data) ? cm.data : {};
  const binary = isObj(cm.binaryData) ? cm.binaryData : {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)));
    size += Buffer.byteLength(String(v ?? ''));
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('binaryData', k), k, m)));
    if (Object.hasOwn(data, k)) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    size += Buffer.from(String(v ?? ''), 'base64').length;
  }
  if (size > MAX_CONFIGMAP_SIZE) errs.push(tooLong('', MAX_CONFIGMAP_SIZE));
  return errs;
}

/** Shared by ConfigMap and Secret: once immutable, stays immutable and its payload is frozen. */
export function validateImmutableData(obj: J, old: J, fields: string[]): Errs {
  if (old.immutable !== true) return [];
  const errs: Errs = [];
  const msg = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) errs.push(forbidden('immutable', msg));
  for (const f of fields) if (!deepEqual(obj[f], old[f])) errs.push(forbidden(f, msg));
  return errs;
}

export const configMapStrategy: Strategy = {
  validate: validateConfigMap,
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutableData(obj, old, ['data', 'binaryData']),
  ],
  generationFields: [],
};
