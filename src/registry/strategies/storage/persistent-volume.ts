// core/v1 PersistentVolume (ValidatePersistentVolume): capacity, access modes, exactly one volume source, reclaim
// policy, claimRef, local volumes' node affinity; defaults Retain/Filesystem and status Pending on create.
import type { Strategy } from '../../types.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isObj,
  notSupported,
  obj,
  required,
  type Errs,
  type J,
} from '../common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsPathSegment } from '../common/names.js';
import { statusStrategy } from '../common/status.js';
import { canonicalizeResourceList, formatQuantity, parseQuantity } from '../../../machinery/api/quantity.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const PHASES = ['Available', 'Bound', 'Failed', 'Pending', 'Released'];
/** The volume sources a PersistentVolumeSpec may hold (exactly one of them). */
const SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

function validateSource(spec: J): Errs {
  const present = SOURCES.filter((s) => isObj(spec[s]));
  if (present.length === 0) return [required('spec', 'must specify a volume type')];
  const errs: Errs = [];
  if (present.length > 1) errs.push(forbidden(child('spec', present[1]!), 'may not specify more than 1 volume type'));
  const hp = spec.hostPath;
  if (isObj(hp)) {
    if (!hp.path) errs.push(required('spec.hostPath.path'));
    else if (String(hp.path).split('/').includes('..')) errs.push(invalid('spec.hostPath.path', hp.path, "must not contain '..'"));
  }
  const local = spec.local;
  if (isObj(local)) {
    if (!local.path) errs.push(required('spec.local.path'));
    else if (String(local.path).split('/').includes('..')) errs.push(invalid('spec.local.path', local.path, "must not contain '..'"));
    if (!isObj(spec.nodeAffinity)) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  const nfs = spec.nfs;
  if (isObj(nfs)) {
    if (!nfs.server) errs.push(required('spec.nfs.server'));
    if (!nfs.path) errs.push(required('spec.nfs.path'));
    else if (!String(nfs.path).startsWith('/')) errs.push(invalid('spec.nfs.path', nfs.path, 'must be an absolute path'));
  }
  const csi = spec.csi;
  if (isObj(csi)) {
    if (!csi.driver) errs.push(required('spec.csi.driver'));
    if (!csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
  }
  return errs;
}

export function validatePersistentVolume(pv: J): Errs {
  const errs = validateObjectMeta(pv.metadata, { namespaced: false, nameFn: nameIsPathSegment });
  const spec = obj(pv.spec);
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(required('spec.accessModes'));
  const seen = new Set<unknown>();
  modes.forEach((m, i) => {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES));
    if (seen.has(m)) errs.push(duplicate(index('spec.accessModes', i), m));
    seen.add(m);
  });
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    errs.push(forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const capacity = obj(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(required('spec.capacity'));
  for (const [k, v] of Object.entries(capacity)) {
    if (k !== 'storage') errs.push(notSupported('spec.capacity', k, ['storage']));
    const q = parseQuantity(v as string);
    if (!q)
      errs.push(
        invalid(`spec.capacity[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
      );
    else if (q.nanos <= 0n && k === 'storage') errs.push(invalid(`spec.capacity[${k}]`, formatQuantity(q), 'must be greater than zero'));
  }
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  if (spec.storageClassName)
    errs.push(...isDNS1123Subdomain(String(spec.storageClassName)).map((m) => invalid('spec.storageClassName', spec.storageClassName, m)));
  if (isObj(spec.claimRef)) {
    if (!spec.claimRef.name) errs.push(required('spec.claimRef.name'));
    if (spec.claimRef.namespace)
      errs.push(...isDNS1123Label(spec.claimRef.namespace).map((m) => invalid('spec.claimRef.namespace', spec.claimRef.namespace, m)));
  }
  errs.push(...validateSource(spec));
  const phase = pv.status?.phase;
  if (phase && !PHASES.includes(phase)) errs.push(notSupported('status.phase', phase, PHASES));
  return errs;
}

/** The volume source may not change after creation (ValidatePersistentVolumeUpdate). */
function validatePersistentVolumeUpdate(pv: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(pv.metadata, old.metadata);
  const source = (s: J) => Object.fromEntries(SOURCES.filter((k) => s?.[k] !== undefined).map((k) => [k, s[k]]));
  if (JSON.stringify(source(pv.spec)) !== JSON.stringify(source(old.spec)))
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  if (old.spec?.volumeMode !== undefined) errs.push(...immutable(pv.spec?.volumeMode, old.spec.volumeMode, 'spec.volumeMode'));
  if (isObj(old.spec?.nodeAffinity)) errs.push(...immutable(pv.spec?.nodeAffinity, old.spec.nodeAffinity, 'spec.nodeAffinity'));
  return errs;
}

export const persistentVolumeStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (!isObj(spec)) return;
    spec.persistentVolumeReclaimPolicy ||= 'Retain';
    spec.volumeMode ||= 'Filesystem';
    canonicalizeResourceList(spec.capacity);
  },
  prepareForCreate(o) {
    // PersistentVolumeLastPhaseTransitionTime (GA in 1.31): the phase and when it was entered.
    o.status = { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  },
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  generationFields: [],
};

/** /status: a phase change stamps lastPhaseTransitionTime unless the writer set it. */
export const persistentVolumeStatusStrategy: Strategy = {
  ...statusStrategy({
    validateUpdate: (o) => {
      const phase = (o as J).status?.phase;
      return phase && !PHASES.includes(phase) ? [notSupported('status.phase', phase, PHASES)] : [];
    },
  }),
  prepareForUpdate(o, old) {
    statusStrategy().prepareForUpdate!(o, old);
    const s = (o as J).status;
    const was = (old as J).status;
    if (isObj(s) && s.phase !== was?.phase && s.lastPhaseTransitionTime === was?.lastPhaseTransitionTime)
      s.lastPhaseTransitionTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  },
};
