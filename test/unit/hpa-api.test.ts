// HorizontalPodAutoscaler as data: autoscaling/v1 <-> v2 conversion with upstream's round-trip annotations, the v2
// defaults (behavior, the 80% CPU target), validation messages and kubectl's TARGETS column.
import type { KObject } from '../../src/machinery/api/meta.js';
import { CONDITIONS_ANNOTATION, METRICS_ANNOTATION, v1ToV2, v2ToV1 } from '../../src/registry/autoscaling/convert-v1.js';
import {
  defaultHorizontalPodAutoscaler,
  horizontalPodAutoscalerStrategy,
  validateHorizontalPodAutoscaler,
} from '../../src/registry/strategies/horizontalpodautoscaler.js';
import { formatHPAMetrics, horizontalPodAutoscalersTable } from '../../src/registry/tables/horizontalpodautoscalers.js';

const cpu = (u: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: u } } });
const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };

function v2(extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'ns', annotations: { mine: 'x' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [cpu(50), memory],
    },
    status: {
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '40m' } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'm' }],
    },
    ...extra,
  };
}

test('v2 → v1 keeps the CPU target in spec and the rest in annotations; v1 → v2 gives the same object back', () => {
  const one = v2ToV1(v2());
  expect(one.apiVersion).toBe('autoscaling/v1');
  expect(one.spec).toEqual({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 5,
    targetCPUUtilizationPercentage: 50,
  });
  expect(one.status).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 80 });
  const ann = one.metadata.annotations!;
  expect(JSON.parse(ann[METRICS_ANNOTATION]!)).toEqual([{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } }]);
  expect(JSON.parse(ann[CONDITIONS_ANNOTATION]!)).toEqual((v2().status as { conditions: unknown }).conditions);
  expect(ann.mine).toBe('x');
  expect(v1ToV2(one)).toEqual(v2());
});

test('a v1 object without a CPU target is stored with the 80% default; behavior defaults fill what is unset', () => {
  const stored = v1ToV2({
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'a' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'a' }, maxReplicas: 3 },
  });
  defaultHorizontalPodAutoscaler(stored);
  expect(stored.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'a' }, minReplicas: 1, maxReplicas: 3, metrics: [cpu(80)] });
  const withBehavior: Record<string, any> = { spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 5 } } } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  defaultHorizontalPodAutoscaler(withBehavior);
  expect(withBehavior.spec.behavior).toEqual({
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: { stabilizationWindowSeconds: 5, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test("validation as upstream's", () => {
  const errs = (spec: Record<string, unknown>) =>
    validateHorizontalPodAutoscaler({ metadata: { name: 'a', namespace: 'ns' }, spec }).map((e) => `${e.field}: ${e.detail ?? ''}`);
  const ref = { kind: 'Deployment', name: 'a' };
  expect(errs({ scaleTargetRef: ref, minReplicas: 0, maxReplicas: 1, metrics: [cpu(50)] })).toEqual([
    'spec.minReplicas: must be greater than or equal to 1',
  ]);
  expect(errs({ scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2, metrics: [cpu(50)] })).toEqual([
    'spec.maxReplicas: must be greater than or equal to `minReplicas`',
  ]);
  expect(errs({ scaleTargetRef: {}, minReplicas: 1, maxReplicas: 0 })).toEqual([
    'spec.maxReplicas: must be greater than 0',
    'spec.maxReplicas: must be greater than or equal to `minReplicas`',
    'spec.scaleTargetRef.kind: ',
    'spec.scaleTargetRef.name: ',
  ]);
  expect(
    errs({
      scaleTargetRef: ref,
      maxReplicas: 2,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }],
    }),
  ).toEqual(['spec.metrics[0].resource.target.averageUtilization: must set either a target raw value or a target utilization']);
  expect(errs({ scaleTargetRef: ref, maxReplicas: 2, metrics: [{ type: 'Pods', resource: { name: 'cpu' } }] })).toEqual([
    'spec.metrics[0].resource.target.type: must specify a metric target type',
    'spec.metrics[0].resource.target.type: must be either Utilization, Value, or AverageValue',
    'spec.metrics[0].resource.target.averageUtilization: must set either a target raw value or a target utilization',
    'spec.metrics[0].pods: must populate information for the given metric source',
  ]);
  expect(
    errs({
      scaleTargetRef: ref,
      maxReplicas: 2,
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 3601, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] },
      },
    }),
  ).toEqual([
    'spec.behavior.scaleDown.stabilizationWindowSeconds: must be less than or equal to 3600',
    'spec.behavior.scaleDown.policies[0].value: must be greater than zero',
    'spec.behavior.scaleDown.policies[0].periodSeconds: must be less than or equal to 1800',
  ]);
});

test("TARGETS as kubectl's formatHPAMetrics; the table's columns and cells", () => {
  expect(formatHPAMetrics([], [])).toBe('<none>');
  expect(formatHPAMetrics([cpu(50)], [])).toBe('cpu: <unknown>/50%');
  expect(formatHPAMetrics([cpu(50), memory], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }])).toBe(
    'cpu: 12%/50%, memory: <unknown>/100Mi',
  );
  expect(formatHPAMetrics([cpu(50), memory, cpu(60)], [])).toBe('cpu: <unknown>/50%, memory: <unknown>/100Mi + 1 more...');
  const t = horizontalPodAutoscalersTable;
  expect(t.columns.map((c) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  const obj = v2({ metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' } });
  expect(t.cells(obj, new Date('2026-01-01T00:05:00Z'))).toEqual([
    'web',
    'Deployment/web',
    'cpu: 80%/50%, memory: <unknown>/100Mi',
    '1',
    5,
    2,
    '5m',
  ]);
});

test('every metric source and status type survives the trip through autoscaling/v1', () => {
  const sel = { matchLabels: { q: 'a' } };
  const obj = { apiVersion: 'v1', kind: 'Service', name: 'svc' };
  const metrics = [
    {
      type: 'ContainerResource',
      containerResource: { name: 'memory', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } },
    },
    { type: 'Pods', pods: { metric: { name: 'qps', selector: sel }, target: { type: 'AverageValue', averageValue: '10' } } },
    { type: 'Object', object: { describedObject: obj, metric: { name: 'hits' }, target: { type: 'Value', value: '100' } } },
    { type: 'Object', object: { describedObject: obj, metric: { name: 'hits' }, target: { type: 'AverageValue', averageValue: '5' } } },
    { type: 'External', external: { metric: { name: 'queue', selector: sel }, target: { type: 'AverageValue', averageValue: '30' } } },
    { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '300' } } },
  ];
  const currentMetrics = [
    {
      type: 'ContainerResource',
      containerResource: { name: 'memory', container: 'app', current: { averageUtilization: 20, averageValue: '1Mi' } },
    },
    { type: 'Pods', pods: { metric: { name: 'qps', selector: sel }, current: { averageValue: '12' } } },
    { type: 'Object', object: { describedObject: obj, metric: { name: 'hits' }, current: { value: '90' } } },
    { type: 'External', external: { metric: { name: 'queue' }, current: { value: '250', averageValue: '25' } } },
  ];
  const original = v2({
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics },
  });
  const one = v2ToV1(original);
  expect((one.spec as Record<string, unknown>).targetCPUUtilizationPercentage).toBeUndefined();
  expect(JSON.parse(one.metadata.annotations![METRICS_ANNOTATION]!)[1]).toEqual({
    type: 'Pods',
    pods: { metricName: 'qps', selector: sel, targetAverageValue: '10' },
  });
  expect(v1ToV2(one)).toEqual(original);
});

test('malformed v1 annotations are ignored, not fatal', () => {
  const stored = v1ToV2({
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: 'a',
      annotations: {
        [METRICS_ANNOTATION]: '[null, 3]',
        [CONDITIONS_ANNOTATION]: 'not json',
        'autoscaling.alpha.kubernetes.io/behavior': '[1]',
      },
    },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'a' }, maxReplicas: 3, targetCPUUtilizationPercentage: 40 },
    status: { currentReplicas: 1, desiredReplicas: 1 },
  });
  expect(stored.metadata.annotations).toBeUndefined();
  expect(stored.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'a' }, maxReplicas: 3, metrics: [cpu(40)] });
  expect(stored.status).toEqual({ currentReplicas: 1, desiredReplicas: 1 });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

test('behavior tolerance (HPAConfigurableTolerance, alpha and off in 1.33) is dropped on create and update', () => {
  const obj: Loose = {
    metadata: {},
    spec: { behavior: { scaleUp: { tolerance: '0.05' }, scaleDown: { tolerance: '0.2', policies: [] } } },
  };
  horizontalPodAutoscalerStrategy.prepareForCreate!(obj as KObject);
  expect(obj.spec.behavior).toEqual({ scaleUp: {}, scaleDown: { policies: [] } });
  const again: Loose = { metadata: {}, spec: { behavior: { scaleUp: { tolerance: '0.05' } } } };
  horizontalPodAutoscalerStrategy.prepareForUpdate!(again as KObject, { metadata: {}, spec: {} });
  expect(again.spec.behavior.scaleUp).toEqual({});
});
