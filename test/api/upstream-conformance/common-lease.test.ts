// Mirrors upstream's Lease conformance test (test/e2e/common/node/lease.go): MicroTime fields round-trip with their
// microseconds, and create/update/patch/list/deletecollection/delete behave as on kube-apiserver.
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Go's zero time plus `s` seconds, as metav1.MicroTime marshals it. */
const micro = (s: number) => {
  const two = (n: number) => String(n).padStart(2, '0');
  return `0001-01-01T00:${two(Math.floor(s / 60))}:${two(s % 60)}.000000Z`;
};
const spec = (holder: string, duration: number, acquire: number, renew: number, transitions: number) => ({
  holderIdentity: holder,
  leaseDurationSeconds: duration,
  acquireTime: micro(acquire),
  renewTime: micro(renew),
  leaseTransitions: transitions,
});

test('[sig-node] Lease lease API should be available [Conformance]', async () => {
  const ns = await testNamespace(h, 'lease-test');
  const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;

  const first = spec('holder', 30, 2, 5, 0);
  const created = (
    await h.api
      .post(leases)
      .send({ metadata: { name: 'lease' }, spec: first })
      .expect(201)
  ).body;
  expect((await h.api.get(`${leases}/lease`).expect(200)).body.spec).toEqual(first);

  const second = spec('holder2', 30, 20, 50, 1);
  await h.api
    .put(`${leases}/lease`)
    .send({ ...created, spec: second })
    .expect(200);
  const read = (await h.api.get(`${leases}/lease`).expect(200)).body;
  expect(read.spec).toEqual(second);

  // The two-way strategic merge patch from the read lease to the patched one names only the changed fields.
  const third = spec('holder3', 60, 50, 70, 2);
  const patch = {
    spec: {
      holderIdentity: 'holder3',
      leaseDurationSeconds: 60,
      acquireTime: third.acquireTime,
      renewTime: third.renewTime,
      leaseTransitions: 2,
    },
  };
  await h.api.patch(`${leases}/lease`).set('Content-Type', STRATEGIC).send(patch).expect(200);
  expect((await h.api.get(`${leases}/lease`).expect(200)).body.spec).toEqual(third);

  await h.api
    .post(leases)
    .send({ metadata: { name: 'lease2', labels: { deletecollection: 'true' } }, spec: first })
    .expect(201);
  expect((await h.api.get(leases).expect(200)).body.items).toHaveLength(2);

  await h.api.delete(`${leases}?labelSelector=deletecollection%3Dtrue`).expect(200);
  const left = (await h.api.get(leases).expect(200)).body.items;
  expect(left.map((l: J) => l.metadata.name)).toEqual(['lease']);

  await h.api.delete(`${leases}/lease`).expect(200);
  expect((await h.api.get(`${leases}/lease`).expect(404)).body.reason).toBe('NotFound');

  await h.api.get('/apis/coordination.k8s.io/v1/leases').expect(200);
});
