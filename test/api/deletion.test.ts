// Deletion semantics over HTTP with the garbage collector running: finalizers, propagation policies, cycles,
// cross-namespace references and graceful pod deletion.
import { createLogger } from '../../src/log.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startGarbageCollector } from '../../src/reconcilers/garbage-collector.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { httpClient } from '../client/clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { CM, PODS, configMap, pod, startHarness, type Harness } from './harness.js';

// The collector runs once in process and once over HTTP against the same API (the client seam's two sides).
describe.each(['in-process', 'https'])('with the garbage collector on the %s client', (kind) => {
  let h: Harness;
  let gc: Controller;
  let http: HttpClient;
  beforeAll(async () => {
    h = await startHarness();
    http = httpClient(h, 'admin');
    gc = await startGarbageCollector(makeContext(h.service, await createLogger('silent'), kind === 'https' ? { client: () => http } : {}));
    for (const ns of ['other'])
      await h.api
        .post('/api/v1/namespaces')
        .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
        .expect(201);
  });
  afterAll(async () => {
    gc.stop();
    http.close();
    await h.close();
  });

  const cmPath = (name: string, ns = 'default') => `/api/v1/namespaces/${ns}/configmaps/${name}`;
  const exists = async (path: string) => (await h.api.get(path)).status === 200;

  async function until(what: string, cond: () => Promise<boolean>, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for: ${what}`);
  }

  interface Owner {
    name: string;
    uid: string;
    apiVersion?: string;
    kind?: string;
  }
  const ref = (o: Owner, block = true) => ({
    apiVersion: o.apiVersion ?? 'v1',
    kind: o.kind ?? 'ConfigMap',
    name: o.name,
    uid: o.uid,
    blockOwnerDeletion: block,
  });

  async function makeCm(name: string, meta: Record<string, unknown> = {}, ns = 'default'): Promise<Owner> {
    const res = await h.api
      .post(`/api/v1/namespaces/${ns}/configmaps`)
      .send(configMap(name, { metadata: meta }))
      .expect(201);
    return { name, uid: res.body.metadata.uid };
  }

  const removeFinalizers = (path: string) =>
    h.api
      .patch(path)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { finalizers: null } })
      .expect(200);

  describe('finalizers', () => {
    test('a finalizer keeps a deleted object until the last one is removed', async () => {
      await makeCm('fin', { finalizers: ['example.com/a', 'example.com/b'] });
      const del = await h.api.delete(cmPath('fin')).expect(200);
      expect(del.body.metadata.deletionTimestamp).toBeTruthy();
      expect(del.body.metadata.deletionGracePeriodSeconds).toBe(0);
      // A second DELETE changes nothing.
      const again = await h.api.delete(cmPath('fin')).expect(200);
      expect(again.body.metadata.resourceVersion).toBe(del.body.metadata.resourceVersion);
      await h.api
        .patch(cmPath('fin'))
        .set('Content-Type', 'application/json-patch+json')
        .send([{ op: 'remove', path: '/metadata/finalizers/0' }])
        .expect(200);
      expect(await exists(cmPath('fin'))).toBe(true);
      await h.api
        .patch(cmPath('fin'))
        .set('Content-Type', 'application/json-patch+json')
        .send([{ op: 'remove', path: '/metadata/finalizers/0' }])
        .expect(200);
      await h.api.get(cmPath('fin')).expect(404);
    });

    test('no new finalizer may be added once deletion started', async () => {
      await makeCm('fin-add', { finalizers: ['example.com/a'] });
      await h.api.delete(cmPath('fin-add')).expect(200);
      const res = await h.api
        .patch(cmPath('fin-add'))
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { finalizers: ['example.com/a', 'example.com/z'] } })
        .expect(422);
      expect(res.body.message).toBe(
        'ConfigMap "fin-add" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/z"}',
      );
      await removeFinalizers(cmPath('fin-add'));
      await h.api.get(cmPath('fin-add')).expect(404);
    });

    test('orphan and foregroundDeletion together are invalid', async () => {
      const res = await h.api
        .post(CM)
        .send(configMap('both', { metadata: { finalizers: ['orphan', 'foregroundDeletion'] } }))
        .expect(422);
      expect(res.body.message).toContain('finalizer orphan and foregroundDeletion cannot be both set');
    });
  });

  describe('delete options', () => {
    test('an unknown propagationPolicy is 422 on DeleteOptions', async () => {
      await makeCm('opt-bad');
      const res = await h.api.delete(`${cmPath('opt-bad')}?propagationPolicy=Sideways`).expect(422);
      expect(res.body.message).toBe(
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
      );
      expect(await exists(cmPath('opt-bad'))).toBe(true);
    });

    test('orphanDependents with a propagationPolicy is 422', async () => {
      await makeCm('opt-both');
      const res = await h.api.delete(cmPath('opt-both')).send({ orphanDependents: true, propagationPolicy: 'Background' }).expect(422);
      expect(res.body.message).toContain('orphanDependents and deletionPropagation cannot be both set');
    });

    test('a uid precondition that does not match is 409', async () => {
      await makeCm('opt-pre');
      const res = await h.api
        .delete(cmPath('opt-pre'))
        .send({ preconditions: { uid: 'nope' } })
        .expect(409);
      expect(res.body.message).toMatch(/the UID in the precondition \(nope\) does not match the UID in record/);
    });
  });

  describe('propagation', () => {
    test('Background: the owner goes at once, the collector removes its dependents', async () => {
      const owner = await makeCm('bg-owner');
      const other = await makeCm('bg-other');
      for (const n of ['bg-d1', 'bg-d2']) await makeCm(n, { ownerReferences: [ref(owner)] });
      await makeCm('bg-shared', { ownerReferences: [ref(owner), ref(other)] });
      const del = await h.api.delete(`${cmPath('bg-owner')}?propagationPolicy=Background`).expect(200);
      expect(del.body).toMatchObject({ kind: 'Status', status: 'Success' });
      await until('dependents collected', async () => !(await exists(cmPath('bg-d1'))) && !(await exists(cmPath('bg-d2'))));
      // Still owned by another: kept, the dangling reference dropped.
      await until(
        'dangling reference dropped',
        async () => (await h.api.get(cmPath('bg-shared'))).body.metadata.ownerReferences?.length === 1,
      );
      expect((await h.api.get(cmPath('bg-shared'))).body.metadata.ownerReferences[0].uid).toBe(other.uid);
    });

    test('a reference to a same-named object with another uid counts as gone', async () => {
      await makeCm('stale-owner');
      await makeCm('stale-dep', { ownerReferences: [ref({ name: 'stale-owner', uid: '00000000-0000-0000-0000-000000000000' })] });
      await until('dependent of a replaced owner collected', async () => !(await exists(cmPath('stale-dep'))));
      expect(await exists(cmPath('stale-owner'))).toBe(true);
    });

    test('Foreground: the owner waits, with foregroundDeletion, until blocking dependents are gone', async () => {
      const owner = await makeCm('fg-owner');
      await makeCm('fg-d1', { ownerReferences: [ref(owner)] });
      await makeCm('fg-held', { ownerReferences: [ref(owner)], finalizers: ['example.com/hold'] });
      const del = await h.api.delete(cmPath('fg-owner')).send({ propagationPolicy: 'Foreground' }).expect(200);
      expect(del.body.metadata.finalizers).toEqual(['foregroundDeletion']);
      expect(del.body.metadata.deletionTimestamp).toBeTruthy();
      await until('plain dependent collected', async () => !(await exists(cmPath('fg-d1'))));
      await until('held dependent terminating', async () => !!(await h.api.get(cmPath('fg-held'))).body.metadata.deletionTimestamp);
      await new Promise((r) => setTimeout(r, 200));
      const waiting = await h.api.get(cmPath('fg-owner')).expect(200);
      expect(waiting.body.metadata.finalizers).toEqual(['foregroundDeletion']);
      await removeFinalizers(cmPath('fg-held'));
      await until('owner gone after its dependents', async () => !(await exists(cmPath('fg-owner'))));
    });

    test('Foreground does not wait for non-blocking dependents, but still collects them', async () => {
      const owner = await makeCm('fgn-owner');
      await makeCm('fgn-d', { ownerReferences: [ref(owner, false)], finalizers: ['example.com/hold'] });
      await h.api.delete(`${cmPath('fgn-owner')}?propagationPolicy=Foreground`).expect(200);
      await until('owner gone', async () => !(await exists(cmPath('fgn-owner'))));
      await until('dependent terminating', async () => !!(await h.api.get(cmPath('fgn-d'))).body.metadata.deletionTimestamp);
      await removeFinalizers(cmPath('fgn-d'));
    });

    test('Orphan: dependents stay and lose the reference; the owner goes', async () => {
      const owner = await makeCm('or-owner');
      const keep = await makeCm('or-keep');
      await makeCm('or-d1', { ownerReferences: [ref(owner)] });
      await makeCm('or-d2', { ownerReferences: [ref(owner), ref(keep)] });
      const del = await h.api.delete(`${cmPath('or-owner')}?propagationPolicy=Orphan`).expect(200);
      expect(del.body.metadata.finalizers).toEqual(['orphan']);
      await until('owner gone', async () => !(await exists(cmPath('or-owner'))));
      const d1 = await h.api.get(cmPath('or-d1')).expect(200);
      expect(d1.body.metadata.ownerReferences).toBeUndefined();
      const d2 = await h.api.get(cmPath('or-d2')).expect(200);
      expect(d2.body.metadata.ownerReferences.map((r: Owner) => r.uid)).toEqual([keep.uid]);
    });

    test('orphanDependents=true (legacy) orphans; =false answers 202 while dependents go', async () => {
      const owner = await makeCm('leg-owner');
      await makeCm('leg-d', { ownerReferences: [ref(owner)] });
      await h.api.delete(`${cmPath('leg-owner')}?orphanDependents=true`).expect(200);
      await until('owner gone', async () => !(await exists(cmPath('leg-owner'))));
      expect((await h.api.get(cmPath('leg-d')).expect(200)).body.metadata.ownerReferences).toBeUndefined();
      const owner2 = await makeCm('leg-owner2');
      await makeCm('leg-d2', { ownerReferences: [ref(owner2)] });
      // orphanDependents=false with the default Background policy: nothing to wait for, deleted at once.
      await h.api.delete(`${cmPath('leg-owner2')}?orphanDependents=false`).expect(200);
      await until('dependent collected', async () => !(await exists(cmPath('leg-d2'))));
      // Not finished (a finalizer holds it) and the client asked for dependents to go: 202 Accepted.
      await makeCm('leg-owner3', { finalizers: ['example.com/hold'] });
      const accepted = await h.api.delete(cmPath('leg-owner3')).send({ orphanDependents: false }).expect(202);
      expect(accepted.body.metadata.deletionTimestamp).toBeTruthy();
      await removeFinalizers(cmPath('leg-owner3'));
    });

    test('a cycle (A owns B, B owns A) deleted in the foreground does not hang', async () => {
      const a = await makeCm('cyc-a');
      const b = await makeCm('cyc-b', { ownerReferences: [ref(a)] });
      await h.api
        .patch(cmPath('cyc-a'))
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { ownerReferences: [ref(b)] } })
        .expect(200);
      await h.api.delete(`${cmPath('cyc-a')}?propagationPolicy=Foreground`).expect(200);
      await until('both gone', async () => !(await exists(cmPath('cyc-a'))) && !(await exists(cmPath('cyc-b'))));
    });

    test('a cycle deleted in the background goes too', async () => {
      const a = await makeCm('cycb-a');
      const b = await makeCm('cycb-b', { ownerReferences: [ref(a)] });
      await h.api
        .patch(cmPath('cycb-a'))
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { ownerReferences: [ref(b)] } })
        .expect(200);
      await h.api.delete(cmPath('cycb-a')).expect(200);
      await until('both gone', async () => !(await exists(cmPath('cycb-a'))) && !(await exists(cmPath('cycb-b'))));
    });

    test('an object in another namespace is not owned by a namespaced owner (the owner does not wait for it)', async () => {
      const owner = await makeCm('xns-owner');
      // Same name and uid, other namespace: the reference resolves in `other`, where no such owner exists.
      await makeCm('xns-dep', { ownerReferences: [ref(owner)], finalizers: ['example.com/hold'] }, 'other');
      await until(
        'cross-namespace dependent treated as dangling',
        async () => !!(await h.api.get(cmPath('xns-dep', 'other'))).body.metadata.deletionTimestamp,
      );
      await h.api.delete(`${cmPath('xns-owner')}?propagationPolicy=Foreground`).expect(200);
      await until('owner gone without waiting', async () => !(await exists(cmPath('xns-owner'))));
      await removeFinalizers(cmPath('xns-dep', 'other'));
    });

    test('a cluster-scoped owner owns namespaced dependents', async () => {
      const ns = await h.api
        .post('/api/v1/namespaces')
        .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'owner-ns' } })
        .expect(201);
      const owner = { name: 'owner-ns', uid: ns.body.metadata.uid as string, kind: 'Namespace' };
      await makeCm('cs-dep', { ownerReferences: [ref(owner)] });
      await new Promise((r) => setTimeout(r, 150));
      expect(await exists(cmPath('cs-dep'))).toBe(true);
      // Namespaces are finished by the namespace controller, which is not running here: remove it through storage.
      await h.store.delete('/registry/core/namespaces/owner-ns');
      await until('dependent of the removed namespace collected', async () => !(await exists(cmPath('cs-dep'))));
    });
  });

  describe('graceful pod deletion', () => {
    const podPath = (n: string) => `${PODS}/${n}`;

    test('an unscheduled pod is deleted at once and the pod is returned', async () => {
      await h.api.post(PODS).send(pod('unsched')).expect(201);
      const del = await h.api.delete(podPath('unsched')).expect(200);
      expect(del.body.kind).toBe('Pod');
      await h.api.get(podPath('unsched')).expect(404);
    });

    test('a scheduled pod terminates over its grace period, which a later DELETE may only shorten', async () => {
      await h.api
        .post(PODS)
        .send(pod('sched', { nodeName: 'node-1' }))
        .expect(201);
      const t0 = Date.now();
      const del = await h.api.delete(podPath('sched')).expect(200);
      expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30);
      const ts = Date.parse(del.body.metadata.deletionTimestamp);
      expect(Math.abs(ts - (t0 + 30_000))).toBeLessThan(2000);
      // No grace or a longer one: nothing changes.
      const same = await h.api.delete(podPath('sched')).send({ gracePeriodSeconds: 60 }).expect(200);
      expect(same.body.metadata.resourceVersion).toBe(del.body.metadata.resourceVersion);
      const shorter = await h.api.delete(`${podPath('sched')}?gracePeriodSeconds=10`).expect(200);
      expect(shorter.body.metadata.deletionGracePeriodSeconds).toBe(10);
      expect(Date.parse(shorter.body.metadata.deletionTimestamp)).toBe(ts - 20_000);
      // The runtime confirms termination with grace 0.
      await h.api.delete(`${podPath('sched')}?gracePeriodSeconds=0`).expect(200);
      await h.api.get(podPath('sched')).expect(404);
    });

    test('spec.terminationGracePeriodSeconds is the default grace; gracePeriodSeconds=0 (--force) deletes at once', async () => {
      const p = pod('short', { nodeName: 'node-1' }) as ReturnType<typeof pod> & { spec: Record<string, unknown> };
      p.spec.terminationGracePeriodSeconds = 5;
      await h.api.post(PODS).send(p).expect(201);
      const del = await h.api.delete(podPath('short')).expect(200);
      expect(del.body.metadata.deletionGracePeriodSeconds).toBe(5);
      await h.api.delete(podPath('short')).send({ gracePeriodSeconds: 0 }).expect(200);
      await h.api.get(podPath('short')).expect(404);
      await h.api
        .post(PODS)
        .send(pod('forced', { nodeName: 'node-1' }))
        .expect(201);
      await h.api.delete(`${podPath('forced')}?gracePeriodSeconds=0`).expect(200);
      await h.api.get(podPath('forced')).expect(404);
    });

    test('removing the last finalizer of a pod during its grace period does not delete it; grace 0 then does', async () => {
      const p = pod('pfin', { nodeName: 'node-1' }) as ReturnType<typeof pod> & { metadata: Record<string, unknown> };
      p.metadata.finalizers = ['example.com/hold'];
      await h.api.post(PODS).send(p).expect(201);
      await h.api.delete(podPath('pfin')).expect(200);
      // Removing the finalizer during the grace period does not delete: the kubelet still has to confirm.
      await removeFinalizers(podPath('pfin'));
      expect(await exists(podPath('pfin'))).toBe(true);
      await h.api.delete(`${podPath('pfin')}?gracePeriodSeconds=0`).expect(200);
      await h.api.get(podPath('pfin')).expect(404);
    });
  });
});
