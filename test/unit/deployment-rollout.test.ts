// The deployment controller's pure decisions, checked against kube-controller-manager's rules: fenceposts for
// every maxSurge/maxUnavailable form (ints, percentages, rounding), the new set's next size, how far old sets may
// shrink (unhealthy first), proportional scaling, revision bookkeeping in annotations, hash naming, claiming, and
// the Progressing/Available conditions on a fake clock.
import type { KObject } from '../../src/machinery/api/meta.js';
import { computeHash, fnv32a, safeEncodeString } from '../../src/reconcilers/deployment/hash.js';
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from '../../src/reconcilers/deployment/replica-sets.js';
import {
  findActiveOrLatest,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  oldReplicaSetScaleDowns,
  resolveFenceposts,
  scalePlan,
  scaledValue,
} from '../../src/reconcilers/deployment/rollout-math.js';
import { setNewReplicaSetAnnotations } from '../../src/reconcilers/deployment/annotations.js';
import { calculateStatus, pausedConditionChange, rolloutStatus, stuckRequeueMs, timeOf } from '../../src/reconcilers/deployment/status.js';
import { classifyReplicaSets } from '../../src/reconcilers/deployment/claim.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T0 = Date.parse('2026-01-01T00:00:00Z');
const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });
const deploy = (
  replicas: number,
  strategy: J = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  extra: J = {},
): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'd-uid', generation: 1, annotations: {} },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, strategy, template: template('v2'), progressDeadlineSeconds: 600, ...extra },
  status: {},
});
const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxSurge, maxUnavailable },
});
let seq = 0;
const rs = (name: string, replicas: number, available = replicas, image = 'v1', annotations: Record<string, string> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, uid: `${name}-uid`, creationTimestamp: timeOf(T0 + 1000 * seq++), annotations, labels: { app: 'web' } },
  spec: { replicas, template: template(image) },
  status: { replicas, readyReplicas: available, availableReplicas: available },
});
const sizes = (steps: { rs: KObject; replicas: number }[]) => Object.fromEntries(steps.map((s) => [s.rs.metadata.name, s.replicas]));

describe('fenceposts', () => {
  test.each([
    // maxSurge, maxUnavailable, replicas -> surge (rounded up), unavailable (rounded down)
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 0, 0, 1],
    ['0%', '0%', 10, 0, 1],
    [0, 0, 5, 0, 1],
    [1, '0%', 10, 1, 0],
    ['50%', 0, 5, 3, 0],
    [0, '50%', 5, 0, 2],
    ['100%', '100%', 3, 3, 3],
    [2, 3, 10, 2, 3],
    ['10%', 1, 9, 1, 1],
    [0, '30%', 7, 0, 2],
  ])('maxSurge %p maxUnavailable %p of %p -> surge %p unavailable %p', (s, u, n, surge, unavailable) => {
    expect(resolveFenceposts(s, u, n)).toEqual({ surge, unavailable });
    const d = deploy(n, rolling(s, u));
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(n === 0 ? 0 : Math.min(unavailable, n));
  });

  test('maxUnavailable is capped at replicas; Recreate has neither; a non-percentage string is an error', () => {
    expect(maxUnavailable(deploy(3, rolling(0, 5)))).toBe(3);
    expect(maxSurge(deploy(3, { type: 'Recreate' }))).toBe(0);
    expect(maxUnavailable(deploy(3, { type: 'Recreate' }))).toBe(0);
    expect(() => scaledValue('ten', 10, true)).toThrow(/not a percentage/);
    expect(scaledValue('33%', 10, true)).toBe(4);
    expect(scaledValue('33%', 10, false)).toBe(3);
  });
});

describe('the new set', () => {
  test('rolling: grows up to replicas + maxSurge, never beyond replicas; Recreate takes all at once', () => {
    const d = deploy(10, rolling(3, 2));
    const fresh = rs('new', 0, 0, 'v2');
    expect(newReplicaSetReplicas(d, [rs('old', 10), fresh], fresh)).toBe(3);
    const grown = rs('new2', 3, 0, 'v2');
    expect(newReplicaSetReplicas(d, [rs('old2', 8), grown], grown)).toBe(5);
    expect(newReplicaSetReplicas(d, [rs('old3', 10), grown], grown)).toBe(3); // already at 13
    const nearly = rs('new3', 9, 9, 'v2');
    expect(newReplicaSetReplicas(d, [rs('old4', 0), nearly], nearly)).toBe(10);
    expect(newReplicaSetReplicas(deploy(4, { type: 'Recreate' }), [rs('old5', 4), fresh], fresh)).toBe(4);
  });
});

describe('old sets scaling down', () => {
  test('available pods above replicas - maxUnavailable go, oldest set first', () => {
    const d = deploy(10, rolling(3, 2));
    const a = rs('a', 5);
    const b = rs('b', 5);
    const fresh = rs('new', 3, 0, 'v2');
    // 13 pods, min available 8, 3 new unavailable: at most 2 may go; available 10 - 8 = 2.
    expect(sizes(oldReplicaSetScaleDowns(d, [a, b, fresh], [a, b], fresh))).toEqual({ a: 3 });
  });

  test('unhealthy old pods go first, bounded by what keeps the minimum', () => {
    const d = deploy(10, rolling(3, 2));
    const a = rs('a', 6, 2); // 4 unavailable
    const b = rs('b', 4, 4);
    const fresh = rs('new', 3, 3, 'v2');
    // maxScaledDown = 13 - 8 - 0 = 5: 4 unhealthy from a; then available 9 > 8: one more, from a (oldest, 2 left).
    expect(sizes(oldReplicaSetScaleDowns(d, [a, b, fresh], [a, b], fresh))).toEqual({ a: 1 });
  });

  test('nothing goes while the minimum is not exceeded (maxUnavailable 0)', () => {
    const d = deploy(3, rolling(1, 0));
    const old = rs('old', 3);
    const fresh = rs('new', 1, 0, 'v2');
    expect(oldReplicaSetScaleDowns(d, [old, fresh], [old], fresh)).toEqual([]);
    const ready = rs('new-ready', 1, 1, 'v2');
    expect(sizes(oldReplicaSetScaleDowns(d, [old, ready], [old], ready))).toEqual({ old: 2 });
  });
});

describe('proportional scaling', () => {
  const annotated = (name: string, n: number, image: string, desired: number, max: number) =>
    rs(name, n, n, image, {
      'deployment.kubernetes.io/desired-replicas': String(desired),
      'deployment.kubernetes.io/max-replicas': String(max),
    });

  test('scaled 10 -> 20 mid-rollout: each set by its share of the old maximum, leftovers to the largest', () => {
    const d = deploy(20, rolling(3, 2));
    const old = annotated('old', 8, 'v1', 10, 13);
    const fresh = annotated('new', 5, 'v2', 10, 13);
    const plan = scalePlan(d, fresh, [old]);
    expect(plan.operation).toBe('up');
    expect(sizes(plan.steps)).toEqual({ old: 14, new: 9 }); // round(8*23/13)=14, round(5*23/13)=9: 23 in all
  });

  test('scaled 10 -> 5 mid-rollout: shares rounded, the sum is replicas + maxSurge', () => {
    const d = deploy(5, rolling(3, 2));
    const plan = scalePlan(d, annotated('new', 5, 'v2', 10, 13), [annotated('old', 8, 'v1', 10, 13)]);
    expect(plan.operation).toBe('down');
    expect(sizes(plan.steps)).toEqual({ old: 5, new: 3 });
  });

  test('one active set takes the new size; a saturated new set sends the old ones to 0', () => {
    const d = deploy(6);
    const only = rs('only', 3);
    expect(findActiveOrLatest(only, [rs('idle', 0)])).toBe(only);
    expect(sizes(scalePlan(d, only, [rs('idle2', 0)]).steps)).toEqual({ only: 6 });
    const sat = annotated('sat', 6, 'v2', 6, 8);
    expect(isSaturated(d, sat)).toBe(true);
    expect(sizes(scalePlan(d, sat, [rs('left', 1)]).steps)).toEqual({ left: 0 });
    expect(isSaturated(d, rs('unannotated', 6))).toBe(false);
  });
});

describe('revisions and names', () => {
  test('a new set gets revision, desired/max replicas and the deployment annotations (not last-applied)', () => {
    const d = deploy(4, rolling(1, 1));
    d.metadata.annotations = {
      'kubernetes.io/change-cause': 'v2',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '1',
    };
    const fresh = rs('x', 0);
    fresh.metadata.annotations = {};
    expect(setNewReplicaSetAnnotations(d, fresh, '2', false, 4, 5)).toBe(true);
    expect(fresh.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'v2',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    expect(setNewReplicaSetAnnotations(d, fresh, '2', true, 4, 5)).toBe(false);
  });

  test('a set brought back by a rollback takes the next revision and remembers its old ones, bounded in length', () => {
    const d = deploy(1);
    const back = rs('back', 0, 0, 'v1', { 'deployment.kubernetes.io/revision': '1' });
    setNewReplicaSetAnnotations(d, back, '3', true, 1, 2);
    expect(back.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    setNewReplicaSetAnnotations(d, back, '5', true, 1, 2);
    expect(back.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('1,3');
    setNewReplicaSetAnnotations(d, back, '7', true, 1, 2, 4);
    expect(back.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('3,5');
  });

  test('FNV-32a and SafeEncodeString as upstream; the hash is stable, in the alphabet, moved by collisionCount', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    const h = computeHash(template('v1'));
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(structuredClone(template('v1')))).toBe(h);
    expect(computeHash({ spec: template('v1').spec, metadata: { labels: { app: 'web' }, annotations: {} } })).toBe(h); // empty == absent
    expect(computeHash(template('v2'))).not.toBe(h);
    expect(computeHash(template('v1'), 1)).not.toBe(h);
    expect(computeHash(template('v1'), 1)).not.toBe(computeHash(template('v1'), 2));
  });

  test('the new set is the oldest with the template, the hash label aside; the rest are old', () => {
    const d = deploy(3);
    const hashed = rs('web-h', 3, 3, 'v2');
    (hashed as J).spec.template.metadata.labels['pod-template-hash'] = 'h';
    expect(equalIgnoreHash((hashed as J).spec.template, (d as J).spec.template)).toBe(true);
    const later = rs('web-h2', 0, 0, 'v2');
    const old = rs('web-o', 0, 0, 'v1');
    expect(findNewReplicaSet(d, [later, old, hashed])).toBe(hashed);
    expect(findOldReplicaSets(d, [later, old, hashed]).allOld.map((x) => x.metadata.name)).toEqual(['web-h2', 'web-o']);
  });

  test('claim: own matching, adopt matching orphans, release non-matching, leave others alone', () => {
    const d = deploy(1);
    const mine = rs('mine', 1);
    mine.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }];
    const strayed = rs('strayed', 1);
    strayed.metadata.ownerReferences = mine.metadata.ownerReferences;
    strayed.metadata.labels = { app: 'other' };
    const orphan = rs('orphan', 1);
    const theirs = rs('theirs', 1);
    theirs.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'x-uid', controller: true }];
    const c = classifyReplicaSets(d, [mine, strayed, orphan, theirs]);
    expect([c.owned, c.adopt, c.release].map((l) => l.map((x) => x.metadata.name))).toEqual([['mine'], ['orphan'], ['strayed']]);
  });
});

describe('conditions on a fake clock', () => {
  test('Available against replicas - maxUnavailable', () => {
    const d = deploy(4, rolling(1, 1));
    const s = calculateStatus([rs('a', 4, 3)], rs('a', 4, 3), d, T0);
    expect(s).toMatchObject({ replicas: 4, availableReplicas: 3, unavailableReplicas: 1, observedGeneration: 1 });
    expect(s.conditions[0]).toMatchObject({
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    const low = calculateStatus([rs('b', 4, 2)], undefined, d, T0);
    expect(low.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
  });

  test('progress refreshes lastUpdateTime only; no progress past the deadline times out; complete is NewReplicaSetAvailable', () => {
    const d = deploy(2, rolling(1, 0), { progressDeadlineSeconds: 10 }) as KObject & J;
    const t = timeOf(T0);
    d.status = {
      replicas: 2,
      updatedReplicas: 0,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: 'Created new replica set "web-x"',
          lastUpdateTime: t,
          lastTransitionTime: t,
        },
      ],
    };
    const fresh = rs('web-x', 1, 0, 'v2');
    (fresh as J).status.replicas = 1;
    const s1 = rolloutStatus([rs('old', 2), fresh], fresh, d, T0 + 5000);
    const p1 = s1.conditions.find((c: J) => c.type === 'Progressing');
    expect(p1).toMatchObject({
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-x" is progressing.',
      lastTransitionTime: t,
      lastUpdateTime: timeOf(T0 + 5000),
    });
    expect(stuckRequeueMs(d, s1, T0 + 5000)).toBe(10_000);

    d.status = s1;
    const same = rolloutStatus([rs('old', 2), fresh], fresh, d, T0 + 9000);
    expect(same.conditions.find((c: J) => c.type === 'Progressing').reason).toBe('ReplicaSetUpdated');
    const late = rolloutStatus([rs('old', 2), fresh], fresh, d, T0 + 15_001);
    expect(late.conditions.find((c: J) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-x" has timed out progressing.',
    });
    expect(stuckRequeueMs(d, late, T0 + 15_001)).toBeUndefined();

    const done = rs('web-x', 2, 2, 'v2');
    const complete = rolloutStatus([rs('old', 0), done], done, d, T0 + 20_000);
    expect(complete.conditions.find((c: J) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-x" has successfully progressed.',
    });
  });

  test('paused and resumed conditions (not over a timed-out one)', () => {
    const d = deploy(1, undefined, { paused: true }) as KObject & J;
    expect(pausedConditionChange(d, T0)).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    d.status = { conditions: [pausedConditionChange(d, T0)] };
    expect(pausedConditionChange(d, T0)).toBeUndefined();
    d.spec.paused = false;
    expect(pausedConditionChange(d, T0)).toMatchObject({ reason: 'DeploymentResumed', message: 'Deployment is resumed' });
    d.status.conditions[0].reason = 'ProgressDeadlineExceeded';
    expect(pausedConditionChange(d, T0)).toBeUndefined();
  });
});

test('ReplicaFailure: the new set first, else an old one, carried with its transition time', () => {
  const d = deploy(1);
  const failing = (name: string, message: string) => {
    const x = rs(name, 1, 0) as J;
    x.status.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message, lastTransitionTime: timeOf(T0) }];
    return x as KObject;
  };
  const fresh = rs('fresh', 1, 0, 'v2');
  const s = rolloutStatus([failing('old', 'quota'), fresh], fresh, d, T0);
  expect(s.conditions.find((c: J) => c.type === 'ReplicaFailure')).toEqual({
    type: 'ReplicaFailure',
    status: 'True',
    reason: 'FailedCreate',
    message: 'quota',
    lastUpdateTime: timeOf(T0),
    lastTransitionTime: timeOf(T0),
  });
  const newFails = failing('fresh2', 'forbidden');
  expect(
    rolloutStatus([failing('old2', 'quota'), newFails], newFails, d, T0).conditions.find((c: J) => c.type === 'ReplicaFailure').message,
  ).toBe('forbidden');
  expect(rolloutStatus([rs('ok', 1), fresh], fresh, d, T0).conditions.find((c: J) => c.type === 'ReplicaFailure')).toBeUndefined();
});
