// apps/v1 DaemonSet (pkg/registry/apps/daemonset/strategy.go, apps/v1 defaults, ValidateDaemonSet): RollingUpdate
// maxUnavailable 1 / maxSurge 0, history 10; the deprecated.daemonset.template.generation annotation starts at 1 and
// moves with every template change (the internal spec.templateGeneration); the selector never changes.
import type { Strategy } from '../types.js';
import { child, invalid, isObj, nonNegative, notSupported, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { validateSelectorImmutable, validateTemplateForReplicas, validateWorkloadSelector } from './common/workload.js';
import { defaultPodSpec } from './pod/defaults.js';
import { validateIntOrPercent } from './deployment.js';
import { deepEqual } from '../../machinery/api/equality.js';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export function defaultDaemonSet(d: J): void {
  const spec = isObj(d.spec) ? d.spec : (d.spec = {});
  spec.updateStrategy = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  spec.updateStrategy.type ||= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate = isObj(spec.updateStrategy.rollingUpdate) ? spec.updateStrategy.rollingUpdate : {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  if (isObj(spec.template)) {
    spec.template.metadata = isObj(spec.template.metadata) ? spec.template.metadata : {};
    if (!('creationTimestamp' in spec.template.metadata)) spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(spec.template.spec);
  }
}

const isZero = (v: unknown) => v === 0 || v === '0%' || v === '0' || v === undefined;

function validateUpdateStrategy(s: J): Errs {
  const p = 'spec.updateStrategy';
  if (!isObj(s)) return [];
  if (s.type === 'OnDelete') return [];
  if (s.type !== 'RollingUpdate') {
    if (!s.type) return [required(child(p, 'type'))];
    return [notSupported(child(p, 'type'), s.type, ['OnDelete', 'RollingUpdate'])];
  }
  const ru: J = isObj(s.rollingUpdate) ? s.rollingUpdate : {};
  const rp = child(p, 'rollingUpdate');
  const errs = [
    ...validateIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')),
    ...validateIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')),
  ];
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
    errs.push(invalid(child(rp, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  if (!isZero(ru.maxUnavailable) && !isZero(ru.maxSurge))
    errs.push(invalid(child(rp, 'maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  return errs;
}

export function validateDaemonSet(d: J): Errs {
  const errs: Errs = validateObjectMeta(d.metadata, { namespaced: true });
  const spec: J = isObj(d.spec) ? d.spec : {};
  errs.push(...validateWorkloadSelector(spec, 'daemonset'));
  errs.push(...validateTemplateForReplicas(spec));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

const generationOf = (o: J): number => {
  const n = parseInt(o?.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
};
const setGeneration = (o: J, n: number) => {
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(n) };
};

export const daemonSetStrategy: Strategy = {
  defaults: defaultDaemonSet,
  prepareForCreate(obj) {
    obj.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    setGeneration(obj, 1);
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
    // The template generation is the server's: it moves when the template does, whatever the request said.
    const gen = generationOf(old) || 1;
    setGeneration(obj, deepEqual((obj as J).spec?.template, (old as J).spec?.template) ? gen : gen + 1);
  },
  validate: validateDaemonSet,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSelectorImmutable(obj.spec, old.spec)],
  generationFields: ['spec'],
};
