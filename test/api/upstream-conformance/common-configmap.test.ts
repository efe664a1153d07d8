// Mirrors upstream's API-only ConfigMap conformance tests (test/e2e/common/node/configmap.go and the immutability
// test of test/e2e/common/storage/configmap_volume.go): same steps, same checks, in-process server.
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const newConfigMap = (name: string) => ({
  metadata: { name },
  data: { 'data-1': 'value-1', 'data-2': 'value-2', 'data-3': 'value-3' },
});

test('[sig-node] ConfigMap should fail to create ConfigMap with empty key [Conformance]', async () => {
  const ns = await testNamespace(h, 'configmap');
  const res = await h.api
    .post(cms(ns))
    .send({ metadata: { name: 'configmap-test-emptykey' }, data: { '': 'value-1' } })
    .expect(422);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
  await h.api.get(`${cms(ns)}/configmap-test-emptykey`).expect(404);
});

test('[sig-node] ConfigMap should run through a ConfigMap lifecycle [Conformance]', async () => {
  const ns = await testNamespace(h, 'configmap');
  const name = 'test-configmap-lifecycle';
  await h.api
    .post(cms(ns))
    .send({ metadata: { name, labels: { 'test-configmap-static': 'true' } }, data: { valueName: 'value' } })
    .expect(201);

  const fetched = (await h.api.get(`${cms(ns)}/${name}`).expect(200)).body;
  expect(fetched.data.valueName).toBe('value');
  expect(fetched.metadata.labels['test-configmap-static']).toBe('true');

  await h.api
    .patch(`${cms(ns)}/${name}`)
    .set('Content-Type', STRATEGIC)
    .send({ metadata: { labels: { 'test-configmap': 'patched' } }, data: { valueName: 'value1' } })
    .expect(200);

  const all = (await h.api.get('/api/v1/configmaps?labelSelector=test-configmap%3Dpatched').expect(200)).body;
  const found = all.items.find(
    (cm: J) =>
      cm.metadata.name === name &&
      cm.metadata.namespace === ns &&
      cm.metadata.labels['test-configmap-static'] === 'true' &&
      cm.metadata.labels['test-configmap'] === 'patched' &&
      cm.data.valueName === 'value1',
  );
  expect(found).toBeDefined();

  await h.api.delete(`${cms(ns)}?labelSelector=test-configmap-static%3Dtrue`).expect(200);
  const left = (await h.api.get(`${cms(ns)}?labelSelector=test-configmap-static%3Dtrue`).expect(200)).body;
  expect(left.items).toHaveLength(0);
});

test('[sig-storage] ConfigMap should be immutable if `immutable` field is set [Conformance]', async () => {
  const ns = await testNamespace(h, 'configmap');
  const path = `${cms(ns)}/immutable`;
  let current = (await h.api.post(cms(ns)).send(newConfigMap('immutable')).expect(201)).body;

  current.data['data-4'] = 'value-4';
  current = (await h.api.put(path).send(current).expect(200)).body;

  current.immutable = true;
  current = (await h.api.put(path).send(current).expect(200)).body;

  // The data can no longer change.
  current.data['data-5'] = 'value-5';
  const dataChange = await h.api.put(path).send(current).expect(422);
  expect(dataChange.body.reason).toBe('Invalid');

  // Nor can it be made mutable again.
  current = (await h.api.get(path).expect(200)).body;
  expect(current.immutable).toBe(true);
  current.immutable = false;
  expect((await h.api.put(path).send(current).expect(422)).body.reason).toBe('Invalid');

  // Its metadata can.
  current = (await h.api.get(path).expect(200)).body;
  current.metadata.labels = { label1: 'value1' };
  await h.api.put(path).send(current).expect(200);

  await h.api.delete(path).expect(200);
});
