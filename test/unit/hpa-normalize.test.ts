// The HPA's normalization (horizontal.go) on a fake clock: the 5-minute down-scale stabilization without a behavior,
// the scale-up limit and min/max with their ScalingLimited reasons, and with a behavior each direction's window,
// Pods/Percent policies over their periods and selectPolicy Max/Min/Disabled.
import { ScaleHistory, type Behavior } from '../../src/reconcilers/hpa/normalize.js';

function clock() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

test('without a behavior: the highest recommendation of the last 5 minutes, then the scale-up limit and min/max', () => {
  const c = clock();
  const h = new ScaleHistory(c.now);
  h.recordInitialRecommendation('k', 5);
  const held = h.normalize('k', 5, 2, 1, 10);
  expect(held.replicas).toBe(5);
  expect(held.ableToScale.reason).toBe('ScaleDownStabilized');
  expect(held.scalingLimited).toEqual({
    status: 'False',
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  });
  c.advance(301);
  const down = h.normalize('k', 5, 2, 1, 10);
  expect(down.replicas).toBe(2);
  expect(down.ableToScale).toEqual({ reason: 'ReadyForNewScale', message: 'recommended size matches current size' });

  const up = new ScaleHistory(c.now).normalize('k', 1, 10, 1, 20);
  expect(up.replicas).toBe(4); // max(2×1, 4)
  expect(up.scalingLimited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
  expect(new ScaleHistory(c.now).normalize('k', 3, 10, 1, 5)).toMatchObject({
    replicas: 5,
    scalingLimited: { status: 'True', reason: 'TooManyReplicas' },
  });
  expect(new ScaleHistory(c.now).normalize('k', 3, 0, 1, 5)).toMatchObject({
    replicas: 1,
    scalingLimited: {
      status: 'True',
      reason: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    },
  });
});

const behavior = (b: Behavior): Behavior => ({
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }], ...b.scaleUp },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    ...b.scaleDown,
  },
});

test('behavior: a Pods policy counts what was added within its period', () => {
  const c = clock();
  const h = new ScaleHistory(c.now);
  const b = behavior({ scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
  const first = h.normalizeWithBehavior('k', b, 2, 6, 1, 10);
  expect(first).toMatchObject({ replicas: 3, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
  h.storeScaleEvent(b, 'k', 2, 3);
  c.advance(10);
  expect(h.normalizeWithBehavior('k', b, 3, 6, 1, 10).replicas).toBe(3);
  c.advance(51);
  expect(h.normalizeWithBehavior('k', b, 3, 6, 1, 10).replicas).toBe(4);
});

test('behavior: Percent policies, selectPolicy Min and Disabled', () => {
  const c = clock();
  const down = behavior({ scaleDown: { policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } });
  expect(new ScaleHistory(c.now).normalizeWithBehavior('k', down, 10, 1, 1, 10)).toMatchObject({
    replicas: 5,
    scalingLimited: {
      status: 'True',
      reason: 'ScaleDownLimit',
      message: 'the desired replica count is decreasing faster than the maximum scale rate',
    },
  });
  const both = [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ];
  expect(new ScaleHistory(c.now).normalizeWithBehavior('k', behavior({ scaleUp: { policies: both } }), 2, 20, 1, 30).replicas).toBe(6);
  expect(
    new ScaleHistory(c.now).normalizeWithBehavior('k', behavior({ scaleUp: { policies: both, selectPolicy: 'Min' } }), 2, 20, 1, 30)
      .replicas,
  ).toBe(4);
  expect(
    new ScaleHistory(c.now).normalizeWithBehavior('k', behavior({ scaleUp: { selectPolicy: 'Disabled' } }), 2, 20, 1, 30).replicas,
  ).toBe(2);
  // Within the policies, min/max still bound: TooManyReplicas.
  expect(new ScaleHistory(c.now).normalizeWithBehavior('k', behavior({}), 2, 5, 1, 3)).toMatchObject({
    replicas: 3,
    scalingLimited: { reason: 'TooManyReplicas' },
  });
});

test('behavior: the scale-down stabilization window keeps the highest recent recommendation', () => {
  const c = clock();
  const h = new ScaleHistory(c.now);
  const b = behavior({ scaleDown: { stabilizationWindowSeconds: 60 } });
  expect(h.normalizeWithBehavior('k', b, 4, 4, 1, 10).replicas).toBe(4);
  c.advance(10);
  const held = h.normalizeWithBehavior('k', b, 4, 1, 1, 10);
  expect(held.replicas).toBe(4);
  expect(held.ableToScale.reason).toBe('ScaleDownStabilized');
  c.advance(51);
  expect(h.normalizeWithBehavior('k', b, 4, 1, 1, 10).replicas).toBe(1);
});

test('behavior: a scale-up stabilization window keeps the lowest recent recommendation', () => {
  const c = clock();
  const h = new ScaleHistory(c.now);
  const b = behavior({ scaleUp: { stabilizationWindowSeconds: 30 } });
  h.normalizeWithBehavior('k', b, 2, 2, 1, 10);
  c.advance(5);
  const held = h.normalizeWithBehavior('k', b, 2, 5, 1, 10);
  expect(held).toMatchObject({ replicas: 2, ableToScale: { reason: 'ScaleUpStabilized' } });
  c.advance(31);
  expect(h.normalizeWithBehavior('k', b, 2, 5, 1, 10).replicas).toBe(5);
});
