// core/v1 PersistentVolumeClaim: access modes, storage request, volume mode; spec frozen except requests.
import type { Strategy } from '../types.js';
import { arr, duplicate, forbidden, index, invalid, isObj, key, notSupported, required, type Errs, type J } from './common/field.js';
import { clone, deepEqual } from '../../machinery/api/equality.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { canonicalizeResourceList, compareQuantity, formatQuantity, parseQuantity } from '../../machinery/api/quantity.js';
import { validateLabelSelector } from './common/selector.js';
import { isDNS1123Subdomain } from './common/names.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

export function validatePVC(pvc: J): Errs {
  const errs: Errs = validateObjectMeta(pvc.metadata, { namespaced: true });
  const spec: J = isObj(pvc.spec) ? pvc.spec : {};
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  const seen = new Set<string>();
  modes.forEach((m, i) => {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES));
    if (seen.has(m)) errs.push(duplicate(index('spec.accessModes', i), m));
    seen.add(m);
  });
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    errs.push(forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const storage = spec.resources?.requests?.storage;
  const q = storage === undefined ? null : parseQuantity(storage);
  if (storage === undefined) errs.push(required(key('spec.resources', 'storage')));
  else if (!q || q.nanos <= 0n)
    errs.push(invalid(key('spec.resources', 'storage'), q ? formatQuantity(q) : storage, 'must be greater than zero'));
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  if (spec.storageClassName) {
    // StorageClass names are DNS subdomains; an empty string means "no class".
    errs.push(...isDNS1123Subdomain(String(spec.storageClassName)).map((m) => invalid('spec.storageClassName', spec.storageClassName, m)));
  }
  return errs;
}

export function validatePVCUpdate(pvc: J, old: J): Errs {
  const errs: Errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  const spec: J = clone(pvc.spec ?? {});
  const oldSpec: J = clone(old.spec ?? {});
  const bound = old.status?.phase === 'Bound';
  const newStorage = spec.resources?.requests?.storage;
  const oldStorage = oldSpec.resources?.requests?.storage;
  // Only requests (resize of a bound claim) and the volume attributes class may change.
  for (const s of [spec, oldSpec]) {
    if (isObj(s.resources)) delete s.resources.requests;
    delete s.volumeAttributesClassName;
  }
  // volumeName may be set once by the binder.
  if (!oldSpec.volumeName && spec.volumeName) oldSpec.volumeName = spec.volumeName;
  if (!deepEqual(spec, oldSpec)) {
    errs.push(
      forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'),
    );
  }
  if (newStorage !== undefined && oldStorage !== undefined && compareQuantity(newStorage, oldStorage) !== 0) {
    if (!bound)
      errs.push(
        forbidden(
          'spec.resources.requests.storage',
          'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
        ),
      );
    else if (compareQuantity(newStorage, oldStorage) < 0)
      errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  defaults(obj) {
    const spec: J = obj.spec;
    if (isObj(spec)) {
      spec.volumeMode ||= 'Filesystem';
      if (isObj(spec.resources)) {
        canonicalizeResourceList(spec.resources.requests);
        canonicalizeResourceList(spec.resources.limits);
      }
    }
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validatePVC,
  validateUpdate: validatePVCUpdate,
  generationFields: [],
};
