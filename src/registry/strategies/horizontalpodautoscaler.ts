// autoscaling HorizontalPodAutoscaler (pkg/apis/autoscaling/v2 defaults, pkg/apis/autoscaling/validation and
// pkg/registry/autoscaling/horizontalpodautoscaler). Stored as autoscaling/v2; the v1 strategy validates the v2 form
// its object converts to, as upstream validates the internal type. Status starts empty and only /status writes it.
import type { KObject, Strategy } from '../types.js';
import { parseQuantity } from '../../machinery/api/quantity.js';
import { child, forbidden, index, invalid, isObj, isSet, notSupported, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isPathSegmentName } from './common/names.js';
import { dropRoundTripAnnotations, v1ToV2 } from '../autoscaling/convert-v1.js';

/** autoscaling.DefaultCPUUtilization: the target of an HPA that names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];

/** defaultHPAScaleUpRules / defaultHPAScaleDownRules. */
export const DEFAULT_SCALE_UP = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** GenerateHPAScale{Up,Down}Rules: every unset field of the rules from the defaults. */
export function completeScalingRules(rules: J, defaults: typeof DEFAULT_SCALE_UP): J {
  const d = structuredClone(defaults);
  if (!isObj(rules)) return d;
  return {
    ...rules,
    stabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: rules.selectPolicy ?? d.selectPolicy,
    policies: rules.policies ?? d.policies,
  };
}

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, the 80% CPU target, behavior filled in when given. */
export function defaultHorizontalPodAutoscaler(hpa: J): void {
  hpa.spec = isObj(hpa.spec) ? hpa.spec : {};
  const spec = hpa.spec;
  if (!isSet(spec.minReplicas)) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } },
    ];
  }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = completeScalingRules(spec.behavior.scaleUp, DEFAULT_SCALE_UP);
    spec.behavior.scaleDown = completeScalingRules(spec.behavior.scaleDown, DEFAULT_SCALE_DOWN);
  }
}

const positiveQuantity = (v: unknown) => {
  const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : null;
  return q !== null && q.nanos > 0n;
};

function validateCrossVersionObjectReference(ref: J, path: string): Errs {
  const r: J = isObj(ref) ? ref : {};
  const errs: Errs = [];
  for (const f of ['kind', 'name']) {
    if (!r[f]) errs.push(required(child(path, f), ''));
    else errs.push(...isPathSegmentName(String(r[f])).map((m) => invalid(child(path, f), r[f], m)));
  }
  return errs;
}

function validateMetricTarget(t: J, path: string): Errs {
  const mt: J = isObj(t) ? t : {};
  const errs: Errs = [];
  if (!mt.type) errs.push(required(child(path, 'type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(mt.type))
    errs.push(invalid(child(path, 'type'), mt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  if (isSet(mt.value) && !positiveQuantity(mt.value)) errs.push(invalid(child(path, 'value'), mt.value, 'must be positive'));
  if (isSet(mt.averageValue) && !positiveQuantity(mt.averageValue))
    errs.push(invalid(child(path, 'averageValue'), mt.averageValue, 'must be positive'));
  if (isSet(mt.averageUtilization) && mt.averageUtilization < 1)
    errs.push(invalid(child(path, 'averageUtilization'), mt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: J, path: string): Errs {
  const name = isObj(id) ? id.name : undefined;
  if (!name) return [required(child(path, 'name'), 'must specify a metric name')];
  return isPathSegmentName(String(name)).map((m) => invalid(child(path, 'name'), name, m));
}

/** Resource and ContainerResource sources: a name, one of utilization or raw value. */
function validateResourceSource(src: J, path: string, container: boolean): Errs {
  const errs: Errs = [];
  if (!src.name) errs.push(required(child(path, 'name'), 'must specify a resource name'));
  if (container && !src.container) errs.push(required(child(path, 'container'), 'must specify a container'));
  const t: J = isObj(src.target) ? src.target : {};
  errs.push(...validateMetricTarget(src.target, child(path, 'target')));
  if (!isSet(t.averageUtilization) && !isSet(t.averageValue))
    errs.push(required(child(path, 'target.averageUtilization'), 'must set either a target raw value or a target utilization'));
  if (isSet(t.averageUtilization) && isSet(t.averageValue))
    errs.push(forbidden(child(path, 'target.averageValue'), 'may not set both a target raw value and a target utilization'));
  return errs;
}

function validateSource(kind: string, src: J, path: string): Errs {
  const t: J = isObj(src.target) ? src.target : {};
  switch (kind) {
    case 'resource':
      return validateResourceSource(src, path, false);
    case 'containerResource':
      return validateResourceSource(src, path, true);
    case 'pods': {
      const errs = [
        ...validateMetricIdentifier(src.metric, child(path, 'metric')),
        ...validateMetricTarget(src.target, child(path, 'target')),
      ];
      if (!isSet(t.averageValue)) errs.push(required(child(path, 'target.averageValue'), 'must specify a positive target averageValue'));
      return errs;
    }
    case 'object': {
      const errs = [
        ...validateCrossVersionObjectReference(src.describedObject, child(path, 'describedObject')),
        ...validateMetricIdentifier(src.metric, child(path, 'metric')),
        ...validateMetricTarget(src.target, child(path, 'target')),
      ];
      if (!isSet(t.value) && !isSet(t.averageValue))
        errs.push(required(child(path, 'target.averageValue'), 'must set either a target value or averageValue'));
      return errs;
    }
    default: {
      const errs = [
        ...validateMetricIdentifier(src.metric, child(path, 'metric')),
        ...validateMetricTarget(src.target, child(path, 'target')),
      ];
      if (!isSet(t.value) && !isSet(t.averageValue))
        errs.push(required(child(path, 'target.averageValue'), 'must set either a target value for metric or a per-pod target'));
      if (isSet(t.value) && isSet(t.averageValue))
        errs.push(forbidden(child(path, 'target.value'), 'may not set both a target value for metric and a per-pod target'));
      return errs;
    }
  }
}

const SOURCE_FIELD: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

function validateMetricSpec(m: J, path: string): Errs {
  const spec: J = isObj(m) ? m : {};
  const errs: Errs = [];
  if (!spec.type) errs.push(required(child(path, 'type'), 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(spec.type)) errs.push(notSupported(child(path, 'type'), spec.type ?? '', METRIC_SOURCE_TYPES));
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((f) => isObj(spec[f]));
  if (present.length === 1) errs.push(...validateSource(present[0]!, spec[present[0]!], child(path, present[0]!)));
  const expected = SOURCE_FIELD[spec.type];
  if (expected && !present.includes(expected))
    errs.push(required(child(path, expected), 'must populate information for the given metric source'));
  if (present.length !== 1)
    for (const f of present.filter((f) => f !== expected))
      errs.push(forbidden(child(path, f), 'must populate the given metric source only'));
  return errs;
}

function validateScalingRules(r: unknown, path: string): Errs {
  const rules: J = r;
  if (!isObj(rules)) return [];
  const errs: Errs = [];
  const w = rules.stabilizationWindowSeconds;
  if (typeof w === 'number' && w < 0)
    errs.push(invalid(child(path, 'stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
  if (typeof w === 'number' && w > MAX_STABILIZATION_WINDOW_SECONDS)
    errs.push(invalid(child(path, 'stabilizationWindowSeconds'), w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  if (isSet(rules.selectPolicy) && !SELECT_POLICIES.includes(String(rules.selectPolicy)))
    errs.push(notSupported(child(path, 'selectPolicy'), rules.selectPolicy, SELECT_POLICIES));
  const policies: J[] = Array.isArray(rules.policies) ? rules.policies : [];
  const pp = child(path, 'policies');
  if (!policies.length) errs.push(required(pp, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const at = index(pp, i);
    const pol: J = isObj(p) ? p : {};
    if (!POLICY_TYPES.includes(pol.type)) errs.push(notSupported(child(at, 'type'), pol.type ?? '', POLICY_TYPES));
    if (!(pol.value > 0)) errs.push(invalid(child(at, 'value'), pol.value ?? 0, 'must be greater than zero'));
    if (!(pol.periodSeconds > 0)) errs.push(invalid(child(at, 'periodSeconds'), pol.periodSeconds ?? 0, 'must be greater than zero'));
    if (pol.periodSeconds > MAX_PERIOD_SECONDS)
      errs.push(invalid(child(at, 'periodSeconds'), pol.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** ValidateHorizontalPodAutoscaler over the v2 form. */
export function validateHorizontalPodAutoscaler(hpa: J): Errs {
  const errs: Errs = validateObjectMeta(hpa.metadata, { namespaced: true });
  const spec: J = isObj(hpa.spec) ? hpa.spec : {};
  const min = spec.minReplicas;
  const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const refErrs = validateCrossVersionObjectReference(spec.scaleTargetRef, 'spec.scaleTargetRef');
  errs.push(...refErrs);
  if (!refErrs.length)
    (Array.isArray(spec.metrics) ? spec.metrics : []).forEach((m: J, i: number) =>
      errs.push(...validateMetricSpec(m, index('spec.metrics', i))),
    );
  if (isObj(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

/** ValidateHorizontalPodAutoscalerStatusUpdate: replica counts are never negative. */
function validateStatus(hpa: J): Errs {
  const s: J = isObj(hpa.status) ? hpa.status : {};
  const errs: Errs = [];
  for (const f of ['currentReplicas', 'desiredReplicas'])
    if (typeof s[f] === 'number' && s[f] < 0) errs.push(invalid(`status.${f}`, s[f], 'must be greater than or equal to 0'));
  return errs;
}

const keepStatus = (obj: KObject, old: KObject) => {
  if (old.status !== undefined) obj.status = old.status;
  else delete obj.status;
};

/** The v2 input never carries the v1 round-trip annotations (DropRoundTripHorizontalPodAutoscalerAnnotations). */
function dropAnnotations(obj: KObject): void {
  const rest = dropRoundTripAnnotations(obj.metadata?.annotations);
  if (rest) obj.metadata.annotations = rest;
  else if (obj.metadata) delete obj.metadata.annotations;
}

/** Whether the rules of either direction set `tolerance`. */
const usesTolerance = (hpa: KObject) => {
  const b: J = (hpa.spec as J | undefined)?.behavior;
  return isObj(b) && [b.scaleUp, b.scaleDown].some((r) => isObj(r) && r.tolerance !== undefined);
};

/**
 * dropDisabledFields: `tolerance` belongs to the HPAConfigurableTolerance gate, alpha and off in 1.33, so it is dropped
 * unless the stored object already uses it.
 */
function dropDisabledFields(obj: KObject, old?: KObject): void {
  if (old && usesTolerance(old)) return;
  const b: J = (obj.spec as J | undefined)?.behavior;
  if (!isObj(b)) return;
  for (const r of [b.scaleUp, b.scaleDown]) if (isObj(r)) delete r.tolerance;
}

export const horizontalPodAutoscalerStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = { desiredReplicas: 0 };
    dropAnnotations(obj);
    dropDisabledFields(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    dropAnnotations(obj);
    dropDisabledFields(obj, old);
  },
  defaults: defaultHorizontalPodAutoscaler,
  validate: (obj) => [...validateHorizontalPodAutoscaler(obj), ...validateStatus(obj)],
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: ['spec'],
};

/** autoscaling/v1: SetDefaults (minReplicas 1) on the v1 form; validation on the v2 form it is stored as. */
export const horizontalPodAutoscalerV1Strategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  prepareForUpdate: keepStatus,
  defaults(obj) {
    obj.spec = isObj(obj.spec) ? obj.spec : {};
    if (!isSet((obj.spec as J).minReplicas)) (obj.spec as J).minReplicas = 1;
  },
  validate: (obj) => {
    const v2 = v1ToV2(obj);
    defaultHorizontalPodAutoscaler(v2);
    return [...validateHorizontalPodAutoscaler(v2), ...validateStatus(v2)];
  },
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: ['spec'],
};
