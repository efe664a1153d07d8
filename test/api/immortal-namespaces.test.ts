// NamespaceLifecycle admission: default, kube-system and kube-public may not be deleted (so `kubectl delete namespace
// --all` cannot take the cluster's own namespaces, or the kubernetes Service with them); other namespaces can.
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const NS = '/api/v1/namespaces';
const IMMORTAL = ['default', 'kube-system', 'kube-public'];

test.each(IMMORTAL)('deleting %s is 403 "this namespace may not be deleted", dry run or not', async (name) => {
  for (const q of ['', '?dryRun=All', '?propagationPolicy=Foreground']) {
    const res = await h.api.delete(`${NS}/${name}${q}`).expect(403);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      details: { name, kind: 'namespaces' },
    });
  }
  const ns = (await h.api.get(`${NS}/${name}`).expect(200)).body;
  expect(ns.metadata.deletionTimestamp).toBeUndefined();
  expect(ns.status.phase).toBe('Active');
});

test('deleting every namespace at once deletes none of them; the kubernetes Service stays', async () => {
  await h.api
    .post(NS)
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aaa-first' } })
    .expect(201);
  const res = await h.api.delete(NS).expect(403);
  expect(res.body.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  // Refused before anything was deleted, even the namespace sorted before "default".
  expect((await h.api.get(`${NS}/aaa-first`).expect(200)).body.metadata.deletionTimestamp).toBeUndefined();
  for (const name of IMMORTAL) await h.api.get(`${NS}/${name}`).expect(200);
  await h.api.get('/api/v1/namespaces/default/services/kubernetes').expect(200);
});

test('any other namespace is deleted as before', async () => {
  await h.api
    .post(NS)
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mortal' } })
    .expect(201);
  const res = await h.api.delete(`${NS}/mortal`).expect(200);
  expect(res.body.status.phase).toBe('Terminating');
});
