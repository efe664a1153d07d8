// The pure deletion decisions (registry/deletion.ts) and the collector's ownership graph.
import { completesDeletion, finalizersForPolicy, planDeletion, validateFinalizerUpdate } from '../../src/registry/deletion.js';
import { OwnershipGraph } from '../../src/reconcilers/gc/graph.js';
import { pods } from '../../src/registry/resources/pods.js';
import { replicasets } from '../../src/registry/resources/apps.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const cmDef = RESOURCES.find((d) => d.plural === 'configmaps')!;
const NOW = new Date('2024-05-01T10:00:00Z');
const cm = (meta: Partial<KObject['metadata']> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'default', uid: 'u1', resourceVersion: '5', ...meta },
});
const scheduledPod = (meta: Partial<KObject['metadata']> = {}, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'p1', resourceVersion: '9', ...meta },
  spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30, containers: [], ...spec },
});

describe('planDeletion: finalizers and policies', () => {
  test('no finalizers and Background: removed now', () => {
    expect(planDeletion(cmDef, cm(), {}, NOW).action).toBe('remove');
    expect(planDeletion(cmDef, cm(), { propagationPolicy: 'Background' }, NOW).action).toBe('remove');
  });

  test('Foreground / Orphan add their finalizer and mark the object with grace 0', () => {
    const fg = planDeletion(cmDef, cm(), { propagationPolicy: 'Foreground' }, NOW);
    expect(fg).toMatchObject({
      action: 'mark',
      object: {
        metadata: { finalizers: ['foregroundDeletion'], deletionTimestamp: '2024-05-01T10:00:00Z', deletionGracePeriodSeconds: 0 },
      },
    });
    const or = planDeletion(cmDef, cm({ finalizers: ['x.io/a'] }), { orphanDependents: true }, NOW);
    expect(or.object.metadata.finalizers).toEqual(['x.io/a', 'orphan']);
  });

  test('a later DELETE may switch the policy of an object only held by finalizers', () => {
    const marked = cm({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2024-05-01T09:00:00Z', deletionGracePeriodSeconds: 0 });
    const p = planDeletion(cmDef, marked, { propagationPolicy: 'Orphan' }, NOW);
    expect(p.object.metadata.finalizers).toEqual(['orphan']);
    // The earlier deletionTimestamp stays.
    expect(p.object.metadata.deletionTimestamp).toBe('2024-05-01T09:00:00Z');
    // Background drops the GC finalizer: nothing is left, so it goes.
    expect(planDeletion(cmDef, marked, { propagationPolicy: 'Background' }, NOW).action).toBe('remove');
  });

  test('without a policy, the finalizer already on the object wins over the kind default', () => {
    expect(finalizersForPolicy(cmDef, ['orphan'], {})).toEqual(['orphan']);
    const orphanByDefault: ResourceDef = { ...cmDef, garbageCollectionPolicy: 'OrphanDependents' };
    expect(finalizersForPolicy(orphanByDefault, [], {})).toEqual(['orphan']);
    expect(finalizersForPolicy(orphanByDefault, [], { propagationPolicy: 'Background' })).toEqual([]);
    expect(finalizersForPolicy({ ...cmDef, garbageCollectionPolicy: 'Unsupported' }, [], { propagationPolicy: 'Foreground' })).toEqual([]);
    expect(finalizersForPolicy(replicasets, [], {})).toEqual([]);
  });

  test('the generation moves once when deletion starts', () => {
    const p = planDeletion(cmDef, cm({ generation: 3, finalizers: ['x.io/a'] }), {}, NOW);
    expect(p.object.metadata.generation).toBe(4);
    expect(planDeletion(cmDef, p.object, {}, NOW).object.metadata.generation).toBe(4);
  });

  test('invalid options and failed preconditions throw', () => {
    expect(() => planDeletion(cmDef, cm(), { propagationPolicy: 'Nope' }, NOW)).toThrow(/Unsupported value: "Nope"/);
    expect(() => planDeletion(cmDef, cm(), { orphanDependents: false, propagationPolicy: 'Orphan' }, NOW)).toThrow(/cannot be both set/);
    expect(() => planDeletion(cmDef, cm(), { preconditions: { resourceVersion: '4' } }, NOW)).toThrow(
      /ResourceVersion in the precondition \(4\) does not match the ResourceVersion in record \(5\)/,
    );
  });
});

describe('planDeletion: graceful pods', () => {
  test('a scheduled pod gets deletionTimestamp = now + grace', () => {
    const p = planDeletion(pods, scheduledPod(), {}, NOW);
    expect(p).toMatchObject({
      action: 'mark',
      object: { metadata: { deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 } },
    });
    expect(planDeletion(pods, scheduledPod(), { gracePeriodSeconds: 7 }, NOW).object.metadata.deletionGracePeriodSeconds).toBe(7);
    expect(planDeletion(pods, scheduledPod(), { gracePeriodSeconds: -3 }, NOW).object.metadata.deletionGracePeriodSeconds).toBe(1);
  });

  test('unscheduled, finished, or grace 0: removed now', () => {
    expect(planDeletion(pods, scheduledPod({}, { nodeName: undefined }), {}, NOW).action).toBe('remove');
    expect(planDeletion(pods, { ...scheduledPod(), status: { phase: 'Succeeded' } }, {}, NOW).action).toBe('remove');
    expect(planDeletion(pods, scheduledPod(), { gracePeriodSeconds: 0 }, NOW).action).toBe('remove');
  });

  test('a terminating pod: longer or no grace is pending, shorter moves the timestamp back', () => {
    const terminating = scheduledPod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 });
    expect(planDeletion(pods, terminating, {}, NOW).action).toBe('pending');
    expect(planDeletion(pods, terminating, { gracePeriodSeconds: 30, propagationPolicy: 'Orphan' }, NOW).action).toBe('pending');
    const shorter = planDeletion(pods, terminating, { gracePeriodSeconds: 5 }, NOW);
    expect(shorter).toMatchObject({
      action: 'mark',
      object: { metadata: { deletionTimestamp: '2024-05-01T10:00:05Z', deletionGracePeriodSeconds: 5 } },
    });
    expect(planDeletion(pods, terminating, { gracePeriodSeconds: 0 }, NOW).action).toBe('remove');
    // With a finalizer, grace 0 marks (and the finalizer's removal will finish it).
    const held = planDeletion(
      pods,
      { ...terminating, metadata: { ...terminating.metadata, finalizers: ['x.io/a'] } },
      { gracePeriodSeconds: 0 },
      NOW,
    );
    expect(held.action).toBe('mark');
    expect(completesDeletion({ ...held.object, metadata: { ...held.object.metadata, finalizers: [] } }, held.object)).toBe(true);
    expect(completesDeletion({ ...terminating, metadata: { ...terminating.metadata, finalizers: [] } }, terminating)).toBe(false);
  });
});

describe('validateFinalizerUpdate', () => {
  test('new finalizers are forbidden on an object being deleted; removing is fine', () => {
    const old = cm({ deletionTimestamp: '2024-05-01T10:00:00Z', finalizers: ['a.io/x'] });
    expect(validateFinalizerUpdate(cm({ finalizers: ['a.io/x', 'b.io/y', 'a.io/b'] }), old)[0].detail).toBe(
      'no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/b", "b.io/y"}',
    );
    expect(validateFinalizerUpdate(cm({ finalizers: [] }), old)).toEqual([]);
    expect(validateFinalizerUpdate(cm({ finalizers: ['b.io/y'] }), cm())).toEqual([]);
  });
});

describe('OwnershipGraph', () => {
  const obj = (uid: string, ns: string | undefined, owners: string[] = [], extra: Record<string, unknown> = {}): KObject => ({
    metadata: {
      uid,
      name: uid,
      namespace: ns,
      ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o, uid: o, blockOwnerDeletion: true })),
      ...extra,
    },
  });

  test('indexes dependents by owner uid and reports changed references', () => {
    const g = new OwnershipGraph();
    g.upsert(cmDef, obj('o', 'a'));
    const first = g.upsert(cmDef, obj('d', 'a', ['o']));
    expect(first.touchedOwners).toEqual(['o']);
    expect(g.upsert(cmDef, obj('d', 'a', ['o'])).touchedOwners).toEqual([]);
    expect(g.dependentsOf(g.nodes.get('o')!).map((d) => d.node.uid)).toEqual(['d']);
    expect(g.upsert(cmDef, obj('d', 'a', [])).touchedOwners).toEqual(['o']);
    expect(g.dependentUids('o')).toEqual([]);
  });

  test('a namespaced owner does not own objects of another namespace', () => {
    const g = new OwnershipGraph();
    g.upsert(cmDef, obj('o', 'a'));
    g.upsert(cmDef, obj('same-ns', 'a', ['o']));
    g.upsert(cmDef, obj('other-ns', 'b', ['o']));
    expect(g.dependentsOf(g.nodes.get('o')!).map((d) => d.node.uid)).toEqual(['same-ns']);
    expect(g.dependentUids('o').sort()).toEqual(['other-ns', 'same-ns']);
  });

  test('removing an owner keeps its dependents indexed (they are dangling now)', () => {
    const g = new OwnershipGraph();
    g.upsert(cmDef, obj('o', 'a'));
    for (let i = 0; i < 1000; i++) g.upsert(cmDef, obj(`d${i}`, 'a', ['o']));
    g.remove('o');
    expect(g.dependentUids('o')).toHaveLength(1000);
    g.remove('d1');
    expect(g.dependentUids('o')).toHaveLength(999);
  });
});
