// apps/v1 Deployment: defaults (replicas, rolling update 25%/25%, history, deadline, pod template), validation.
import type { Strategy } from '../types.js';
import { child, forbidden, invalid, isObj, nonNegative, notSupported, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { regexError } from './common/names.js';
import { validateSelectorImmutable, validateTemplateForReplicas, validateWorkloadSelector } from './common/workload.js';
import { defaultPodSpec } from './pod/defaults.js';

export function defaultDeployment(d: J): void {
  const spec = isObj(d.spec) ? d.spec : (d.spec = {});
  spec.replicas ??= 1;
  spec.strategy = isObj(spec.strategy) ? spec.strategy : {};
  spec.strategy.type ||= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate = isObj(spec.strategy.rollingUpdate) ? spec.strategy.rollingUpdate : {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (isObj(spec.template)) {
    spec.template.metadata = isObj(spec.template.metadata) ? spec.template.metadata : {};
    // An empty template metadata still serializes creationTimestamp: null in Kubernetes' output.
    if (!('creationTimestamp' in spec.template.metadata)) spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(spec.template.spec);
  }
}

const PERCENT_FMT = '[0-9]+%';
/** IntOrString that must be a non-negative count or a percentage (maxSurge, maxUnavailable). */
export function validateIntOrPercent(v: unknown, field: string): Errs {
  if (typeof v === 'number') return nonNegative(v, field);
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v))
      return [
        invalid(
          field,
          v,
          regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'),
        ),
      ];
    if (parseInt(v, 10) > 100) return [invalid(field, v, 'must not be greater than 100%')];
  }
  return [];
}
const isZero = (v: unknown) => v === 0 || v === '0%' || v === '0';

function validateStrategy(s: J): Errs {
  if (!isObj(s)) return [];
  const errs: Errs = [];
  const p = 'spec.strategy';
  if (s.type === 'Recreate') {
    if (isObj(s.rollingUpdate)) errs.push(forbidden(child(p, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (s.type === 'RollingUpdate') {
    const ru: J = isObj(s.rollingUpdate) ? s.rollingUpdate : {};
    const rp = child(p, 'rollingUpdate');
    errs.push(...validateIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')));
    errs.push(...validateIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
      errs.push(invalid(child(rp, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  } else {
    errs.push(notSupported(child(p, 'type'), s.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

export function validateDeployment(d: J): Errs {
  const errs: Errs = validateObjectMeta(d.metadata, { namespaced: true });
  const spec: J = isObj(d.spec) ? d.spec : {};
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateWorkloadSelector(spec));
  errs.push(...validateTemplateForReplicas(spec));
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentStrategy: Strategy = {
  defaults: defaultDeployment,
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateDeployment,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSelectorImmutable(obj.spec, old.spec)],
  generationFields: ['spec'],
};
