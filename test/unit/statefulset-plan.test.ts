// The StatefulSet controller's pure decisions (stateful_set_control.go as plan.ts): ordinal bookkeeping under
// OrderedReady and Parallel, scale-down from the highest ordinal, rolling updates in reverse down to the partition or
// maxUnavailable at a time, OnDelete, the pods' identity and claims, the claims' owners per retention policy.
import type { KObject } from '../../src/machinery/api/meta.js';
import { completeRollingUpdate, planStatefulSet, type PlanInput } from '../../src/reconcilers/statefulset/plan.js';
import {
  claimsFor,
  identityMatches,
  newStatefulSetPod,
  parentAndOrdinal,
  storageMatches,
} from '../../src/reconcilers/statefulset/identity.js';
import { claimIsStale, claimOwnerRefs, isClaimOwnerUpToDate } from '../../src/reconcilers/statefulset/retention.js';
import { defaultStatefulSet, validateStatefulSet, validateStatefulSetUpdate } from '../../src/registry/strategies/statefulset.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse('2026-01-01T00:10:00Z');

function set(spec: J = {}): KObject {
  const s: J = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'ns', uid: 'set-uid', generation: 2 },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'img:v1' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      ...spec,
    },
  };
  defaultStatefulSet(s);
  return s as KObject;
}

const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };

/** A pod of the set in a given state. */
function pod(s: KObject, ordinal: number, revision: string, state: 'ready' | 'pending' | 'terminating' | 'failed' = 'ready'): KObject {
  const p = newStatefulSetPod(s, ref, ordinal, revision) as J;
  p.metadata.uid = `pod-${ordinal}`;
  p.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  const ready = state === 'ready' || state === 'terminating';
  p.status = {
    phase: state === 'failed' ? 'Failed' : state === 'pending' ? 'Pending' : 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:01:00Z' }],
  };
  if (state === 'terminating') p.metadata.deletionTimestamp = '2026-01-01T00:09:00Z';
  return p as KObject;
}

const input = (s: KObject, pods: KObject[], current = 'web-r1', update = 'web-r1'): PlanInput => ({
  set: s,
  currentSet: s,
  updateSet: s,
  currentRevision: current,
  updateRevision: update,
  collisionCount: 0,
  pods,
  ref,
  now: NOW,
});
const summary = (plan: ReturnType<typeof planStatefulSet>) =>
  plan.actions.map((a) => `${a.type}:${a.pod.metadata.name}${a.type === 'delete' ? `(${a.why})` : ''}`);

describe('OrderedReady', () => {
  test('creates web-0 first and waits for it', () => {
    const s = set();
    const plan = planStatefulSet(input(s, []));
    expect(summary(plan)).toEqual(['create:web-0']);
    expect(plan.waitingFor).toMatch(/web-0/);
    expect(plan.status.replicas).toBe(1);
  });
  test('a pending web-0 blocks web-1; a ready one lets it be created', () => {
    const s = set();
    expect(summary(planStatefulSet(input(s, [pod(s, 0, 'web-r1', 'pending')])))).toEqual([]);
    expect(planStatefulSet(input(s, [pod(s, 0, 'web-r1', 'pending')])).waitingFor).toMatch(/web-0 to be Running and Ready/);
    expect(summary(planStatefulSet(input(s, [pod(s, 0, 'web-r1')])))).toEqual(['create:web-1']);
  });
  test('a missing middle ordinal is recreated before anything above it moves', () => {
    const s = set();
    expect(summary(planStatefulSet(input(s, [pod(s, 0, 'web-r1'), pod(s, 2, 'web-r1')])))).toEqual(['create:web-1']);
  });
  test('a failed pod is deleted and recreated', () => {
    const s = set();
    expect(summary(planStatefulSet(input(s, [pod(s, 0, 'web-r1', 'failed')])))).toEqual(['delete:web-0(failed)', 'create:web-0']);
  });
  test('scale-down deletes the highest ordinal, one at a time', () => {
    const s = set({ replicas: 1 });
    const pods = [0, 1, 2].map((i) => pod(s, i, 'web-r1'));
    expect(summary(planStatefulSet(input(s, pods)))).toEqual(['delete:web-2(condemned)']);
    const terminating = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1'), pod(s, 2, 'web-r1', 'terminating')];
    expect(summary(planStatefulSet(input(s, terminating)))).toEqual([]);
  });
  test('a not-ready condemned pod that is the first unhealthy one is still deleted', () => {
    const s = set({ replicas: 1 });
    const pods = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1'), pod(s, 2, 'web-r1', 'pending')];
    expect(summary(planStatefulSet(input(s, pods)))).toEqual(['delete:web-2(condemned)']);
  });
});

describe('Parallel', () => {
  test('creates every missing pod at once and deletes every condemned one', () => {
    const s = set({ podManagementPolicy: 'Parallel' });
    expect(summary(planStatefulSet(input(s, [])))).toEqual(['create:web-0', 'create:web-1', 'create:web-2']);
    const down = set({ podManagementPolicy: 'Parallel', replicas: 1 });
    const pods = [0, 1, 2].map((i) => pod(down, i, 'web-r1', i === 0 ? 'pending' : 'ready'));
    expect(summary(planStatefulSet(input(down, pods)))).toEqual(['delete:web-2(condemned)', 'delete:web-1(condemned)']);
  });
});

describe('RollingUpdate', () => {
  test('replaces the highest ordinal of the old revision first, then waits for it', () => {
    const s = set();
    const pods = [0, 1, 2].map((i) => pod(s, i, 'web-r1'));
    expect(summary(planStatefulSet(input(s, pods, 'web-r1', 'web-r2')))).toEqual(['delete:web-2(update)']);
    const after = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1'), pod(s, 2, 'web-r2', 'pending')];
    const plan = planStatefulSet(input(s, after, 'web-r1', 'web-r2'));
    expect(summary(plan)).toEqual([]);
    expect(plan.waitingFor).toMatch(/web-2/);
    const next = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1'), pod(s, 2, 'web-r2')];
    expect(summary(planStatefulSet(input(s, next, 'web-r1', 'web-r2')))).toEqual(['delete:web-1(update)']);
  });
  test('a recreated pod takes the update revision; below the partition the current one', () => {
    const s = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    const pods = [pod(s, 1, 'web-r1'), pod(s, 2, 'web-r2')];
    const plan = planStatefulSet(input(s, pods, 'web-r1', 'web-r2'));
    expect(plan.actions.map((a) => a.pod.metadata.labels?.['controller-revision-hash'])).toEqual(['web-r1']);
    const above = planStatefulSet(input(s, [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1')], 'web-r1', 'web-r2'));
    expect(above.actions.map((a) => `${a.pod.metadata.name}@${a.pod.metadata.labels?.['controller-revision-hash']}`)).toEqual([
      'web-2@web-r2',
    ]);
  });
  test('the partition stops the update', () => {
    const s = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    const pods = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r1'), pod(s, 2, 'web-r2')];
    expect(summary(planStatefulSet(input(s, pods, 'web-r1', 'web-r2')))).toEqual([]);
  });
  test('maxUnavailable 2 replaces two pods at once, from the top (OrderedReady still waits for a pod not ready)', () => {
    const s = set({ replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } });
    const pods = [0, 1, 2, 3].map((i) => pod(s, i, 'web-r1'));
    expect(summary(planStatefulSet(input(s, pods, 'web-r1', 'web-r2')))).toEqual(['delete:web-3(update)', 'delete:web-2(update)']);
    // OrderedReady waits for the replaced pod before anything else; Parallel spends the rest of the budget.
    const oneDown = (x: KObject) => [pod(x, 0, 'web-r1'), pod(x, 1, 'web-r1'), pod(x, 2, 'web-r1'), pod(x, 3, 'web-r2', 'pending')];
    expect(summary(planStatefulSet(input(s, oneDown(s), 'web-r1', 'web-r2')))).toEqual([]);
    const p = set({
      replicas: 4,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } },
    });
    expect(summary(planStatefulSet(input(p, oneDown(p), 'web-r1', 'web-r2')))).toEqual(['delete:web-2(update)']);
  });
  test('OnDelete replaces nothing', () => {
    const s = set({ updateStrategy: { type: 'OnDelete' } });
    const pods = [0, 1, 2].map((i) => pod(s, i, 'web-r1'));
    expect(summary(planStatefulSet(input(s, pods, 'web-r1', 'web-r2')))).toEqual([]);
  });
  test('status counts and the rollout completing', () => {
    const s = set();
    const pods = [pod(s, 0, 'web-r1'), pod(s, 1, 'web-r2'), pod(s, 2, 'web-r2')];
    const plan = planStatefulSet(input(s, pods, 'web-r1', 'web-r1'.replace('1', '2')));
    expect(plan.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 0,
      updatedReplicas: 2,
      observedGeneration: 2,
    });
    const done = completeRollingUpdate(s, { ...plan.status, updatedReplicas: 3 });
    expect(done.currentRevision).toBe('web-r2');
    expect(completeRollingUpdate(s, plan.status).currentRevision).toBe('web-r1');
  });
});

describe('identity and claims', () => {
  test('names, labels, hostname, subdomain and the claim volume', () => {
    const s = set();
    const p = newStatefulSetPod(s, ref, 1, 'web-r1') as J;
    expect(p.metadata.name).toBe('web-1');
    expect(p.metadata.labels).toEqual({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': 'web-r1',
    });
    expect(p.spec.hostname).toBe('web-1');
    expect(p.spec.subdomain).toBe('nginx');
    expect(p.spec.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
    expect(identityMatches(s, p as KObject) && storageMatches(s, p as KObject)).toBe(true);
    expect(identityMatches(s, { ...p, metadata: { ...p.metadata, labels: { app: 'web' } } })).toBe(false);
    expect(claimsFor(s, 1)[0].metadata).toMatchObject({ name: 'www-web-1', namespace: 'ns', labels: { app: 'web' } });
    expect(parentAndOrdinal('my-web-12')).toEqual(['my-web', 12]);
    expect(parentAndOrdinal('web')).toEqual(['', -1]);
  });
  test('claim owners follow the retention policy', () => {
    const claim = (ordinal: number) => claimsFor(set(), ordinal)[0];
    const uids = (s: KObject, ordinal: number) => claimOwnerRefs(s, pod(s, ordinal, 'r'), claim(ordinal)).map((r) => r.uid);
    expect(uids(set(), 2)).toEqual([]);
    const whenDeleted = set({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    expect(uids(whenDeleted, 1)).toEqual(['set-uid']);
    const whenScaled = set({ replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
    expect(uids(whenScaled, 1)).toEqual([]);
    expect(uids(whenScaled, 2)).toEqual(['pod-2']);
    expect(claimOwnerRefs(whenDeleted, pod(whenDeleted, 1, 'r'), claim(1))).toEqual([ref]);
  });
  test('a claim naming an earlier pod or set of the same name is stale: left alone, and no new pod uses it under whenScaled Delete', () => {
    const policy = { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } };
    const s = set({ replicas: 2, ...policy });
    const withRefs = (...refs: J[]) =>
      ({ ...claimsFor(s, 1)[0], metadata: { ...claimsFor(s, 1)[0].metadata, ownerReferences: refs } }) as KObject;
    const fresh = newStatefulSetPod(s, ref, 1, 'r'); // not created yet: no uid
    const oldPodRef = { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'old-pod', controller: true };
    expect(claimIsStale(s, fresh, withRefs(oldPodRef))).toBe(true);
    expect(claimIsStale(s, fresh, withRefs(ref))).toBe(false);
    expect(claimIsStale(set({ replicas: 2 }), fresh, withRefs(oldPodRef))).toBe(false); // Retain on scale-down: reused
    const oldSetRef = { ...ref, uid: 'old-set' };
    expect(isClaimOwnerUpToDate(s, pod(s, 1, 'r'), withRefs(oldSetRef))).toBe(true); // stale: not touched
    expect(isClaimOwnerUpToDate(s, pod(s, 1, 'r'), withRefs(ref))).toBe(true);
    expect(isClaimOwnerUpToDate(s, pod(s, 1, 'r'), withRefs({ ...ref, controller: false }))).toBe(false);
    // Another controller: our references go, none is added.
    const other = { apiVersion: 'example.com/v1', kind: 'Keeper', name: 'k', uid: 'k-uid', controller: true };
    expect(isClaimOwnerUpToDate(s, pod(s, 1, 'r'), withRefs(other, ref))).toBe(false);
    expect(claimOwnerRefs(s, pod(s, 1, 'r'), withRefs(other, ref))).toEqual([other]);
  });
});

describe('strategy', () => {
  test('defaults', () => {
    const s = set() as J;
    expect(s.spec.podManagementPolicy).toBe('OrderedReady');
    expect(s.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(s.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(s.spec.revisionHistoryLimit).toBe(10);
    expect(s.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
  });
  test('a template that mounts its claim validates; bad values do not', () => {
    const ok = set({
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'www', mountPath: '/d' }] }] },
      },
    });
    expect(validateStatefulSet(ok)).toEqual([]);
    const bad = set({ podManagementPolicy: 'Sometimes' }) as J;
    expect(validateStatefulSet(bad).map((e) => e.field)).toContain('spec.podManagementPolicy');
  });
  test('claim templates stand for template volumes of their name, also with 100,000 of each', () => {
    const mounts = [
      { name: 'www', mountPath: '/d' },
      { name: 'scratch', mountPath: '/s' },
    ];
    const template = (volumes: J[]) => ({
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'i', volumeMounts: mounts }], volumes },
    });
    // a template volume named as a claim is the claim's: no duplicate name
    expect(
      validateStatefulSet(
        set({
          template: template([
            { name: 'www', emptyDir: {} },
            { name: 'scratch', emptyDir: {} },
          ]),
        }),
      ),
    ).toEqual([]);
    const n = 100_000;
    const claims = Array.from({ length: n }, (_, i) => ({ metadata: { name: `c${i}` }, spec: { accessModes: ['ReadWriteOnce'] } }));
    const volumes = Array.from({ length: n }, (_, i) => ({ name: i % 2 ? `c${i}` : `v${i}`, emptyDir: {} }));
    const big = set({
      volumeClaimTemplates: [...claims, { metadata: { name: 'www' } }],
      template: template([...volumes, { name: 'scratch', emptyDir: {} }]),
    });
    const started = Date.now();
    expect(validateStatefulSet(big)).toEqual([]);
    // an includes per volume: 12 s for 60,000 of each
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('only the allowed spec fields may change', () => {
    const old = set();
    const scaled = set({
      replicas: 5,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'img:v2' }] } },
    });
    expect(validateStatefulSetUpdate(scaled, old)).toEqual([]);
    const renamed = set({ serviceName: 'other' });
    expect(validateStatefulSetUpdate(renamed, old)).toEqual([
      expect.objectContaining({
        field: 'spec',
        detail: expect.stringMatching(/^updates to statefulset spec for fields other than 'replicas'/),
      }),
    ]);
  });
});
