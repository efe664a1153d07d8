// Mirrors upstream's EndpointSlice conformance tests that need no running pod (test/e2e/network/endpointslice.go,
// the v1.26 names), with kube-controller-manager's endpoints and endpointslice controllers and the garbage collector
// running in process.
import pino from 'pino';
import { openWatch, startHarness, type Harness } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import type { Controller } from '../../../src/reconcilers/controller.js';
import { startEndpointControllers } from '../../../src/reconcilers/endpoints/start.js';
import { startGarbageCollector } from '../../../src/reconcilers/garbage-collector.js';
import { until } from '../../support/until.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
const controllers: Controller[] = [];
beforeAll(async () => {
  h = await startHarness();
  const ctx = makeContext(h.service, pino({ level: 'silent' }));
  controllers.push(...(await startEndpointControllers(ctx)), await startGarbageCollector(ctx));
});
afterAll(async () => {
  for (const c of controllers) c.stop();
  await h?.close();
});

const slicesOf = (ns: string) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;

test('[sig-network] EndpointSlice should have Endpoints and EndpointSlices pointing to API Server [Conformance]', async () => {
  await h.api.get('/api/v1/namespaces/default/services/kubernetes').expect(200);
  const endpoints = (await h.api.get('/api/v1/namespaces/default/endpoints/kubernetes').expect(200)).body;
  expect(endpoints.subsets?.length).toBeGreaterThan(0);
  const slices: J[] = (await h.api.get(`${slicesOf('default')}?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes`).expect(200)).body
    .items;
  expect(slices.length).toBeGreaterThan(0);
  // Upstream's endpointSlicesEqual: the same set of addresses and of ports on both sides.
  const sorted = (xs: unknown[]) => [...new Set(xs.map(String))].sort();
  const epAddresses = sorted(endpoints.subsets.flatMap((s: J) => (s.addresses ?? []).map((a: J) => a.ip)));
  const epPorts = sorted(endpoints.subsets.flatMap((s: J) => (s.ports ?? []).map((p: J) => p.port)));
  const sliceAddresses = sorted(slices.flatMap((s) => (s.endpoints ?? []).flatMap((e: J) => e.addresses)));
  const slicePorts = sorted(slices.flatMap((s) => (s.ports ?? []).map((p: J) => p.port)));
  expect(sliceAddresses).toEqual(epAddresses);
  expect(slicePorts).toEqual(epPorts);
});

test('[sig-network] EndpointSlice should create and delete Endpoints and EndpointSlices for a Service with a selector specified [Conformance]', async () => {
  const ns = await testNamespace(h, 'endpointslice');
  const svc = (
    await h.api
      .post(`/api/v1/namespaces/${ns}/services`)
      .send({
        metadata: { name: 'example-empty-selector' },
        spec: {
          selector: { 'does-not-match-anything': 'endpoints-and-endpoint-slices-should-still-be-created' },
          ports: [{ name: 'example', port: 80, protocol: 'TCP' }],
        },
      })
      .expect(201)
  ).body;
  const endpointsPath = `/api/v1/namespaces/${ns}/endpoints/${svc.metadata.name}`;
  const bySvc = `${slicesOf(ns)}?labelSelector=kubernetes.io%2Fservice-name%3D${svc.metadata.name}`;

  await until(async () => (await h.api.get(endpointsPath)).status === 200);
  const slice: J = await until(async () => (await h.api.get(bySvc).expect(200)).body.items[0]);
  expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
  expect(slice.endpoints ?? []).toHaveLength(0);

  await h.api.delete(`/api/v1/namespaces/${ns}/services/${svc.metadata.name}`).expect(200);
  await until(async () => (await h.api.get(endpointsPath)).status === 404);
  await until(async () => (await h.api.get(bySvc).expect(200)).body.items.length === 0);
});

test('[sig-network] EndpointSlice should support creating EndpointSlice API operations [Conformance]', async () => {
  const ns = await testNamespace(h, 'endpointslice');
  const unique = ns;
  const selector = `labelSelector=special-label%3D${unique}`;
  const template = {
    metadata: { generateName: 'e2e-example-ing', labels: { 'special-label': unique } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['1.2.3.4', '5.6.7.8'] }, { addresses: ['2.2.3.4', '6.6.7.8'] }],
  };

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'discovery.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/discovery.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/discovery.k8s.io/v1').expect(200)).body.resources.map((r: J) => r.name)).toContain('endpointslices');

  await h.api.post(slicesOf(ns)).send(template).expect(201);
  await h.api.post(slicesOf(ns)).send(template).expect(201);
  const created = (await h.api.post(slicesOf(ns)).send(template).expect(201)).body;
  const path = `${slicesOf(ns)}/${created.metadata.name}`;

  const queried = (await h.api.get(path).expect(200)).body;
  expect(queried.metadata.uid).toBe(created.metadata.uid);
  expect(queried.metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);

  const list = (await h.api.get(`${slicesOf(ns)}?${selector}`).expect(200)).body;
  expect(list.items).toHaveLength(3);
  const watch = await openWatch(h, `${slicesOf(ns)}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  expect((await h.api.get(`/apis/discovery.k8s.io/v1/endpointslices?${selector}`).expect(200)).body.items).toHaveLength(3);
  const clusterWatch = await openWatch(
    h,
    `/apis/discovery.k8s.io/v1/endpointslices?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`,
  );
  expect(clusterWatch.status).toBe(200);
  clusterWatch.close();

  const patched = (
    await h.api
      .patch(path)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });
  expect(BigInt(patched.metadata.resourceVersion)).toBeGreaterThan(BigInt(created.metadata.resourceVersion));

  const toUpdate = (await h.api.get(path).expect(200)).body;
  toUpdate.metadata.annotations.updated = 'true';
  expect((await h.api.put(path).send(toUpdate).expect(200)).body.metadata.annotations).toMatchObject({ updated: 'true' });

  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('MODIFIED');
  expect(event.object.metadata.annotations).toMatchObject({ patched: 'true' });

  await h.api.delete(path).expect(200);
  await h.api.get(path).expect(404);
  const left = (await h.api.get(`${slicesOf(ns)}?${selector}`).expect(200)).body.items;
  expect(left).toHaveLength(2);
  expect(left.some((s: J) => s.metadata.name === created.metadata.name)).toBe(false);

  await h.api.delete(`${slicesOf(ns)}?${selector}`).expect(200);
  expect((await h.api.get(`${slicesOf(ns)}?${selector}`).expect(200)).body.items).toHaveLength(0);
});
