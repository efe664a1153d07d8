// The disruption controller's arithmetic: scaled int-or-percent values (rounded up), expected pods from the pods'
// controllers, desiredHealthy for minAvailable / maxUnavailable, healthy counting with pending evictions, and
// disruptionsAllowed.
import {
  buildDisruptedPodMap,
  countHealthyPods,
  disruptionsAllowed,
  expectedPodCount,
  scaledValue,
  type ScaleFinder,
} from '../../src/reconcilers/disruption/budget-math.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function pod(name: string, opts: { ready?: boolean; owner?: string; terminating?: boolean } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      ...(opts.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner, uid: `uid-${opts.owner}`, controller: true }] }
        : {}),
      ...(opts.terminating ? { deletionTimestamp: iso(NOW) } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as KObject;
}
const pdb = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject =>
  ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'b', namespace: 'ns', generation: 1 },
    spec,
    status,
  }) as KObject;

/** Controllers rs-a (5 replicas) and rs-b (3 replicas). */
const finder: ScaleFinder = (_pod, ref) =>
  ({ 'uid-rs-a': { uid: 'uid-rs-a', replicas: 5 }, 'uid-rs-b': { uid: 'uid-rs-b', replicas: 3 } })[ref.uid];

describe('scaledValue (intstr.GetScaledValueFromIntOrPercent)', () => {
  test.each([
    [3, 10, true, 3],
    ['50%', 5, true, 3],
    ['50%', 5, false, 2],
    ['25%', 4, true, 1],
    ['10%', 1, true, 1],
    ['0%', 7, true, 0],
    ['100%', 7, true, 7],
  ])('%p of %p (round up %p) = %p', (v, total, up, want) => expect(scaledValue(v, total, up)).toBe(want));
  test('a string that is no percent is an error', () =>
    expect(() => scaledValue('half', 4, true)).toThrow(/invalid value for IntOrString/));
});

describe('expectedPodCount (getExpectedPodCount)', () => {
  const pods = [pod('a1', { owner: 'rs-a' }), pod('a2', { owner: 'rs-a' }), pod('b1', { owner: 'rs-b' })];
  test('minAvailable as a number: the selected pods are expected, desiredHealthy is the number', () => {
    expect(expectedPodCount(pdb({ minAvailable: 2 }), pods, finder)).toEqual({ expectedCount: 3, desiredHealthy: 2, unmanaged: [] });
  });
  test('minAvailable as a percent: of the controllers scale (5 + 3), rounded up', () => {
    expect(expectedPodCount(pdb({ minAvailable: '50%' }), pods, finder)).toMatchObject({ expectedCount: 8, desiredHealthy: 4 });
    expect(expectedPodCount(pdb({ minAvailable: '30%' }), pods, finder)).toMatchObject({ expectedCount: 8, desiredHealthy: 3 });
  });
  test('maxUnavailable: scale minus the allowance (percent rounded up), never negative', () => {
    expect(expectedPodCount(pdb({ maxUnavailable: 1 }), pods, finder)).toMatchObject({ expectedCount: 8, desiredHealthy: 7 });
    expect(expectedPodCount(pdb({ maxUnavailable: '30%' }), pods, finder)).toMatchObject({ expectedCount: 8, desiredHealthy: 5 });
    expect(expectedPodCount(pdb({ maxUnavailable: 20 }), pods, finder)).toMatchObject({ expectedCount: 8, desiredHealthy: 0 });
  });
  test('pods without a controller are unmanaged; a controller we cannot find is an error', () => {
    const mixed = [...pods, pod('bare')];
    expect(expectedPodCount(pdb({ maxUnavailable: 1 }), mixed, finder)).toEqual({
      expectedCount: 8,
      desiredHealthy: 7,
      unmanaged: ['bare'],
    });
    expect(() => expectedPodCount(pdb({ maxUnavailable: 1 }), [pod('x', { owner: 'rs-gone' })], finder)).toThrow(
      'found no controllers for pod "x"',
    );
  });
  test('neither bound set expects nothing', () => {
    expect(expectedPodCount(pdb({}), pods, finder)).toEqual({ expectedCount: 0, desiredHealthy: 0, unmanaged: [] });
  });
});

describe('healthy pods and pending evictions', () => {
  test('buildDisruptedPodMap keeps recent evictions of live pods, drops expired and terminating ones, and says when to look again', () => {
    const budget = pdb(
      {},
      { disruptedPods: { fresh: iso(NOW - 30_000), old: iso(NOW - 5 * 60_000), gone: iso(NOW - 1000), term: iso(NOW) } },
    );
    const pods = [pod('fresh'), pod('old'), pod('term', { terminating: true })];
    const r = buildDisruptedPodMap(pods, budget, NOW);
    expect(r.disrupted).toEqual({ fresh: iso(NOW - 30_000) });
    expect(r.expired).toEqual(['old']);
    expect(r.recheckAtMs).toBe(NOW - 30_000 + 120_000);
  });
  test('countHealthyPods: ready pods, not terminating, not just evicted', () => {
    const pods = [pod('a'), pod('b', { ready: false }), pod('c', { terminating: true }), pod('d')];
    expect(countHealthyPods(pods, {}, NOW)).toBe(2);
    expect(countHealthyPods(pods, { d: iso(NOW - 1000) }, NOW)).toBe(1);
  });
  test('disruptionsAllowed = currentHealthy - desiredHealthy, at least 0, and 0 when nothing is expected', () => {
    expect(disruptionsAllowed(3, 1, 3)).toBe(2);
    expect(disruptionsAllowed(1, 2, 2)).toBe(0);
    expect(disruptionsAllowed(2, 0, 0)).toBe(0);
  });
});
