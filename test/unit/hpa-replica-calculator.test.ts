// The HPA's replica calculation (replica_calculator.go), pure: utilization against requests with the 0.1 tolerance,
// unready pods on a scale-up, missing metrics in either direction, ignored (deleted, failed) pods, the CPU
// initialization period, average values, and upstream's errors.
import type { KObject } from '../../src/machinery/api/meta.js';
import { milliValue, podMetricsInfo } from '../../src/reconcilers/hpa/metrics.js';
import { groupPods, plainMetricReplicas, resourceReplicas, type PodMetricsInfo } from '../../src/reconcilers/hpa/replica-calculator.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

interface PodOpts {
  ready?: boolean;
  phase?: string;
  startedAgo?: number;
  readySinceAgo?: number;
  deleting?: boolean;
  request?: string | null;
}

function pod(name: string, o: PodOpts = {}): KObject {
  const request = o.request === undefined ? '1' : o.request;
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'a' }, ...(o.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: { containers: [{ name: 'main', resources: request === null ? {} : { requests: { cpu: request } } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(o.startedAgo ?? 600),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySinceAgo ?? 590) }],
    },
  };
}

/** Samples in millicores, measured 10 s ago over a 30 s window. */
const samples = (entries: Record<string, number>): PodMetricsInfo =>
  new Map(Object.entries(entries).map(([n, v]) => [n, { value: v, timestampMs: NOW - 10_000, windowMs: 30_000 }]));

const opts = { now: NOW };
const util = (current: number, target: number, pods: KObject[], m: PodMetricsInfo) =>
  resourceReplicas(current, target, 'cpu', '', pods, m, milliValue, opts);

test('scale up: utilization over the target scales by the ratio over ready pods', () => {
  const pods = ['p0', 'p1', 'p2'].map((n) => pod(n));
  const r = util(3, 30, pods, samples({ p0: 300, p1: 500, p2: 700 }));
  expect(r).toEqual({ replicas: 5, utilization: 50, rawAverage: 500 });
});

test('scale down, and a ratio within the 0.1 tolerance keeps the count', () => {
  const five = ['p0', 'p1', 'p2', 'p3', 'p4'].map((n) => pod(n));
  expect(util(5, 50, five, samples({ p0: 100, p1: 300, p2: 500, p3: 250, p4: 250 })).replicas).toBe(3);
  const three = ['p0', 'p1', 'p2'].map((n) => pod(n));
  expect(util(3, 100, three, samples({ p0: 1010, p1: 1030, p2: 1020 }))).toEqual({ replicas: 3, utilization: 102, rawAverage: 1020 });
  // 111% of a 100% target is outside the tolerance.
  expect(util(3, 100, three, samples({ p0: 1110, p1: 1110, p2: 1110 })).replicas).toBe(4);
});

test('unready pods count as using nothing on a scale-up', () => {
  const pods = [pod('p0', { ready: false, readySinceAgo: 5, startedAgo: 5 }), pod('p1'), pod('p2')];
  // Ready pods alone: 60% of 30% would double; with the unready one at 0: 40% → 4 replicas.
  expect(util(3, 30, pods, samples({ p0: 300, p1: 500, p2: 700 })).replicas).toBe(4);
  // Pending pods are unready too.
  const pending = [pod('p0', { phase: 'Pending' }), pod('p1'), pod('p2')];
  expect(util(3, 30, pending, samples({ p1: 500, p2: 700 })).replicas).toBe(4);
});

test('missing metrics: at the whole request on a scale-down, at zero on a scale-up', () => {
  const four = ['p0', 'p1', 'p2', 'p3'].map((n) => pod(n));
  // 10% of a 50% target would go to 1; the missing pod at 100% of its request makes it 32% → 3.
  expect(util(4, 50, four, samples({ p0: 100, p1: 100, p2: 100 })).replicas).toBe(3);
  // 100% of a 50% target would double the 3 measured; the missing one at 0 gives 75% → 6.
  expect(util(4, 50, four, samples({ p0: 1000, p1: 1000, p2: 1000 })).replicas).toBe(6);
  // A missing pod that turns a scale-down into a scale-up keeps the count.
  expect(util(2, 50, [pod('p0'), pod('p1')], samples({ p0: 400 })).replicas).toBe(2);
});

test('deleted and failed pods are ignored, their samples dropped', () => {
  const pods = [pod('p0'), pod('p1', { deleting: true }), pod('p2', { phase: 'Failed' })];
  expect(util(1, 50, pods, samples({ p0: 1000, p1: 0, p2: 0 })).replicas).toBe(2);
});

test('within the CPU initialization period a pod counts once a full window passed since it became ready', () => {
  const fresh = [pod('p0', { startedAgo: 60, readySinceAgo: 15 })];
  const groups = groupPods(fresh, samples({ p0: 500 }), 'cpu', opts);
  expect([...groups.unready]).toEqual(['p0']);
  const settled = [pod('p0', { startedAgo: 60, readySinceAgo: 50 })];
  expect(groupPods(settled, samples({ p0: 500 }), 'cpu', opts).readyPodCount).toBe(1);
  // Memory ignores readiness.
  expect(groupPods(fresh, samples({ p0: 500 }), 'memory', opts).readyPodCount).toBe(1);
  // Past the period, only a pod that has never been ready is unready.
  const neverReady = [pod('p0', { ready: false, startedAgo: 600, readySinceAgo: 595 })];
  expect([...groupPods(neverReady, samples({ p0: 1 }), 'cpu', opts).unready]).toEqual(['p0']);
});

test("upstream's errors: no pods, no usable metrics, a container without a request", () => {
  expect(() => util(1, 50, [], samples({}))).toThrow('no pods returned by selector while calculating replica count');
  expect(() => util(1, 50, [pod('p0', { phase: 'Pending' })], samples({ p0: 1 }))).toThrow(
    'did not receive metrics for targeted pods (pods might be unready)',
  );
  expect(() => util(1, 50, [pod('p0', { request: null })], samples({ p0: 1 }))).toThrow(
    'missing request for cpu in container main of Pod p0',
  );
});

test('average value targets compare the mean usage per pod', () => {
  const pods = [pod('p0'), pod('p1')];
  expect(plainMetricReplicas(2, 100, 'cpu', pods, samples({ p0: 200, p1: 200 }), opts)).toEqual({ replicas: 4, rawAverage: 200 });
  expect(plainMetricReplicas(2, 100, 'cpu', pods, samples({ p0: 105, p1: 100 }), opts).replicas).toBe(2);
});

test('PodMetrics become milli-unit samples; a pod lacking the resource is left out', () => {
  const items = [
    {
      metadata: { name: 'a' },
      timestamp: '2026-01-01T12:00:00Z',
      window: '1.5s',
      containers: [
        { name: 'x', usage: { cpu: '250m' } },
        { name: 'y', usage: { cpu: '1' } },
      ],
    },
    { metadata: { name: 'b' }, timestamp: '2026-01-01T12:00:00Z', window: '1s', containers: [{ name: 'x', usage: { memory: '1Ki' } }] },
  ] as unknown as KObject[];
  const m = podMetricsInfo(items, 'cpu', '');
  expect([...m.entries()]).toEqual([['a', { value: 1250, timestampMs: NOW, windowMs: 1500 }]]);
  expect(podMetricsInfo(items, 'cpu', 'x').get('a')?.value).toBe(250);
  expect(milliValue('12345678n')).toBe(13);
  expect(milliValue('100Mi')).toBe(104857600000);
});
