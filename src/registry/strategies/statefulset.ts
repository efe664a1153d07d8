// apps/v1 StatefulSet (pkg/registry/apps/statefulset/strategy.go, apps/v1 defaults, ValidateStatefulSet): defaults
// (OrderedReady, RollingUpdate partition 0, Retain/Retain claims, 1 replica, history 10), validation, and the spec
// fields an update may change (replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy, minReadySeconds); every other spec change is forbidden.
import type { Strategy } from '../types.js';
import {
  arr,
  child,
  forbidden,
  index,
  invalid,
  isObj,
  isSet,
  nonNegative,
  notSupported,
  required,
  type Errs,
  type J,
} from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1123Label } from './common/names.js';
import { validateTemplateForReplicas, validateWorkloadSelector } from './common/workload.js';
import { defaultPodSpec } from './pod/defaults.js';
import { validateIntOrPercent } from './deployment.js';
import { deepEqual } from '../../machinery/api/equality.js';

const RETENTION = ['Retain', 'Delete'];
/** The spec fields an update may change (ValidateStatefulSetUpdate). */
const MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function defaultTemplate(tpl: J): void {
  if (!isObj(tpl)) return;
  tpl.metadata = isObj(tpl.metadata) ? tpl.metadata : {};
  if (!('creationTimestamp' in tpl.metadata)) tpl.metadata.creationTimestamp = null;
  defaultPodSpec(tpl.spec);
}

export function defaultStatefulSet(s: J): void {
  const spec = isObj(s.spec) ? s.spec : (s.spec = {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  spec.updateStrategy.type ||= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate = isObj(spec.updateStrategy.rollingUpdate) ? spec.updateStrategy.rollingUpdate : {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const policy = isObj(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
  policy.whenDeleted ||= 'Retain';
  policy.whenScaled ||= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy = policy;
  for (const claim of arr(spec.volumeClaimTemplates)) {
    if (!isObj(claim)) continue;
    claim.apiVersion ||= 'v1';
    claim.kind ||= 'PersistentVolumeClaim';
    claim.spec = isObj(claim.spec) ? claim.spec : {};
    claim.spec.volumeMode ||= 'Filesystem';
    claim.status = isObj(claim.status) ? claim.status : {};
    claim.status.phase ||= 'Pending';
  }
  defaultTemplate(spec.template);
}

function validateUpdateStrategy(s: J): Errs {
  const p = 'spec.updateStrategy';
  if (!isObj(s)) return [];
  const errs: Errs = [];
  if (s.type === 'OnDelete') {
    if (isObj(s.rollingUpdate))
      errs.push(invalid(child(p, 'rollingUpdate'), s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (s.type === 'RollingUpdate') {
    const ru: J = isObj(s.rollingUpdate) ? s.rollingUpdate : {};
    const rp = child(p, 'rollingUpdate');
    errs.push(...nonNegative(ru.partition, child(rp, 'partition')));
    if (isSet(ru.maxUnavailable)) {
      const mu = child(rp, 'maxUnavailable');
      const more = validateIntOrPercent(ru.maxUnavailable, mu);
      errs.push(...more);
      if (!more.length && (ru.maxUnavailable === 0 || ru.maxUnavailable === '0%'))
        errs.push(invalid(mu, ru.maxUnavailable, 'must be greater than 0'));
    }
  } else if (!isSet(s.type) || s.type === '') {
    errs.push(required(child(p, 'type')));
  } else {
    errs.push(notSupported(child(p, 'type'), s.type, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

/**
 * The spec with each claim template as a volume of the template: its containers mount claims by template name (the
 * controller adds those volumes to each pod), so the pod spec is validated as the pods will be.
 */
function withClaimVolumes(spec: J): J {
  const claims = arr(spec.volumeClaimTemplates)
    .map((c: J) => c?.metadata?.name)
    .filter((n: unknown) => typeof n === 'string' && n);
  if (!claims.length || !isObj(spec.template) || !isObj(spec.template.spec)) return spec;
  const claimNames = new Set(claims); // an includes per volume was quadratic (60,000 of each: 12 s)
  const volumes = arr(spec.template.spec.volumes).filter((v: J) => !claimNames.has(v?.name));
  for (const name of claims) volumes.push({ name, persistentVolumeClaim: { claimName: name } });
  return { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, volumes } } };
}

export function validateStatefulSet(s: J): Errs {
  const errs: Errs = validateObjectMeta(s.metadata, { namespaced: true });
  const spec: J = isObj(s.spec) ? s.spec : {};
  if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy))
    errs.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy ?? '', ['OrderedReady', 'Parallel']));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  const policy: J = isObj(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
  for (const f of ['whenDeleted', 'whenScaled'])
    if (!RETENTION.includes(policy[f]))
      errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, policy[f] ?? '', RETENTION));
  if (isSet(spec.serviceName) && spec.serviceName !== '')
    errs.push(...isDNS1123Label(String(spec.serviceName)).map((m) => invalid('spec.serviceName', spec.serviceName, m)));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (isObj(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  arr(spec.volumeClaimTemplates).forEach((c: J, i: number) => {
    const name = c?.metadata?.name;
    if (!name) errs.push(required(`${index('spec.volumeClaimTemplates', i)}.metadata.name`));
  });
  errs.push(...validateWorkloadSelector(spec, 'statefulset'));
  errs.push(...validateTemplateForReplicas(withClaimVolumes(spec)));
  return errs;
}

export function validateStatefulSetUpdate(s: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(s.metadata, old.metadata);
  const strip = (spec: J) => {
    const out: J = { ...(isObj(spec) ? spec : {}) };
    for (const f of MUTABLE) delete out[f];
    return out;
  };
  if (!deepEqual(strip(s.spec), strip(old.spec)))
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  return errs;
}

export const statefulSetStrategy: Strategy = {
  defaults: defaultStatefulSet,
  prepareForCreate(obj) {
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  generationFields: ['spec'],
};
