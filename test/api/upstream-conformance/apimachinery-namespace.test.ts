// Mirrors test/e2e/apimachinery/namespace.go's [Conformance] tests (upstream v1.26) that need no running pod, over
// the in-process server with the namespace controller. Left out: "should ensure that all pods are removed when a
// namespace is deleted" (waits for its pod to be Running, which needs a kubelet).
import { startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

const NS = '/api/v1/namespaces';
let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ namespaceController: true });
});
afterAll(() => c.close());

const waitForDefaultServiceAccount = (ns: string) =>
  until(async () => (await c.h.api.get(`${NS}/${ns}/serviceaccounts/default`)).status === 200);

describe('[sig-api-machinery] Namespaces [Serial]', () => {
  test('should ensure that all services are removed when a namespace is deleted [Conformance]', async () => {
    const name = 'nsdeletetest';
    await c.h.api.post(NS).send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
    await waitForDefaultServiceAccount(name);
    await c.h.api
      .post(`${NS}/${name}/services`)
      .send({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'test-service' },
        spec: { selector: { foo: 'bar', baz: 'blah' }, ports: [{ port: 80, targetPort: 80 }] },
      })
      .expect(201);

    await c.h.api.delete(`${NS}/${name}`).expect(200);
    await until(async () => (await c.h.api.get(`${NS}/${name}`)).status === 404, 20_000);

    await c.h.api.post(NS).send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
    await c.h.api.get(`${NS}/${name}/services/test-service`).expect(404);
  });

  test('should patch a Namespace [Conformance]', async () => {
    const ns = (
      await c.h.api
        .post(NS)
        .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `nspatchtest-${Date.now()}` } })
        .expect(201)
    ).body;
    expect(ns.metadata.resourceVersion).toMatch(/^[0-9]+$/);
    const patched = (
      await c.h.api
        .patch(`${NS}/${ns.metadata.name}`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({ metadata: { labels: { testLabel: 'testValue' } } })
        .expect(200)
    ).body;
    expect(BigInt(patched.metadata.resourceVersion)).toBeGreaterThan(BigInt(ns.metadata.resourceVersion));
    const got = (await c.h.api.get(`${NS}/${ns.metadata.name}`).expect(200)).body;
    expect(got.metadata.labels).toMatchObject({ testLabel: 'testValue' });
  });

  test('should apply changes to a namespace status [Conformance]', async () => {
    const ns = await c.namespace('namespaces');
    const read = (await c.h.api.get(`${NS}/${ns}/status`).expect(200)).body;
    expect(read.status.phase).toBe('Active');

    const cond = { type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched by an e2e test' };
    const patched = (
      await c.h.api
        .patch(`${NS}/${ns}/status`)
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { annotations: { 'e2e-patched-ns-status': ns } }, status: { conditions: [cond] } })
        .expect(200)
    ).body;
    expect(patched.metadata.annotations).toMatchObject({ 'e2e-patched-ns-status': ns });
    const lastPatched = patched.status.conditions[patched.status.conditions.length - 1];
    expect(lastPatched.reason).toBe('E2E');
    expect(lastPatched.message).toBe('Patched by an e2e test');

    const toUpdate = (await c.h.api.get(`${NS}/${ns}/status`).expect(200)).body;
    toUpdate.status.conditions = [
      ...(toUpdate.status.conditions ?? []),
      { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Updated by an e2e test' },
    ];
    const updated = (await c.h.api.put(`${NS}/${ns}/status`).send(toUpdate).expect(200)).body;
    const last = updated.status.conditions[updated.status.conditions.length - 1];
    expect(last.type).toBe('StatusUpdate');
    expect(last.message).toBe('Updated by an e2e test');
  });

  test('should apply an update to a Namespace [Conformance]', async () => {
    const ns = await c.namespace('namespaces');
    const got = (await c.h.api.get(`${NS}/${ns}`).expect(200)).body;
    got.metadata.labels[ns] = 'updated';
    const updated = (await c.h.api.put(`${NS}/${ns}`).send(got).expect(200)).body;
    expect(updated.metadata.labels).toMatchObject({ [ns]: 'updated' });
  });

  test('should apply a finalizer to a Namespace [Conformance]', async () => {
    const fake = 'e2e.example.com/fakeFinalizer';
    const ns = (
      await c.h.api
        .post(NS)
        .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-ns-abcde' } })
        .expect(201)
    ).body.metadata.name as string;

    // nsClient.Finalize: PUT namespaces/<name>/finalize.
    const toAdd = (await c.h.api.get(`${NS}/${ns}`).expect(200)).body;
    toAdd.spec.finalizers = [...(toAdd.spec.finalizers ?? []), fake];
    const added = (await c.h.api.put(`${NS}/${ns}/finalize`).send(toAdd).expect(200)).body;
    expect(added.spec.finalizers).toContain(fake);

    const toRemove = (await c.h.api.get(`${NS}/${ns}`).expect(200)).body;
    toRemove.spec.finalizers = (toRemove.spec.finalizers as string[]).filter((f) => f !== fake);
    const removed: J = (await c.h.api.put(`${NS}/${ns}/finalize`).send(toRemove).expect(200)).body;
    expect(removed.spec.finalizers ?? []).not.toContain(fake);
  });
});
