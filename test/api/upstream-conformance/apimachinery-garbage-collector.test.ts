// Mirrors test/e2e/apimachinery/garbage_collector.go's [Conformance] tests (upstream v1.26) over the in-process
// server with the garbage collector and the ReplicationController, ReplicaSet and Deployment controllers. None needs
// a running pod: the pods are only created and deleted (no node here, so their count is the e2e estimate's minimum,
// 10). Upstream waits 30 s "to see if the garbage collector mistakenly deletes the pods" after orphaning; the
// collector here runs in the same process and acts within milliseconds, so 2 s are waited.
import { startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ garbageCollector: true, workloads: true });
});
afterAll(() => c.close());

/** estimateMaximumPods(10, 100) with no schedulable node: the minimum. */
const MAX_PODS = 10;
const MISTAKE_WAIT_MS = 2000;
const api = (ns: string, plural: string) => `/api/v1/namespaces/${ns}/${plural}`;
const apps = (ns: string, plural: string) => `/apis/apps/v1/namespaces/${ns}/${plural}`;
const list = async (path: string): Promise<J[]> => (await c.h.api.get(path).expect(200)).body.items;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let labelCount = 0;
/** getUniqLabel. */
const uniqLabel = (key: string, value: string) => {
  const n = String(++labelCount).padStart(5, '0');
  return { [`${key}-${n}`]: `${value}-${n}` };
};

const podTemplate = (labels: Record<string, string>) => ({
  metadata: { labels },
  spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'nginx', image: 'registry.k8s.io/e2e-test-images/nginx:1.14-4' }] },
});

/** newOwnerRC. */
const ownerRC = (name: string, replicas: number, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas, selector: labels, template: podTemplate(labels) },
});

/** newOwnerDeployment: e2edeployment.NewDeployment with 2 replicas and RollingUpdate. */
const ownerDeployment = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    strategy: { type: 'RollingUpdate', rollingUpdate: {} },
    template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 0, containers: podTemplate(labels).spec.containers } },
  },
});

/** newGCPod. */
const gcPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'nginx', image: 'registry.k8s.io/e2e-test-images/nginx:1.14-4' }] },
});

const deleteWith = (path: string, uid: string, propagationPolicy: string) =>
  c.h.api.delete(path).send({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy, preconditions: { uid } }).expect(200);

/** waitForReplicas: the RC's status counts its spec's replicas. */
const waitForReplicas = (ns: string, rc: J) =>
  until(
    async () =>
      (await c.h.api.get(`${api(ns, 'replicationcontrollers')}/${rc.metadata.name}`).expect(200)).body.status?.replicas ===
      rc.spec.replicas,
    20_000,
  );

/** verifyRemainingObjects, polled. */
const waitForRemaining = (ns: string, want: Record<string, number>) =>
  until(async () => {
    const paths: Record<string, string> = {
      Pods: api(ns, 'pods'),
      ReplicationControllers: api(ns, 'replicationcontrollers'),
      Deployments: apps(ns, 'deployments'),
      ReplicaSets: apps(ns, 'replicasets'),
    };
    for (const [kind, n] of Object.entries(want)) if ((await list(paths[kind]!)).length !== n) return false;
    return true;
  }, 20_000);

describe('[sig-api-machinery] Garbage collector', () => {
  test('should delete pods created by rc when not orphaning [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const rc = (
      await c.h.api
        .post(api(ns, 'replicationcontrollers'))
        .send(ownerRC('simpletest.rc', 2, uniqLabel('gctest', 'delete_pods')))
        .expect(201)
    ).body;
    await until(async () => (await list(api(ns, 'pods'))).length > 0);
    await deleteWith(`${api(ns, 'replicationcontrollers')}/${rc.metadata.name}`, rc.metadata.uid, 'Background');
    await waitForRemaining(ns, { ReplicationControllers: 0, Pods: 0 });
  });

  test('should orphan pods created by rc if delete options say so [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const rc = (
      await c.h.api
        .post(api(ns, 'replicationcontrollers'))
        .send(ownerRC('simpletest.rc', MAX_PODS, uniqLabel('gctest', 'orphan_pods')))
        .expect(201)
    ).body;
    await waitForReplicas(ns, rc);
    await deleteWith(`${api(ns, 'replicationcontrollers')}/${rc.metadata.name}`, rc.metadata.uid, 'Orphan');
    await until(async () => (await list(api(ns, 'replicationcontrollers'))).length === 0, 20_000);
    await sleep(MISTAKE_WAIT_MS);
    expect(await list(api(ns, 'pods'))).toHaveLength(MAX_PODS);
  });

  test('should delete RS created by deployment when not orphaning [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const d = (
      await c.h.api
        .post(apps(ns, 'deployments'))
        .send(ownerDeployment('simpletest.deployment', uniqLabel('gctest', 'delete_rs')))
        .expect(201)
    ).body;
    await until(async () => (await list(apps(ns, 'replicasets'))).length > 0);
    await deleteWith(`${apps(ns, 'deployments')}/${d.metadata.name}`, d.metadata.uid, 'Background');
    await waitForRemaining(ns, { Deployments: 0, ReplicaSets: 0, Pods: 0 });
  });

  test('should orphan RS created by deployment when deleteOptions.PropagationPolicy is Orphan [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const d = (
      await c.h.api
        .post(apps(ns, 'deployments'))
        .send(ownerDeployment('simpletest.deployment', uniqLabel('gctest', 'orphan_rs')))
        .expect(201)
    ).body;
    const rs = await until(async () => (await list(apps(ns, 'replicasets')))[0]);
    await until(async () => {
      const now = (await c.h.api.get(`${apps(ns, 'replicasets')}/${rs.metadata.name}`).expect(200)).body;
      return now.status?.observedGeneration >= rs.metadata.generation && now.status?.replicas === rs.spec.replicas;
    }, 20_000);
    await deleteWith(`${apps(ns, 'deployments')}/${d.metadata.name}`, d.metadata.uid, 'Orphan');
    await until(async () => (await list(apps(ns, 'deployments'))).length === 0, 20_000);
    // Once the deployment is gone the collector is done with it.
    expect(await list(apps(ns, 'deployments'))).toHaveLength(0);
    const left = await list(apps(ns, 'replicasets'));
    expect(left).toHaveLength(1);
    expect(await list(api(ns, 'pods'))).toHaveLength(2);
    for (const r of left) expect((r.metadata.ownerReferences ?? []).some((o: J) => o.controller)).toBe(false);
  });

  test('should keep the rc around until all its pods are deleted if the deleteOptions says so [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const rc = (
      await c.h.api
        .post(api(ns, 'replicationcontrollers'))
        .send(ownerRC('simpletest.rc', MAX_PODS, uniqLabel('gctest', 'delete_pods_foreground')))
        .expect(201)
    ).body;
    await waitForReplicas(ns, rc);
    await deleteWith(`${api(ns, 'replicationcontrollers')}/${rc.metadata.name}`, rc.metadata.uid, 'Foreground');
    await until(async () => (await c.h.api.get(`${api(ns, 'replicationcontrollers')}/${rc.metadata.name}`)).status === 404, 20_000);
    // The RC went only after every pod.
    expect(await list(api(ns, 'pods'))).toHaveLength(0);
  });

  test("should not delete dependents that have both valid owner and owner that's waiting for dependents to be deleted [Conformance]", async () => {
    const ns = await c.namespace('gc');
    const half = MAX_PODS / 2;
    const rcs = api(ns, 'replicationcontrollers');
    const rc1 = (
      await c.h.api
        .post(rcs)
        .send(ownerRC('simpletest-rc-to-be-deleted', MAX_PODS, uniqLabel('gctest_d', 'valid_and_pending_owners_d')))
        .expect(201)
    ).body;
    const rc2 = (
      await c.h.api
        .post(rcs)
        .send(ownerRC('simpletest-rc-to-stay', 0, uniqLabel('gctest_s', 'valid_and_pending_owners_s')))
        .expect(201)
    ).body;
    await waitForReplicas(ns, rc1);

    // Half of rc1's pods get rc2 as an owner as well (a strategic merge of ownerReferences, merged by uid).
    const pods = await list(api(ns, 'pods'));
    const patch = {
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc2.metadata.name, uid: rc2.metadata.uid }] },
    };
    for (const p of pods.slice(0, half))
      await c.h.api
        .patch(`${api(ns, 'pods')}/${p.metadata.name}`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send(patch)
        .expect(200);

    await deleteWith(`${rcs}/${rc1.metadata.name}`, rc1.metadata.uid, 'Foreground');
    await until(async () => (await c.h.api.get(`${rcs}/${rc1.metadata.name}`)).status === 404, 20_000);
    const remaining = await list(api(ns, 'pods'));
    expect(remaining).toHaveLength(half);
    for (const p of remaining) {
      expect(p.metadata.deletionTimestamp).toBeUndefined();
      expect(p.metadata.ownerReferences).toHaveLength(1);
    }
  });

  test('should not be blocked by dependency circle [Conformance]', async () => {
    const ns = await c.namespace('gc');
    const pods = api(ns, 'pods');
    const created: Record<string, J> = {};
    for (const name of ['pod1', 'pod2', 'pod3']) created[name] = (await c.h.api.post(pods).send(gcPod(name)).expect(201)).body;
    const addRef = (owner: J) => ({
      metadata: {
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
      },
    });
    // pod1 is owned by pod3, pod2 by pod1, pod3 by pod2.
    for (const [dependent, owner] of [
      ['pod1', 'pod3'],
      ['pod2', 'pod1'],
      ['pod3', 'pod2'],
    ] as const)
      await c.h.api
        .patch(`${pods}/${dependent}`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send(addRef(created[owner]!))
        .expect(200);

    await deleteWith(`${pods}/pod1`, created.pod1!.metadata.uid, 'Foreground');
    await until(async () => (await list(pods)).length === 0, 20_000);
  });
});
