// Mirrors upstream's ReplicationController conformance tests whose pods need only be created, not run
// (test/e2e/apps/rc.go: scale, exceeded quota, releasing a pod that stops matching), with the replication and
// resourcequota controllers in process (U1's cluster.ts).
import { until } from '../../support/until.js';
import { startCluster, type Cluster } from './cluster.js';
import type { J } from './support.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ workloads: true, resourceQuota: true });
});
afterAll(() => c.close());

/** newRC: the httpd webserver image, terminationGracePeriodSeconds 0. */
const newRC = (name: string, replicas: number) => ({
  metadata: { name },
  spec: {
    replicas,
    template: {
      metadata: { labels: { name } },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'httpd', image: 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4' }] },
    },
  },
});
const failureCondition = (rc: J) => (rc.status?.conditions ?? []).find((x: J) => x.type === 'ReplicaFailure');

test('[sig-apps] ReplicationController should get and update a ReplicationController scale [Conformance]', async () => {
  const ns = await c.namespace('replication-controller');
  const rcs = `/api/v1/namespaces/${ns}/replicationcontrollers`;
  const name = 'e2e-rc-k4q9z';
  await c.h.api.post(rcs).send(newRC(name, 1)).expect(201);
  await until(async () => (await c.h.api.get(`${rcs}/${name}`).expect(200)).body.status?.replicas === 1);

  const scale = (await c.h.api.get(`${rcs}/${name}/scale`).expect(200)).body;
  expect(scale.status.replicas).toBe(1);
  scale.metadata.resourceVersion = '';
  scale.spec.replicas = 2;
  await c.h.api.put(`${rcs}/${name}/scale`).send(scale).expect(200);
  await until(async () => (await c.h.api.get(`${rcs}/${name}`).expect(200)).body.status?.replicas === 2);
});

test('[sig-apps] ReplicationController should surface a failure condition on a common issue like exceeded quota [Conformance]', async () => {
  const ns = await c.namespace('replication-controller');
  const rcs = `/api/v1/namespaces/${ns}/replicationcontrollers`;
  const name = 'condition-test';
  await c.h.api
    .post(`/api/v1/namespaces/${ns}/resourcequotas`)
    .send({ metadata: { name }, spec: { hard: { pods: '2' } } })
    .expect(201);
  await until(
    async () => (await c.h.api.get(`/api/v1/namespaces/${ns}/resourcequotas/${name}`).expect(200)).body.status?.hard?.pods === '2',
  );

  const created = (await c.h.api.post(rcs).send(newRC(name, 3)).expect(201)).body;
  await until(async () => {
    const rc = (await c.h.api.get(`${rcs}/${name}`).expect(200)).body;
    return (rc.status?.observedGeneration ?? 0) >= created.metadata.generation && failureCondition(rc);
  });

  const current = (await c.h.api.get(`${rcs}/${name}`).expect(200)).body;
  current.spec.replicas = 2;
  const scaled = (await c.h.api.put(`${rcs}/${name}`).send(current).expect(200)).body;
  await until(async () => {
    const rc = (await c.h.api.get(`${rcs}/${name}`).expect(200)).body;
    return (rc.status?.observedGeneration ?? 0) >= scaled.metadata.generation && !failureCondition(rc);
  });
});

test('[sig-apps] ReplicationController should release no longer matching pods [Conformance]', async () => {
  const ns = await c.namespace('replication-controller');
  const name = 'pod-release';
  const rc = { ...newRC(name, 1) };
  const created = (
    await c.h.api
      .post(`/api/v1/namespaces/${ns}/replicationcontrollers`)
      .send({ ...rc, spec: { ...rc.spec, selector: { name } } })
      .expect(201)
  ).body;

  // PodsCreated: the controller's pod exists (it need not run).
  const pod: J = await until(
    async () => (await c.h.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=name%3D${name}`).expect(200)).body.items[0],
  );
  const current = (await c.h.api.get(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`).expect(200)).body;
  current.metadata.labels = { name: 'not-matching-name' };
  await c.h.api.put(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`).send(current).expect(200);

  await until(async () => {
    const p = (await c.h.api.get(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`).expect(200)).body;
    return !(p.metadata.ownerReferences ?? []).some((o: J) => o.controller && o.uid === created.metadata.uid);
  });
});
