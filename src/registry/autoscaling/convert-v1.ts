// autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2 (the stored form), as pkg/apis/autoscaling/v1's
// conversion does through the internal type: v1 holds only the CPU utilization target and current value; what v2
// has beyond them (other metrics, current metrics, conditions, behavior) travels in annotations on the v1 object, in
// the v1 (v2beta1-shaped) metric vocabulary, and is never stored as annotations.
import type { KObject } from '../types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
/** DropRoundTripHorizontalPodAutoscalerAnnotations: never stored, never served by v2. */
export const ROUND_TRIP_ANNOTATIONS = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);
const defined = (o: J): J => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const isCpuUtilization = (m: J) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.averageUtilization != null;

/** The annotations without the round-trip ones; undefined when none is left. */
export function dropRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const rest = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ROUND_TRIP_ANNOTATIONS.includes(k)));
  return Object.keys(rest).length ? rest : undefined;
}

// ---- metric specs ----

/**
 * A v2 metric spec (side 'target') or status (side 'current') in v1's flat form: the same shape both ways, with
 * v1's field names prefixed by the side (targetAverageValue / currentAverageValue), as upstream's conversion.
 */
function metricToV1(m: J, side: 'target' | 'current'): J {
  const sources = [m.resource, m.containerResource, m.pods, m.object, m.external];
  const v: J = sources.map((s) => s?.[side]).find((x) => x != null) ?? {};
  const averageUtilization = `${side}AverageUtilization`;
  const averageValue = `${side}AverageValue`;
  switch (m.type) {
    case 'Resource':
      return {
        type: 'Resource',
        resource: defined({ name: m.resource?.name, [averageUtilization]: v.averageUtilization, [averageValue]: v.averageValue }),
      };
    case 'ContainerResource':
      return {
        type: 'ContainerResource',
        containerResource: defined({
          name: m.containerResource?.name,
          container: m.containerResource?.container,
          [averageUtilization]: v.averageUtilization,
          [averageValue]: v.averageValue,
        }),
      };
    case 'Pods':
      return {
        type: 'Pods',
        pods: defined({ metricName: m.pods?.metric?.name, selector: m.pods?.metric?.selector, [averageValue]: v.averageValue }),
      };
    case 'Object':
      return {
        type: 'Object',
        object: defined({
          target: m.object?.describedObject,
          metricName: m.object?.metric?.name,
          selector: m.object?.metric?.selector,
          [`${side}Value`]: v.value,
          averageValue: v.averageValue,
        }),
      };
    case 'External':
      return {
        type: 'External',
        external: defined({
          metricName: m.external?.metric?.name,
          metricSelector: m.external?.metric?.selector,
          [`${side}Value`]: v.value,
          [averageValue]: v.averageValue,
        }),
      };
    default:
      return { type: m.type ?? '' };
  }
}

const metricSpecToV1 = (m: J): J => metricToV1(m, 'target');
const metricStatusToV1 = (m: J): J => metricToV1(m, 'current');

const metricId = (name: unknown, selector: unknown) => defined({ name, selector });

function metricSpecFromV1(m: J): J {
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const r: J = (m.type === 'Resource' ? m.resource : m.containerResource) ?? {};
      const target =
        r.targetAverageUtilization != null
          ? { type: 'Utilization', averageUtilization: r.targetAverageUtilization }
          : { type: 'AverageValue', averageValue: r.targetAverageValue };
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      return { type: m.type, [key]: defined({ name: r.name, container: r.container, target }) };
    }
    case 'Pods':
      return {
        type: 'Pods',
        pods: {
          metric: metricId(m.pods?.metricName, m.pods?.selector),
          target: { type: 'AverageValue', averageValue: m.pods?.targetAverageValue },
        },
      };
    case 'Object': {
      const o: J = m.object ?? {};
      const target =
        o.averageValue != null ? { type: 'AverageValue', averageValue: o.averageValue } : { type: 'Value', value: o.targetValue };
      return { type: 'Object', object: defined({ describedObject: o.target, metric: metricId(o.metricName, o.selector), target }) };
    }
    case 'External': {
      const e: J = m.external ?? {};
      const target =
        e.targetAverageValue != null
          ? { type: 'AverageValue', averageValue: e.targetAverageValue }
          : { type: 'Value', value: e.targetValue };
      return { type: 'External', external: { metric: metricId(e.metricName, e.metricSelector), target } };
    }
    default:
      return { type: m.type };
  }
}

// ---- metric statuses ----

function metricStatusFromV1(m: J): J {
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const r: J = (m.type === 'Resource' ? m.resource : m.containerResource) ?? {};
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const current = defined({ averageUtilization: r.currentAverageUtilization, averageValue: r.currentAverageValue });
      return { type: m.type, [key]: defined({ name: r.name, container: r.container, current }) };
    }
    case 'Pods':
      return {
        type: 'Pods',
        pods: { metric: metricId(m.pods?.metricName, m.pods?.selector), current: defined({ averageValue: m.pods?.currentAverageValue }) },
      };
    case 'Object': {
      const o: J = m.object ?? {};
      return {
        type: 'Object',
        object: defined({
          describedObject: o.target,
          metric: metricId(o.metricName, o.selector),
          current: defined({ value: o.currentValue, averageValue: o.averageValue }),
        }),
      };
    }
    case 'External': {
      const e: J = m.external ?? {};
      return {
        type: 'External',
        external: {
          metric: metricId(e.metricName, e.metricSelector),
          current: defined({ value: e.currentValue, averageValue: e.currentAverageValue }),
        },
      };
    }
    default:
      return { type: m.type ?? '' };
  }
}

/** A JSON annotation's value, or undefined when absent or not JSON (upstream fails the decode; here it is ignored). */
function parseAnnotation(annotations: Record<string, string> | undefined, key: string): unknown {
  const raw = annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

// ---- objects ----

/** The stored (v2) object as autoscaling/v1 serves it. */
export function v2ToV1(obj: KObject): KObject {
  const spec: J = obj.spec ?? {};
  const status: J = obj.status ?? {};
  const metrics: J[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const currentMetrics: J[] = Array.isArray(status.currentMetrics) ? status.currentMetrics : [];
  const conditions: J[] = Array.isArray(status.conditions) ? status.conditions : [];
  const annotations: Record<string, string> = { ...(dropRoundTripAnnotations(obj.metadata.annotations) ?? {}) };
  const other = metrics.filter((m) => !isCpuUtilization(m));
  if (other.length) annotations[METRICS_ANNOTATION] = JSON.stringify(other.map(metricSpecToV1));
  if (currentMetrics.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (conditions.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  const cpu = metrics.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  const currentCpu = currentMetrics.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  const metadata: KObject['metadata'] = { ...obj.metadata, annotations };
  if (!Object.keys(annotations).length) delete metadata.annotations;
  const out: KObject = {
    ...obj,
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    }),
  };
  if (obj.status !== undefined) {
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: currentCpu?.resource?.current?.averageUtilization,
    });
  }
  return out;
}

/** An autoscaling/v1 object in its stored (v2) form, the annotations' content moved back into spec and status. */
export function v1ToV2(obj: KObject): KObject {
  const spec: J = obj.spec ?? {};
  const status = obj.status as J | undefined;
  const ann = obj.metadata?.annotations;
  const metrics: J[] = [];
  if (spec.targetCPUUtilizationPercentage != null) {
    metrics.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } },
    });
  }
  const other = parseAnnotation(ann, METRICS_ANNOTATION);
  if (Array.isArray(other)) metrics.push(...other.filter(isObject).map(metricSpecFromV1));
  const behavior = parseAnnotation(ann, BEHAVIOR_ANNOTATION);
  const out: KObject = {
    ...obj,
    apiVersion: 'autoscaling/v2',
    metadata: { ...obj.metadata },
    spec: defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics: metrics.length ? metrics : undefined,
      behavior: isObject(behavior) ? behavior : undefined,
    }),
  };
  const rest = dropRoundTripAnnotations(ann);
  if (rest) out.metadata.annotations = rest;
  else delete out.metadata.annotations;
  if (status !== undefined) {
    // The annotation carries more than currentCPUUtilizationPercentage (the raw value too): it wins when present.
    const fromAnnotation = parseAnnotation(ann, CURRENT_METRICS_ANNOTATION);
    const currentMetrics = Array.isArray(fromAnnotation)
      ? fromAnnotation.filter(isObject).map(metricStatusFromV1)
      : status?.currentCPUUtilizationPercentage != null
        ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
        : undefined;
    const parsed = parseAnnotation(ann, CONDITIONS_ANNOTATION);
    const conditions = Array.isArray(parsed) ? parsed.filter(isObject) : undefined;
    out.status = defined({
      observedGeneration: status?.observedGeneration,
      lastScaleTime: status?.lastScaleTime,
      currentReplicas: status?.currentReplicas || undefined,
      desiredReplicas: status?.desiredReplicas ?? 0,
      currentMetrics,
      conditions: conditions?.length ? conditions : undefined,
    });
  }
  return out;
}
