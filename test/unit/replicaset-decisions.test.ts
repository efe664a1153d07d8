// The ReplicaSet controller's pure decisions: which surplus pods go first (ActivePodsWithRanks), adopt/release
// (ClaimPods), slow-start batch sizes, the status it reports (availability after minReadySeconds, ReplicaFailure),
// expectations against a fake clock, and the pod built from a template.
import type { KObject } from '../../src/machinery/api/meta.js';
import { deleteBefore, podsToDelete, rankByRelatedPodsOnNode } from '../../src/reconcilers/replicaset/pod-ranking.js';
import { adoptPatch, claimDecision, controllerRef, releasePatch } from '../../src/reconcilers/replicaset/claim.js';
import { slowStartBatch, slowStartBatchSizes } from '../../src/reconcilers/replicaset/slow-start.js';
import { availabilityRecheckMs, calculateStatus, statusNeedsUpdate } from '../../src/reconcilers/replicaset/status.js';
import { Expectations, EXPECTATIONS_TIMEOUT_MS } from '../../src/reconcilers/replicaset/expectations.js';
import { isPodActive, isPodAvailable } from '../../src/reconcilers/replicaset/pod-state.js';
import { podFromTemplate } from '../../src/reconcilers/replicaset/pod-template.js';
import { REPLICATION_CONTROLLER } from '../../src/reconcilers/replicaset/kinds.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

interface PodOpts {
  node?: string;
  phase?: string;
  readySince?: number; // seconds ago; undefined = not ready
  restarts?: number;
  createdAgo?: number;
  cost?: string;
  labels?: Record<string, string>;
  owner?: string;
  deleting?: boolean;
}
function pod(name: string, o: PodOpts = {}): KObject {
  const conditions = o.readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: ago(o.createdAgo ?? 1000),
      labels: o.labels ?? { app: 'web' },
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: o.owner, controller: true }] } : {}),
      ...(o.deleting ? { deletionTimestamp: ago(0) } : {}),
    },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }] },
  };
}
const rs = (o: J = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 2, ...(o.metadata ?? {}) },
  spec: {
    replicas: o.replicas ?? 3,
    minReadySeconds: o.minReadySeconds ?? 0,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
  status: o.status ?? { replicas: 0 },
});
const names = (ps: KObject[]) => ps.map((p) => p.metadata.name);

describe('which surplus pods are deleted first', () => {
  test.each([
    ['unassigned before assigned', pod('a', { node: '' }), pod('b', {})],
    ['Pending before Unknown', pod('a', { phase: 'Pending' }), pod('b', { phase: 'Unknown' })],
    ['Unknown before Running', pod('a', { phase: 'Unknown' }), pod('b', { phase: 'Running' })],
    ['not ready before ready', pod('a', {}), pod('b', { readySince: 500 })],
    ['lower deletion cost first', pod('a', { readySince: 500, cost: '-5' }), pod('b', { readySince: 500, cost: '10' })],
    ['ready for less time (log scale) first', pod('a', { readySince: 10 }), pod('b', { readySince: 5000 })],
    ['more restarts first', pod('a', { readySince: 500, restarts: 4 }), pod('b', { readySince: 500, restarts: 1 })],
    ['newer first', pod('a', { createdAgo: 10 }), pod('b', { createdAgo: 10_000 })],
  ])('%s', (_what, first, second) => {
    const ranked = rankByRelatedPodsOnNode([first, second], [first, second]);
    expect(deleteBefore(ranked[0], ranked[1], NOW)).toBe(true);
    expect(deleteBefore(ranked[1], ranked[0], NOW)).toBe(false);
    expect(names(podsToDelete([second, first], [first, second], 1, NOW))).toEqual(['a']);
  });

  test('a pod doubled up on a node goes before a lone one; earlier criteria still win', () => {
    const lone = pod('lone', { node: 'n2', readySince: 500 });
    const twinA = pod('twin-a', { node: 'n1', readySince: 500 });
    const twinB = pod('twin-b', { node: 'n1', readySince: 500 });
    const all = [lone, twinA, twinB];
    expect(names(podsToDelete(all, all, 1, NOW))).not.toContain('lone');
    const notReady = pod('nr', { node: 'n2' });
    expect(names(podsToDelete([twinA, twinB, notReady], [twinA, twinB, notReady], 1, NOW))).toEqual(['nr']);
  });

  test('ready times within the same power of two tie and are decided by uid, as upstream (restarts are not looked at)', () => {
    // 600 s and 700 s ago are both in [2^39, 2^40) ns: the same rank.
    const a = pod('a', { readySince: 600, restarts: 0 });
    const b = pod('b', { readySince: 700, restarts: 3 });
    expect(names(podsToDelete([b, a], [a, b], 1, NOW))).toEqual(['a']);
    // Ranks apart: the newer goes first whatever the restarts.
    const c = pod('c', { readySince: 2000, restarts: 9 });
    expect(names(podsToDelete([c, b], [b, c], 1, NOW))).toEqual(['b']);
  });

  test('a full ordering of mixed pods', () => {
    const ps = [
      pod('ready-old', { readySince: 100_000, createdAgo: 200_000 }),
      pod('running-not-ready', {}),
      pod('pending', { phase: 'Pending' }),
      pod('unassigned', { node: '', phase: 'Pending' }),
      pod('ready-new', { readySince: 5 }),
    ];
    expect(names(podsToDelete(ps, ps, 5, NOW))).toEqual(names(ps)); // all of them, as they are
    expect(names(podsToDelete(ps, ps, 4, NOW))).toEqual(['unassigned', 'pending', 'running-not-ready', 'ready-new']);
  });

  test('terminating and finished pods are not active', () => {
    expect(isPodActive(pod('a', { deleting: true }))).toBe(false);
    expect(isPodActive(pod('a', { phase: 'Succeeded' }))).toBe(false);
    expect(isPodActive(pod('a', { phase: 'Failed' }))).toBe(false);
    expect(isPodActive(pod('a', { phase: 'Pending' }))).toBe(true);
  });
});

describe('adopt and release (ClaimPods)', () => {
  const owner = rs();
  test.each([
    ['owned and matching', 'owned', pod('p', { owner: 'rs-uid' }), true],
    ['owned, no longer matching', 'release', pod('p', { owner: 'rs-uid' }), false],
    ['another controller owns it', 'ignore', pod('p', { owner: 'other' }), true],
    ['an orphan that matches', 'adopt', pod('p'), true],
    ['an orphan that does not match', 'ignore', pod('p'), false],
    ['a terminating orphan', 'ignore', pod('p', { deleting: true }), true],
  ])('%s: %s', (_what, decision, p, matches) => {
    expect(claimDecision(owner, p, matches)).toBe(decision);
  });

  test('an owner being deleted adopts nothing and releases nothing', () => {
    const deleting = rs({ metadata: { deletionTimestamp: ago(0) } });
    expect(claimDecision(deleting, pod('p'), true)).toBe('ignore');
    expect(claimDecision(deleting, pod('p', { owner: 'rs-uid' }), false)).toBe('ignore');
    expect(claimDecision(deleting, pod('p', { owner: 'rs-uid' }), true)).toBe('owned');
  });

  test('an orphan in another namespace is not adopted', () => {
    const p = pod('p');
    p.metadata.namespace = 'other';
    expect(claimDecision(owner, p, true)).toBe('ignore');
  });

  test('the patches: a blocking controller reference in, the reference out by uid, both guarded by the pod uid', () => {
    expect(controllerRef(owner)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web',
      uid: 'rs-uid',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(adoptPatch(owner, pod('p'))).toEqual({ metadata: { ownerReferences: [controllerRef(owner)], uid: 'uid-p' } });
    expect(releasePatch(owner, pod('p'))).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs-uid' }], uid: 'uid-p' } });
  });
});

describe('slow start', () => {
  test.each([
    [0, []],
    [1, [1]],
    [3, [1, 2]],
    [10, [1, 2, 4, 3]],
    [100, [1, 2, 4, 8, 16, 32, 37]],
  ])('%i calls in batches %j', (n, sizes) => {
    expect(slowStartBatchSizes(n)).toEqual(sizes);
  });

  test('stops after the first batch with an error: a refused template costs one call', async () => {
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      calls++;
      throw new Error('forbidden');
    });
    expect(calls).toBe(1);
    expect(r).toMatchObject({ successes: 0, error: { message: 'forbidden' } });
  });

  test('a failure in the third batch: 3 + 4 calls, the batch finishes, the rest is skipped', async () => {
    let calls = 0;
    const r = await slowStartBatch(20, 1, async () => {
      calls++;
      if (calls === 5) throw new Error('quota');
    });
    expect(calls).toBe(7);
    expect(r.successes).toBe(6);
    expect(r.error?.message).toBe('quota');
  });
});

describe('status', () => {
  test('counts: replicas, fully labeled (template labels), ready, available', () => {
    const ps = [pod('a', { readySince: 100, labels: { app: 'web', tier: 'fe' } }), pod('b', { readySince: 100 }), pod('c')];
    expect(calculateStatus(rs(), ps, undefined, NOW)).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
    });
  });

  test('availability waits minReadySeconds after readiness, and asks to be looked at again', () => {
    const owner = rs({ replicas: 2, minReadySeconds: 30 });
    const ps = [pod('a', { readySince: 10 }), pod('b', { readySince: 40 })];
    const s = calculateStatus(owner, ps, undefined, NOW);
    expect(s).toMatchObject({ readyReplicas: 2, availableReplicas: 1 });
    expect(availabilityRecheckMs(owner, s)).toBe(30_000);
    expect(isPodAvailable(ps[0], 30, NOW + 21_000)).toBe(true);
    const later = calculateStatus(owner, ps, undefined, NOW + 21_000);
    expect(later.availableReplicas).toBe(2);
    expect(availabilityRecheckMs(owner, later)).toBeUndefined();
  });

  test('ReplicaFailure FailedCreate appears once with the error and goes once a sync succeeds', () => {
    const err = new Error('pods "web-" is forbidden: violates PodSecurity "baseline:latest"');
    const s = calculateStatus(rs(), [], err, NOW);
    expect(s.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: err.message, lastTransitionTime: ago(0) },
    ]);
    // An existing condition is kept as it is (no rewrite on every failed sync).
    const again = calculateStatus(rs({ status: s }), [], new Error('other'), NOW + 5000);
    expect(again.conditions).toEqual(s.conditions);
    expect(calculateStatus(rs({ status: s }), [], undefined, NOW).conditions).toBeUndefined();
    expect(calculateStatus(rs({ replicas: 0 }), [pod('a')], new Error('x'), NOW).conditions?.[0].reason).toBe('FailedDelete');
  });

  test('written only when something changed, observedGeneration included', () => {
    const owner = rs({ status: { replicas: 1, observedGeneration: 2 } });
    expect(statusNeedsUpdate(owner, { replicas: 1 })).toBe(false);
    expect(statusNeedsUpdate(owner, { replicas: 2 })).toBe(true);
    expect(statusNeedsUpdate(rs({ status: { replicas: 1, observedGeneration: 1 } }), { replicas: 1 })).toBe(true);
  });
});

describe('expectations', () => {
  test('creations: unsatisfied until each is observed (or given up on)', () => {
    let now = NOW;
    const e = new Expectations(() => now);
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectCreations('ns/a', 2);
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectCreations('ns/a', 1);
    now += EXPECTATIONS_TIMEOUT_MS + 1;
    expect(e.satisfied('ns/a')).toBe(true); // a lost event does not stall the owner forever
  });

  test('deletions count once per pod, however many events report them', () => {
    const e = new Expectations(() => NOW);
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/p1');
    e.deletionObserved('ns/a', 'ns/p1');
    expect(e.satisfied('ns/a')).toBe(false);
    expect(e.pending('ns/a')).toEqual({ adds: 0, deletes: 1 });
    e.deletionObserved('ns/a', 'ns/p2');
    expect(e.satisfied('ns/a')).toBe(true);
    e.delete('ns/a');
    expect(e.pending('ns/a')).toBeUndefined();
  });
});

describe('the pod built from a template', () => {
  test('generateName <owner>-, template labels and annotations, the controller reference, the spec', () => {
    const owner = rs();
    const p = podFromTemplate((owner.spec as J).template, owner, controllerRef(owner)) as J;
    expect(p.metadata).toEqual({ generateName: 'web-', labels: { app: 'web', tier: 'fe' }, ownerReferences: [controllerRef(owner)] });
    expect(p.spec).toEqual({ containers: [{ name: 'c', image: 'i' }] });
  });

  test('a ReplicationController selects with its plain label map', () => {
    const rc = { metadata: { name: 'r' }, spec: { selector: { app: 'web' } } } as KObject;
    expect(REPLICATION_CONTROLLER.selectorOf(rc).matches({ app: 'web', x: 'y' })).toBe(true);
    expect(REPLICATION_CONTROLLER.selectorOf(rc).matches({ app: 'db' })).toBe(false);
  });
});
