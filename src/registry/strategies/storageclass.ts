// storage.k8s.io/v1 StorageClass: defaults (reclaimPolicy Delete, volumeBindingMode Immediate), validation and
// the fields an update may not touch (parameters, provisioner, reclaimPolicy, volumeBindingMode).
import type { Strategy } from '../types.js';
import { forbidden, invalid, isObj, key, notSupported, required, tooLong, type Errs, type J } from './common/field.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isQualifiedName } from './common/names.js';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
/** Total size of keys and values in parameters (maxProvisionerParameterSize). */
const MAX_PARAMETERS_SIZE = 256 * 1024;
const MAX_PARAMETERS = 512;

export function validateStorageClass(sc: J): Errs {
  const errs: Errs = validateObjectMeta(sc.metadata, { namespaced: false });
  const prov = sc.provisioner;
  if (typeof prov !== 'string' || prov === '') errs.push(required('provisioner'));
  else errs.push(...isQualifiedName(prov.toLowerCase()).map((m) => invalid('provisioner', prov, m)));
  if (sc.parameters !== undefined && sc.parameters !== null) {
    const params = isObj(sc.parameters) ? sc.parameters : {};
    const entries = Object.entries(params);
    if (entries.length > MAX_PARAMETERS) errs.push(tooLong('parameters', MAX_PARAMETERS));
    let size = 0;
    for (const [k, v] of entries) {
      if (k === '') errs.push(invalid('parameters', k, 'field can not be empty.'));
      size += k.length + String(v).length;
    }
    if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong('parameters', MAX_PARAMETERS_SIZE));
  }
  if (sc.reclaimPolicy && !RECLAIM_POLICIES.includes(sc.reclaimPolicy))
    errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, RECLAIM_POLICIES));
  if (!sc.volumeBindingMode) errs.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
  (Array.isArray(sc.mountOptions) ? sc.mountOptions : []).forEach((o: unknown, i: number) => {
    if (typeof o !== 'string') errs.push(invalid(key('mountOptions', String(i)), o, 'must be a string'));
  });
  return errs;
}

export function validateStorageClassUpdate(sc: J, old: J): Errs {
  const errs: Errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  if (!deepEqual(sc.parameters ?? null, old.parameters ?? null)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(invalid('volumeBindingMode', sc.volumeBindingMode, 'field is immutable'));
  return errs;
}

export const storageClassStrategy: Strategy = {
  defaults(obj) {
    const sc = obj as J;
    sc.reclaimPolicy ||= 'Delete';
    sc.volumeBindingMode ||= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  generationFields: [],
};

/** storageclass.kubernetes.io/is-default-class (and its beta form) set to "true". */
export const IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const IS_DEFAULT_CLASS_BETA = 'storageclass.beta.kubernetes.io/is-default-class';
export function isDefaultClass(sc: { metadata?: { annotations?: Record<string, string> } }): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[IS_DEFAULT_CLASS] === 'true' || a[IS_DEFAULT_CLASS_BETA] === 'true';
}
