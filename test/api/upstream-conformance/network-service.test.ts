// Mirrors upstream's Service conformance tests that need no running pod and no traffic (test/e2e/network/service.go):
// the kubernetes Service, listing across namespaces, deleting a collection, the /status lifecycle and the
// lifecycle of a user's Endpoints.
import { openWatch, startHarness, type Harness, type WatchEvent, type WatchStream } from '../harness.js';
import { MERGE, STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const services = (ns: string) => `/api/v1/namespaces/${ns}/services`;
/** The first event the check accepts, as upstream's watchtools.Until does. */
async function until(w: WatchStream, check: (e: WatchEvent) => boolean): Promise<WatchEvent> {
  for (;;) {
    const e = await w.next(5000);
    if (check(e)) return e;
  }
}

test('[sig-network] Services should provide secure master service [Conformance]', async () => {
  await h.api.get(`${services('default')}/kubernetes`).expect(200);
});

test('[sig-network] Services should find a service from listing all namespaces [Conformance]', async () => {
  const all = (await h.api.get('/api/v1/services').expect(200)).body.items;
  expect(all.some((s: J) => s.metadata.name === 'kubernetes' && s.metadata.namespace === 'default')).toBe(true);
});

test('[sig-network] Services should delete a collection of services [Conformance]', async () => {
  const ns = await testNamespace(h, 'services');
  const selector = 'labelSelector=e2e-test-service%3Ddelete';
  for (const name of ['e2e-svc-a-x1b2c', 'e2e-svc-b-d3e4f', 'e2e-svc-c-g5h6i']) {
    await h.api
      .post(services(ns))
      .send({
        metadata: { name, labels: { 'e2e-test-service': 'delete' } },
        spec: { ports: [{ name: 'http', protocol: 'TCP', port: 8000, targetPort: 8000 }] },
      })
      .expect(201);
  }
  expect((await h.api.get(`/api/v1/services?${selector}`).expect(200)).body.items).toHaveLength(3);

  await h.api.delete(`${services(ns)}?${selector}`).expect(200);
  expect((await h.api.get(`/api/v1/services?${selector}`).expect(200)).body.items).toHaveLength(0);
});

test('[sig-network] Services should complete a service status lifecycle [Conformance]', async () => {
  const ns = await testNamespace(h, 'services');
  const name = 'test-service-lifecycle';
  const selector = 'labelSelector=test-service-static%3Dtrue';
  const list = (await h.api.get(`/api/v1/services?${selector}`).expect(200)).body;
  const watch = await openWatch(h, `${services(ns)}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  try {
    await h.api
      .post(services(ns))
      .send({
        metadata: { name, labels: { 'test-service-static': 'true' } },
        spec: {
          type: 'LoadBalancer',
          ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
          loadBalancerClass: 'example.com/internal-vip',
        },
      })
      .expect(201);
    await until(watch, (e) => e.type === 'ADDED' && e.object.metadata.labels?.['test-service-static'] === 'true');

    const status = (await h.api.get(`${services(ns)}/${name}/status`).expect(200)).body;
    expect(status.metadata.name).toBe(name);
    expect(status.status).toHaveProperty('loadBalancer');

    const lbStatus = { ingress: [{ ip: '203.0.113.1' }] };
    await h.api
      .patch(`${services(ns)}/${name}/status`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patchedstatus: 'true' } }, status: { loadBalancer: lbStatus } })
      .expect(200);
    const patched = await until(watch, (e) => e.type === 'MODIFIED' && e.object.metadata.annotations?.patchedstatus === 'true');
    expect(patched.object.status.loadBalancer.ingress.map((i: J) => i.ip)).toEqual(['203.0.113.1']);

    // A condition without lastTransitionTime, as upstream's metav1.Condition literal marshals it.
    const toUpdate = (await h.api.get(`${services(ns)}/${name}`).expect(200)).body;
    toUpdate.status.conditions = [
      ...(toUpdate.status.conditions ?? []),
      { type: 'StatusUpdate', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Set from e2e test' },
    ];
    await h.api
      .put(`${services(ns)}/${name}/status`)
      .send(toUpdate)
      .expect(200);
    await until(
      watch,
      (e) =>
        e.type === 'MODIFIED' &&
        e.object.metadata.annotations?.patchedstatus === 'true' &&
        (e.object.status.conditions ?? []).some(
          (c: J) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test',
        ),
    );

    await h.api
      .patch(`${services(ns)}/${name}`)
      .set('Content-Type', STRATEGIC)
      .send({ metadata: { labels: { 'test-service': 'patched' } } })
      .expect(200);
    await until(watch, (e) => e.type === 'MODIFIED' && e.object.metadata.labels?.['test-service'] === 'patched');

    await h.api.delete(`${services(ns)}/${name}`).expect(200);
    await until(watch, (e) => e.type === 'DELETED' && e.object.metadata.labels?.['test-service-static'] === 'true');
  } finally {
    watch.close();
  }
});

test('[sig-network] Services should test the lifecycle of an Endpoint [Conformance]', async () => {
  const ns = await testNamespace(h, 'services');
  const name = 'testservice';
  const endpoints = `/api/v1/namespaces/${ns}/endpoints`;
  const selector = 'labelSelector=test-endpoint-static%3Dtrue';
  const list = (await h.api.get(`/api/v1/endpoints?${selector}`).expect(200)).body;
  const watch = await openWatch(h, `${endpoints}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  try {
    const createdEP = (
      await h.api
        .post(endpoints)
        .send({
          metadata: { name, labels: { 'test-endpoint-static': 'true' } },
          subsets: [{ addresses: [{ ip: '10.0.0.24' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
        })
        .expect(201)
    ).body;
    await until(watch, (e) => e.type === 'ADDED');

    const all = (await h.api.get(`/api/v1/endpoints?${selector}`).expect(200)).body.items;
    expect(all.some((e: J) => e.metadata.name === name && e.metadata.namespace === ns)).toBe(true);

    const current = (await h.api.get(`${endpoints}/${name}`).expect(200)).body;
    current.metadata.labels['test-service'] = 'updated';
    await h.api.put(`${endpoints}/${name}`).send(current).expect(200);
    await until(watch, (e) => e.type === 'MODIFIED' && e.object.metadata.labels?.['test-service'] === 'updated');
    expect((await h.api.get(`${endpoints}/${name}`).expect(200)).body.metadata.labels['test-service']).toBe('updated');

    const patchedEP = (
      await h.api
        .patch(`${endpoints}/${name}`)
        .set('Content-Type', STRATEGIC)
        .send({
          metadata: { labels: { 'test-service': 'patched' } },
          subsets: [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080 }] }],
        })
        .expect(200)
    ).body;
    expect(BigInt(patchedEP.metadata.resourceVersion)).toBeGreaterThan(BigInt(createdEP.metadata.resourceVersion));
    await until(watch, (e) => e.type === 'MODIFIED' && e.object.metadata.labels?.['test-service'] === 'patched');
    const patched = (await h.api.get(`${endpoints}/${name}`).expect(200)).body;
    expect(patched.metadata.labels['test-service']).toBe('patched');
    expect(patched.subsets[0].addresses[0].ip).toBe('10.0.0.25');
    expect(patched.subsets[0].ports[0]).toMatchObject({ name: 'http-test', port: 8080 });

    await h.api.delete(`${endpoints}?${selector}`).expect(200);
    await until(watch, (e) => e.type === 'DELETED' && e.object.metadata.labels?.['test-endpoint-static'] === 'true');
    await h.api.get(`${endpoints}/${name}`).expect(404);
  } finally {
    watch.close();
  }
});
