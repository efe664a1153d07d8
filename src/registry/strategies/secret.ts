// core/v1 Secret: stringData folds into data; type-specific required keys; type and immutable data.
import type { Strategy } from '../types.js';
import { invalid, isObj, key, required, tooLong, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate, immutable } from './common/meta.js';
import { isConfigMapKey } from './common/names.js';
import { validateImmutableData } from './configmap.js';

export const MAX_SECRET_SIZE = 1024 * 1024;

/** The v1 conversion: stringData entries overwrite data as base64 and stringData is never stored. */
export function mergeStringData(secret: J): void {
  if (isObj(secret.stringData)) {
    const data = isObj(secret.data) ? secret.data : {};
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
}

const has = (data: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(data, k);
const decoded = (v: unknown) => Buffer.from(String(v ?? ''), 'base64');

export function validateSecret(secret: J): Errs {
  const errs: Errs = validateObjectMeta(secret.metadata, { namespaced: true });
  const data: Record<string, unknown> = isObj(secret.data) ? secret.data : {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)));
    size += decoded(v).length;
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const jsonKey = (k: string) => {
    if (!has(data, k)) {
      errs.push(required(key('data', k)));
      return;
    }
    try {
      JSON.parse(decoded(data[k]).toString('utf8'));
    } catch (e) {
      errs.push(invalid(key('data', k), '<secret contents redacted>', (e as Error).message));
    }
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name'])
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      jsonKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has(data, 'username') && !has(data, 'password')) errs.push(required(key('data', 'username')), required(key('data', 'password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (decoded(data['ssh-privatekey']).length === 0) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has(data, 'tls.crt')) errs.push(required(key('data', 'tls.crt')));
      if (!has(data, 'tls.key')) errs.push(required(key('data', 'tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

export const secretStrategy: Strategy = {
  defaults(obj) {
    mergeStringData(obj);
    obj.type ||= 'Opaque';
  },
  validate: validateSecret,
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...immutable(obj.type, old.type, 'type'),
    ...validateImmutableData(obj, old, ['data']),
  ],
  generationFields: [],
};
