// storage.k8s.io/v1 VolumeAttachment, CSIDriver, CSINode, CSIStorageCapacity (pkg/apis/storage/validation).
import type { Strategy } from '../../types.js';
import {
  arr,
  child,
  duplicate,
  index,
  invalid,
  isObj,
  isSet,
  notSupported,
  obj,
  required,
  tooLong,
  type Errs,
  type J,
} from '../common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1123Subdomain, isQualifiedName, maxLenError, regexError } from '../common/names.js';
import { statusStrategy } from '../common/status.js';
import { validateLabelSelector } from '../common/selector.js';
import { parseQuantity } from '../../../machinery/api/quantity.js';
import { deepEqual } from '../../../machinery/api/equality.js';

const CSI_NAME_FMT = '^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$';
const MAX_NODE_ID = 192;

/** ValidateCSIDriverName: at most 63 characters of a qualified-name-like form. */
function validateCSIDriverName(name: unknown, field: string): Errs {
  if (typeof name !== 'string' || name === '') return [required(field)];
  const errs: Errs = [];
  if (name.length > 63) errs.push(tooLong(field, 63));
  if (!new RegExp(CSI_NAME_FMT).test(name.toLowerCase()))
    errs.push(
      invalid(
        field,
        name,
        regexError(
          "a CSI driver name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          CSI_NAME_FMT.slice(1, -1),
        ),
      ),
    );
  return errs;
}

// --- VolumeAttachment ---

export function validateVolumeAttachment(va: J): Errs {
  const errs = validateObjectMeta(va.metadata, { namespaced: false });
  const spec = obj(va.spec);
  if (!spec.attacher) errs.push(required('spec.attacher'));
  else errs.push(...validateCSIDriverName(spec.attacher, 'spec.attacher'));
  if (!spec.nodeName) errs.push(required('spec.nodeName'));
  else errs.push(...isDNS1123Subdomain(String(spec.nodeName)).map((m) => invalid('spec.nodeName', spec.nodeName, m)));
  const src = obj(spec.source);
  const n = Number(isSet(src.persistentVolumeName)) + Number(isObj(src.inlineVolumeSpec));
  if (n !== 1) errs.push(invalid('spec.source', src, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (isSet(src.persistentVolumeName) && src.persistentVolumeName === '')
    errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  return errs;
}

export const volumeAttachmentStrategy: Strategy = {
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateVolumeAttachment,
  validateUpdate: (o, old) => {
    const errs = validateObjectMetaUpdate(o.metadata, old.metadata);
    if (!deepEqual((o as J).spec, (old as J).spec)) errs.push(invalid('spec', (o as J).spec, 'field is immutable'));
    return errs;
  },
  generationFields: [],
};
export const volumeAttachmentStatusStrategy: Strategy = statusStrategy();

// --- CSIDriver ---

const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Ephemeral', 'Persistent'];

export function validateCSIDriver(d: J): Errs {
  const errs = validateObjectMeta({ ...obj(d.metadata), name: 'x' }, { namespaced: false });
  errs.push(...validateCSIDriverName(d.metadata?.name, 'metadata.name'));
  const spec = obj(d.spec);
  for (const f of ['attachRequired', 'podInfoOnMount', 'storageCapacity', 'requiresRepublish'])
    if (!isSet(spec[f]) && f !== 'requiresRepublish') errs.push(required(`spec.${f}`));
  if (!spec.fsGroupPolicy) errs.push(required('spec.fsGroupPolicy'));
  else if (!FS_GROUP_POLICIES.includes(spec.fsGroupPolicy))
    errs.push(notSupported('spec.fsGroupPolicy', spec.fsGroupPolicy, FS_GROUP_POLICIES));
  arr(spec.volumeLifecycleModes).forEach((m: unknown) => {
    if (!LIFECYCLE_MODES.includes(String(m))) errs.push(notSupported('spec.volumeLifecycleModes', m, LIFECYCLE_MODES));
  });
  const audiences = new Set<string>();
  arr(spec.tokenRequests).forEach((t: J, i) => {
    const aud = String(t?.audience ?? '');
    if (audiences.has(aud)) errs.push(duplicate(index('spec.tokenRequests', i).concat('.audience'), aud));
    audiences.add(aud);
    if (isSet(t?.expirationSeconds) && t.expirationSeconds < 600)
      errs.push(
        invalid(
          index('spec.tokenRequests', i).concat('.expirationSeconds'),
          t.expirationSeconds,
          'may not specify a duration less than 10 minutes',
        ),
      );
  });
  return errs;
}

export const csiDriverStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (!isObj(spec)) return;
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ||= 'ReadWriteOnceWithFSType';
    spec.requiresRepublish ??= false;
    if (arr(spec.volumeLifecycleModes).length === 0) spec.volumeLifecycleModes = ['Persistent'];
  },
  validate: validateCSIDriver,
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...immutable((o as J).spec?.attachRequired, (old as J).spec?.attachRequired, 'spec.attachRequired'),
    ...immutable((o as J).spec?.volumeLifecycleModes, (old as J).spec?.volumeLifecycleModes, 'spec.volumeLifecycleModes'),
  ],
  generationFields: [],
};

// --- CSINode ---

export function validateCSINode(n: J): Errs {
  const errs = validateObjectMeta(n.metadata, { namespaced: false });
  const names = new Set<string>();
  arr(n.spec?.drivers).forEach((d: J, i) => {
    const f = index('spec.drivers', i);
    errs.push(...validateCSIDriverName(d?.name, child(f, 'name')));
    if (names.has(d?.name)) errs.push(duplicate(child(f, 'name'), d.name));
    names.add(d?.name);
    if (!d?.nodeID) errs.push(required(child(f, 'nodeID')));
    else if (String(d.nodeID).length > MAX_NODE_ID) errs.push(invalid(child(f, 'nodeID'), d.nodeID, maxLenError(MAX_NODE_ID)));
    const keys = new Set<string>();
    arr(d?.topologyKeys).forEach((k: unknown, j) => {
      const kp = index(child(f, 'topologyKeys'), j);
      if (!k) errs.push(required(kp));
      else errs.push(...isQualifiedName(String(k)).map((m) => invalid(kp, k, m)));
      if (keys.has(String(k))) errs.push(duplicate(kp, k));
      keys.add(String(k));
    });
    const count = d?.allocatable?.count;
    if (typeof count === 'number' && count < 0)
      errs.push(invalid(child(f, 'allocatable.count'), count, 'must be greater than or equal to 0'));
  });
  return errs;
}

export const csiNodeStrategy: Strategy = {
  validate: validateCSINode,
  validateUpdate: (o, old) => {
    const errs = validateObjectMetaUpdate(o.metadata, old.metadata);
    // A driver's nodeID and topology keys may not change while it stays registered. The new drivers are
    // indexed by name once (the first of a name, as a find would): a find per old driver was quadratic.
    const byName = new Map<unknown, J>();
    for (const d of arr((o as J).spec?.drivers)) if (!byName.has(d?.name)) byName.set(d?.name, d);
    for (const od of arr((old as J).spec?.drivers)) {
      const nd = byName.get(od?.name);
      if (nd && (nd.nodeID !== od.nodeID || !deepEqual(nd.topologyKeys ?? [], od.topologyKeys ?? [])))
        errs.push(invalid('spec.drivers', nd, 'field is immutable'));
    }
    return errs;
  },
  generationFields: [],
};

// --- CSIStorageCapacity ---

export function validateCSIStorageCapacity(c: J): Errs {
  const errs = validateObjectMeta(c.metadata, { namespaced: true });
  if (!c.storageClassName) errs.push(required('storageClassName'));
  else errs.push(...isDNS1123Subdomain(String(c.storageClassName)).map((m) => invalid('storageClassName', c.storageClassName, m)));
  errs.push(...validateLabelSelector(c.nodeTopology, 'nodeTopology'));
  for (const f of ['capacity', 'maximumVolumeSize']) {
    const v: unknown = c[f];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const q = parseQuantity(v);
    if (!q) errs.push(invalid(f, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    else if (q.nanos < 0n) errs.push(invalid(f, v, 'must be greater than or equal to 0'));
  }
  return errs;
}

export const csiStorageCapacityStrategy: Strategy = {
  validate: validateCSIStorageCapacity,
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...immutable((o as J).storageClassName, (old as J).storageClassName, 'storageClassName'),
    ...immutable((o as J).nodeTopology, (old as J).nodeTopology, 'nodeTopology'),
  ],
  generationFields: [],
};
