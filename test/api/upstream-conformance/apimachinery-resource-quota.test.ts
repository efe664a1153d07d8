// Mirrors test/e2e/apimachinery/resource_quota.go's [Conformance] tests (upstream v1.26) over the in-process server
// with the resourcequota controller. Its pods are only created and deleted (their nodeSelector matches no node, as
// upstream's), so none needs a kubelet. Upstream's waits for the secret, configmap and quota counts to settle for
// 5-15 s are single reads here: nothing else writes in a test's namespace.
import { compareQuantity } from '../../../src/machinery/api/quantity.js';
import { openWatch } from '../harness.js';
import { expectEvent, startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ resourceQuota: true });
});
afterAll(() => c.close());

const api = (ns: string, plural: string) => `/api/v1/namespaces/${ns}/${plural}`;
const EXTENDED = 'example.com/dongle';

/** newTestResourceQuota. */
const testQuota = (name: string): J => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name },
  spec: {
    hard: {
      pods: '5',
      services: '10',
      'services.nodeports': '1',
      'services.loadbalancers': '1',
      replicationcontrollers: '10',
      resourcequotas: '1',
      cpu: '1',
      memory: '500Mi',
      configmaps: '10',
      secrets: '10',
      persistentvolumeclaims: '10',
      'requests.storage': '10Gi',
      'ephemeral-storage': '50Gi',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '10',
      'gold.storageclass.storage.k8s.io/requests.storage': '10Gi',
      'count/replicasets.apps': '5',
      [`requests.${EXTENDED}`]: '3',
    },
  },
});

/** newTestResourceQuotaWithScope. */
function scopedQuota(name: string, scope: string): J {
  const hard: Record<string, string> = { pods: '5' };
  if (scope === 'Terminating' || scope === 'NotTerminating')
    Object.assign(hard, { 'requests.cpu': '1', 'requests.memory': '500Mi', 'limits.cpu': '2', 'limits.memory': '1Gi' });
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, scopes: [scope] } };
}

/** newTestPodForQuota: a pause container whose nodeSelector no node has. */
const testPod = (name: string, requests: J = {}, limits: J = {}, spec: J = {}): J => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    nodeSelector: { 'x-test.k8s.io/unsatisfiable': 'not-schedulable' },
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests, limits } }],
    ...spec,
  },
});

const create = async (ns: string, plural: string, body: J): Promise<J> => (await c.h.api.post(api(ns, plural)).send(body).expect(201)).body;
const count = async (ns: string, plural: string): Promise<number> => (await c.h.api.get(api(ns, plural)).expect(200)).body.items.length;
/** Deletes with gracePeriodSeconds 0 (metav1.NewDeleteOptions(0)). */
const deleteNow = (ns: string, plural: string, name: string) =>
  c.h.api
    .delete(`${api(ns, plural)}/${name}`)
    .send({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 })
    .expect(200);

/** waitForResourceQuota: status.used holds every given quantity (compared as quantities). */
async function waitForUsed(ns: string, name: string, used: Record<string, string>): Promise<void> {
  let last: J | undefined;
  try {
    await until(async () => {
      const q = (await c.h.api.get(`${api(ns, 'resourcequotas')}/${name}`).expect(200)).body;
      last = q.status?.used;
      if (!last) return false;
      return Object.entries(used).every(([k, v]) => last![k] !== undefined && compareQuantity(last![k], v) === 0);
    }, 10_000);
  } catch {
    throw new Error(`quota ${name}: wanted used ${JSON.stringify(used)}, last saw ${JSON.stringify(last)}`);
  }
}

describe('[sig-api-machinery] ResourceQuota', () => {
  test('should create a ResourceQuota and ensure its status is promptly calculated. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const n = await count(ns, 'resourcequotas');
    await create(ns, 'resourcequotas', testQuota('test-quota'));
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1) });
  });

  test('should create a ResourceQuota and capture the life of a service. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const n = await count(ns, 'resourcequotas');
    await create(ns, 'resourcequotas', testQuota('test-quota'));
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1) });

    const service = (name: string, type: string, extra: J = {}) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type, ports: [{ port: 80, targetPort: 80 }], ...extra },
    });
    await create(ns, 'services', service('test-service', 'ClusterIP'));
    await create(ns, 'services', service('test-service-np', 'NodePort'));
    // A LoadBalancer with node ports would be a second node port: over the quota.
    const lb = await c.h.api
      .post(api(ns, 'services'))
      .send(service('test-service-lb', 'LoadBalancer', { allocateLoadBalancerNodePorts: true }));
    expect(lb.status).toBe(403);

    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), services: '2', 'services.nodeports': '1' });
    await c.h.api.delete(`${api(ns, 'services')}/test-service`).expect(200);
    await c.h.api.delete(`${api(ns, 'services')}/test-service-np`).expect(200);
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), services: '0', 'services.nodeports': '0' });
  });

  test('should create a ResourceQuota and capture the life of a secret. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const found = await count(ns, 'secrets');
    const n = await count(ns, 'resourcequotas');
    const quota = testQuota('test-quota');
    quota.spec.hard.secrets = String(found + 1);
    await create(ns, 'resourcequotas', quota);
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), secrets: String(found) });

    await create(ns, 'secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'test-secret' },
      data: { 'data-1': 'dmFsdWUtMQo=', 'data-2': 'dmFsdWUtMgo=', 'data-3': 'dmFsdWUtMwo=' },
    });
    await waitForUsed(ns, 'test-quota', { secrets: String(found + 1) });
    await c.h.api.delete(`${api(ns, 'secrets')}/test-secret`).expect(200);
    await waitForUsed(ns, 'test-quota', { secrets: String(found) });
  });

  test('should create a ResourceQuota and capture the life of a pod. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const n = await count(ns, 'resourcequotas');
    await create(ns, 'resourcequotas', testQuota('test-quota'));
    const used: Record<string, string> = { resourcequotas: String(n + 1) };
    await waitForUsed(ns, 'test-quota', used);

    const requests = { cpu: '500m', memory: '252Mi', 'ephemeral-storage': '30Gi', [EXTENDED]: '2' };
    const podToUpdate = await create(ns, 'pods', testPod('test-pod', requests, { [EXTENDED]: '2' }));
    Object.assign(used, { pods: '1', cpu: '500m', memory: '252Mi', 'ephemeral-storage': '30Gi', [`requests.${EXTENDED}`]: '2' });
    await waitForUsed(ns, 'test-quota', used);

    // Over the remaining cpu; then over the remaining extended resource.
    expect((await c.h.api.post(api(ns, 'pods')).send(testPod('fail-pod', { cpu: '600m', memory: '100Mi' }))).status).toBe(403);
    const overExtended = testPod(
      'fail-pod-for-extended-resource',
      { cpu: '500m', memory: '100Mi', 'ephemeral-storage': '30Gi', [EXTENDED]: '2' },
      { [EXTENDED]: '2' },
    );
    expect((await c.h.api.post(api(ns, 'pods')).send(overExtended)).status).toBe(403);

    // A pod's resources cannot be updated.
    podToUpdate.spec.containers[0].resources.requests = { cpu: '100m', memory: '100Mi', 'ephemeral-storage': '10Gi' };
    const upd = await c.h.api.put(`${api(ns, 'pods')}/test-pod`).send(podToUpdate);
    expect(upd.status).toBeGreaterThanOrEqual(400);
    await waitForUsed(ns, 'test-quota', used);

    await deleteNow(ns, 'pods', 'test-pod');
    Object.assign(used, { pods: '0', cpu: '0', memory: '0', 'ephemeral-storage': '0', [`requests.${EXTENDED}`]: '0' });
    await waitForUsed(ns, 'test-quota', used);
  });

  test('should create a ResourceQuota and capture the life of a configMap. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const found = await count(ns, 'configmaps');
    const n = await count(ns, 'resourcequotas');
    const quota = testQuota('test-quota');
    quota.spec.hard.configmaps = String(found + 1);
    await create(ns, 'resourcequotas', quota);
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), configmaps: String(found) });

    await create(ns, 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-configmap' }, data: { a: 'b' } });
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), configmaps: String(found + 1) });
    await c.h.api.delete(`${api(ns, 'configmaps')}/test-configmap`).expect(200);
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), configmaps: String(found) });
  });

  test('should create a ResourceQuota and capture the life of a replication controller. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const n = await count(ns, 'resourcequotas');
    await create(ns, 'resourcequotas', testQuota('test-quota'));
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), replicationcontrollers: '0' });

    await create(ns, 'replicationcontrollers', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'test-rc' },
      spec: {
        replicas: 0,
        selector: { name: 'test-rc' },
        template: { metadata: { labels: { name: 'test-rc' } }, spec: { containers: [{ name: 'test-rc', image: 'nginx' }] } },
      },
    });
    await waitForUsed(ns, 'test-quota', { replicationcontrollers: '1' });
    await c.h.api
      .delete(`${api(ns, 'replicationcontrollers')}/test-rc`)
      .send({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })
      .expect(200);
    await waitForUsed(ns, 'test-quota', { replicationcontrollers: '0' });
  });

  test('should create a ResourceQuota and capture the life of a replica set. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const n = await count(ns, 'resourcequotas');
    await create(ns, 'resourcequotas', testQuota('test-quota'));
    await waitForUsed(ns, 'test-quota', { resourcequotas: String(n + 1), 'count/replicasets.apps': '0' });

    const rs = `/apis/apps/v1/namespaces/${ns}/replicasets`;
    await c.h.api
      .post(rs)
      .send({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'test-rs' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { name: 'test-rs' } },
          template: {
            metadata: { labels: { name: 'test-rs' } },
            spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'test-rs', image: 'nginx' }] },
          },
        },
      })
      .expect(201);
    await waitForUsed(ns, 'test-quota', { 'count/replicasets.apps': '1' });
    await c.h.api.delete(`${rs}/test-rs`).expect(200);
    await waitForUsed(ns, 'test-quota', { 'count/replicasets.apps': '0' });
  });

  test('should verify ResourceQuota with terminating scopes. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    await create(ns, 'resourcequotas', scopedQuota('quota-terminating', 'Terminating'));
    await waitForUsed(ns, 'quota-terminating', { pods: '0' });
    await create(ns, 'resourcequotas', scopedQuota('quota-not-terminating', 'NotTerminating'));
    await waitForUsed(ns, 'quota-not-terminating', { pods: '0' });

    const requests = { cpu: '500m', memory: '200Mi' };
    const limits = { cpu: '1', memory: '400Mi' };
    const counted = { pods: '1', 'requests.cpu': '500m', 'requests.memory': '200Mi', 'limits.cpu': '1', 'limits.memory': '400Mi' };
    const none = { pods: '0', 'requests.cpu': '0', 'requests.memory': '0', 'limits.cpu': '0', 'limits.memory': '0' };

    // A long-running pod counts against NotTerminating only.
    await create(ns, 'pods', testPod('test-pod', requests, limits));
    await waitForUsed(ns, 'quota-not-terminating', counted);
    await waitForUsed(ns, 'quota-terminating', none);
    await deleteNow(ns, 'pods', 'test-pod');
    await waitForUsed(ns, 'quota-not-terminating', none);

    // One with activeDeadlineSeconds counts against Terminating only.
    await create(ns, 'pods', testPod('terminating-pod', requests, limits, { activeDeadlineSeconds: 3600 }));
    await waitForUsed(ns, 'quota-terminating', counted);
    await waitForUsed(ns, 'quota-not-terminating', none);
    await deleteNow(ns, 'pods', 'terminating-pod');
    await waitForUsed(ns, 'quota-terminating', none);
  });

  test('should verify ResourceQuota with best effort scope. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    await create(ns, 'resourcequotas', scopedQuota('quota-besteffort', 'BestEffort'));
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });
    await create(ns, 'resourcequotas', scopedQuota('quota-not-besteffort', 'NotBestEffort'));
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });

    await create(ns, 'pods', testPod('pfpod'));
    await waitForUsed(ns, 'quota-besteffort', { pods: '1' });
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });
    await deleteNow(ns, 'pods', 'pfpod');
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });

    await create(ns, 'pods', testPod('burstable-pod', { cpu: '500m', memory: '200Mi' }, { cpu: '1', memory: '400Mi' }));
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '1' });
    await waitForUsed(ns, 'quota-besteffort', { pods: '0' });
    await deleteNow(ns, 'pods', 'burstable-pod');
    await waitForUsed(ns, 'quota-not-besteffort', { pods: '0' });
  });

  test('should be able to update and delete ResourceQuota. [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const path = `${api(ns, 'resourcequotas')}/test-quota`;
    const quota: J = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'test-quota' },
      spec: { hard: { cpu: '1', memory: '500Mi' } },
    };
    await create(ns, 'resourcequotas', quota);
    const got = (await c.h.api.get(path).expect(200)).body;
    expect(compareQuantity(got.spec.hard.cpu, '1')).toBe(0);
    expect(compareQuantity(got.spec.hard.memory, '500Mi')).toBe(0);

    // An update of the object as first sent: no resourceVersion (ResourceQuotas allow unconditional updates).
    quota.spec.hard = { cpu: '2', memory: '1Gi' };
    const updated = (await c.h.api.put(path).send(quota).expect(200)).body;
    expect(compareQuantity(updated.spec.hard.cpu, '2')).toBe(0);
    expect(compareQuantity(updated.spec.hard.memory, '1Gi')).toBe(0);
    const again = (await c.h.api.get(path).expect(200)).body;
    expect(compareQuantity(again.spec.hard.cpu, '2')).toBe(0);
    expect(compareQuantity(again.spec.hard.memory, '1Gi')).toBe(0);

    await c.h.api.delete(path).expect(200);
    await c.h.api.get(path).expect(404);
  });

  test('should manage the lifecycle of a ResourceQuota [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const rqName = 'e2e-quota-abcde';
    const selector = `labelSelector=${encodeURIComponent(`e2e-rq-label=${rqName}`)}`;
    await create(ns, 'resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: rqName, labels: { 'e2e-rq-label': rqName } },
      spec: { hard: { cpu: '1', memory: '500Mi' } },
    });
    const got = (await c.h.api.get(`${api(ns, 'resourcequotas')}/${rqName}`).expect(200)).body;
    expect(compareQuantity(got.spec.hard.cpu, '1')).toBe(0);
    expect(compareQuantity(got.spec.hard.memory, '500Mi')).toBe(0);

    const all = (await c.h.api.get(`/api/v1/resourcequotas?${selector}`).expect(200)).body;
    expect(all.items).toHaveLength(1);

    const patched = (
      await c.h.api
        .patch(`${api(ns, 'resourcequotas')}/${rqName}`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send(`{"metadata":{"labels":{"${rqName}":"patched"}},"spec":{"hard":{ "memory":"750Mi"}}}`)
        .expect(200)
    ).body;
    expect(patched.metadata.labels[rqName]).toBe('patched');
    expect(compareQuantity(patched.spec.hard.memory, '750Mi')).toBe(0);

    await c.h.api.delete(`${api(ns, 'resourcequotas')}?${selector}`).expect(200);
    await c.h.api.get(`${api(ns, 'resourcequotas')}/${rqName}`).expect(404);
  });

  test('should apply changes to a resourcequota status [Conformance]', async () => {
    const ns = await c.namespace('resourcequota');
    const rqName = 'e2e-rq-status-abcde';
    const path = `${api(ns, 'resourcequotas')}/${rqName}`;
    const selector = `labelSelector=${encodeURIComponent(`e2e-rq-label=${rqName}`)}`;
    const sameHard = (a: J | undefined, b: J) =>
      !!a &&
      Object.keys(a).length === Object.keys(b).length &&
      Object.entries(b).every(([k, v]) => a[k] !== undefined && compareQuantity(a[k], v) === 0);
    /** watchtools.Until from the list's resourceVersion: an event for the quota whose status.hard satisfies `ok`. */
    const watchUntil = async (rv: string, ok: (rq: J) => boolean) => {
      const w = await openWatch(c.h, `${api(ns, 'resourcequotas')}?watch=1&${selector}&resourceVersion=${rv}`);
      try {
        await expectEvent(w, 'MODIFIED', (rq) => rq.metadata.name === rqName && rq.metadata.namespace === ns && ok(rq), 10_000);
      } finally {
        w.close();
      }
    };
    const listRv = async () =>
      (await c.h.api.get(`/api/v1/resourcequotas?${selector}`).expect(200)).body.metadata.resourceVersion as string;

    let rv = await listRv();
    await create(ns, 'resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: rqName, labels: { 'e2e-rq-label': rqName } },
      spec: { hard: { cpu: '500m', memory: '500Mi' } },
    });
    const initial = (await c.h.api.get(path).expect(200)).body;
    expect(compareQuantity(initial.spec.hard.cpu, '500m')).toBe(0);
    expect(compareQuantity(initial.spec.hard.memory, '500Mi')).toBe(0);

    // UpdateStatus with status.hard = spec.hard, retried on conflict (the controller writes the status too).
    let updated: J | undefined;
    await until(async () => {
      const cur = (await c.h.api.get(path).expect(200)).body;
      cur.status = { hard: { ...initial.spec.hard } };
      const res = await c.h.api.put(`${path}/status`).send(cur);
      if (res.status === 409) return false;
      expect(res.status).toBe(200);
      updated = res.body;
      return true;
    });
    await watchUntil(rv, (rq) => sameHard(rq.status?.hard, updated!.spec.hard));

    rv = await listRv();
    const x = (
      await c.h.api
        .patch(path)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({ spec: { hard: { cpu: '1', memory: '1Gi' } } })
        .expect(200)
    ).body;
    const patched = (
      await c.h.api
        .patch(`${path}/status`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({ status: { hard: { ...x.spec.hard } } })
        .expect(200)
    ).body;
    await watchUntil(rv, (rq) => sameHard(rq.status?.hard, patched.spec.hard));

    const st = (await c.h.api.get(`${path}/status`).expect(200)).body;
    expect(compareQuantity(st.status.hard.cpu, '1')).toBe(0);
    expect(compareQuantity(st.status.hard.memory, '1Gi')).toBe(0);

    rv = await listRv();
    const repatched = (
      await c.h.api
        .patch(`${path}/status`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({ status: { hard: { cpu: '2', memory: '2Gi' } } })
        .expect(200)
    ).body;
    expect(compareQuantity(repatched.status.hard.cpu, '2')).toBe(0);
    expect(compareQuantity(repatched.status.hard.memory, '2Gi')).toBe(0);
    await watchUntil(rv, (rq) => compareQuantity(rq.status.hard.cpu, '2') === 0 && compareQuantity(rq.status.hard.memory, '2Gi') === 0);

    // The spec was not changed by the /status patches, and the controller sets status.hard back to it.
    await until(async () => {
      const q = (await c.h.api.get(path).expect(200)).body;
      expect(compareQuantity(q.spec.hard.cpu, '1')).toBe(0);
      expect(compareQuantity(q.spec.hard.memory, '1Gi')).toBe(0);
      return compareQuantity(q.status.hard.cpu, '1') === 0 && compareQuantity(q.status.hard.memory, '1Gi') === 0;
    }, 10_000);
  });
});
