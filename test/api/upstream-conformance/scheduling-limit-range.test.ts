// Mirrors upstream's LimitRange conformance tests (test/e2e/scheduling/limit_range.go): the LimitRanger admission
// plugin defaults and bounds a pod's container resources at create (no pod has to run).
import { openWatch, startHarness, type Harness } from '../harness.js';
import { compareQuantity } from '../../../src/machinery/api/quantity.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

type ResourceList = Record<string, string>;
const resources = (cpu: string, memory: string, ephemeral: string): ResourceList => ({
  ...(cpu ? { cpu } : {}),
  ...(memory ? { memory } : {}),
  ...(ephemeral ? { 'ephemeral-storage': ephemeral } : {}),
});
/** Upstream's equalResourceList: the same names, each quantity equal by value. */
function expectEqualResources(expected: ResourceList, actual: ResourceList | undefined) {
  expect(Object.keys(actual ?? {}).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect([k, compareQuantity(v, actual![k]!)]).toEqual([k, 0]);
}
const limitItem = () => ({
  type: 'Container',
  min: resources('50m', '100Mi', '100Gi'),
  max: resources('500m', '500Mi', '500Gi'),
  default: resources('500m', '500Mi', '500Gi'),
  defaultRequest: resources('100m', '200Mi', '200Gi'),
  maxLimitRequestRatio: {},
});
const testPod = (name: string, requests: ResourceList, limits: ResourceList) => ({
  metadata: { name },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests, limits } }] },
});

test('[sig-scheduling] LimitRange should create a LimitRange with defaults and ensure pod has those defaults applied. [Conformance]', async () => {
  const ns = await testNamespace(h, 'limitrange');
  const lrs = `/api/v1/namespaces/${ns}/limitranges`;
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const value = `${Date.now()}`;
  const selector = `labelSelector=time%3D${value}`;

  const list = (await h.api.get(`${lrs}?${selector}`).expect(200)).body;
  expect(list.items).toHaveLength(0);
  const watch = await openWatch(h, `${lrs}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  await h.api
    .post(lrs)
    .send({ metadata: { name: 'limit-range', labels: { time: value } }, spec: { limits: [limitItem()] } })
    .expect(201);
  const added = await watch.next();
  watch.close();
  expect(added.type).toBe('ADDED');

  let limitRange = (await h.api.get(`${lrs}/limit-range`).expect(200)).body;
  expectEqualResources(resources('100m', '200Mi', '200Gi'), limitRange.spec.limits[0].defaultRequest);
  expectEqualResources(resources('500m', '500Mi', '500Gi'), limitRange.spec.limits[0].default);

  await h.api
    .post(pods)
    .send(testPod('pod-no-resources', {}, {}))
    .expect(201);
  for (const c of (await h.api.get(`${pods}/pod-no-resources`).expect(200)).body.spec.containers) {
    expectEqualResources(resources('100m', '200Mi', '200Gi'), c.resources.requests);
    expectEqualResources(resources('500m', '500Mi', '500Gi'), c.resources.limits);
  }

  // A limit without a request makes the request: the default request only fills what no limit implies.
  await h.api
    .post(pods)
    .send(testPod('pod-partial-resources', resources('', '150Mi', '150Gi'), resources('300m', '', '')))
    .expect(201);
  for (const c of (await h.api.get(`${pods}/pod-partial-resources`).expect(200)).body.spec.containers) {
    expectEqualResources(resources('300m', '150Mi', '150Gi'), c.resources.requests);
    expectEqualResources(resources('300m', '500Mi', '500Gi'), c.resources.limits);
  }

  expect((await h.api.post(pods).send(testPod('pfpod', resources('10m', '50Mi', '50Gi'), {}))).status).toBe(403);
  expect((await h.api.post(pods).send(testPod('pfpod', resources('600m', '600Mi', '600Gi'), {}))).status).toBe(403);

  const newMin = resources('9m', '49Mi', '49Gi');
  limitRange.spec.limits[0].min = newMin;
  limitRange = (await h.api.put(`${lrs}/limit-range`).send(limitRange).expect(200)).body;
  expectEqualResources(newMin, (await h.api.get(`${lrs}/limit-range`).expect(200)).body.spec.limits[0].min);

  await h.api
    .post(pods)
    .send(testPod('pfpod', resources('10m', '50Mi', '50Gi'), {}))
    .expect(201);
  expect((await h.api.post(pods).send(testPod('pfpod', resources('600m', '600Mi', '600Gi'), {}))).status).toBe(403);

  await h.api.delete(`${lrs}/limit-range`).send({ gracePeriodSeconds: 30 }).expect(200);
  expect((await h.api.get(lrs).expect(200)).body.items).toHaveLength(0);

  await h.api
    .post(pods)
    .send(testPod('pfpod2', resources('600m', '600Mi', '600Gi'), {}))
    .expect(201);
});

test('[sig-scheduling] LimitRange should list, patch and delete a LimitRange by collection [Conformance]', async () => {
  const ns = await testNamespace(h, 'limitrange');
  const lrName = `e2e-limitrange-x7k2p`;
  const ns2 = await testNamespace(h, lrName);
  const lr = { metadata: { name: lrName, labels: { 'e2e-test': lrName, [lrName]: 'created' } }, spec: { limits: [limitItem()] } };

  const created = (await h.api.post(`/api/v1/namespaces/${ns}/limitranges`).send(lr).expect(201)).body;
  await h.api.post(`/api/v1/namespaces/${ns2}/limitranges`).send(lr).expect(201);
  expect((await h.api.get(`/api/v1/limitranges?labelSelector=e2e-test%3D${lrName}`).expect(200)).body.items).toHaveLength(2);

  const newMin = resources('9m', '49Mi', '49Gi');
  const limits = [{ ...limitItem(), min: newMin }];
  const patched: J = (
    await h.api
      .patch(`/api/v1/namespaces/${ns}/limitranges/${lrName}`)
      .set('Content-Type', STRATEGIC)
      .send({ metadata: { creationTimestamp: created.metadata.creationTimestamp, labels: { [lrName]: 'patched' } }, spec: { limits } })
      .expect(200)
  ).body;
  expect(patched.metadata.labels[lrName]).toBe('patched');
  expectEqualResources(newMin, patched.spec.limits[0].min);

  await h.api.delete(`/api/v1/namespaces/${ns}/limitranges?labelSelector=${lrName}%3Dpatched`).expect(200);
  expect((await h.api.get(`/api/v1/namespaces/${ns}/limitranges?labelSelector=${lrName}%3Dpatched`).expect(200)).body.items).toHaveLength(
    0,
  );
  expect((await h.api.get(`/api/v1/limitranges?labelSelector=e2e-test%3D${lrName}`).expect(200)).body.items).toHaveLength(1);
});
