// The ReplicaSet / ReplicationController controller over the client seam, in process (as
// system:kube-controller-manager) and over HTTP, against the API harness (no kubelet: pods stay unscheduled, their
// readiness is written through /status as a kubelet would). Creates with generateName and a blocking controller
// reference, scales through /scale deleting not-ready pods first, replaces a deleted pod, adopts orphans, releases
// pods that stop matching, leaves another controller's pods alone, and reports a refused template with ReplicaFailure
// and FailedCreate events at a backed-off pace.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startReplicaSetControllers, type RunningReplicaControllers } from '../../src/reconcilers/replicaset/replicaset-controller.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const RS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };
const RC: Gvr = { group: '', version: 'v1', resource: 'replicationcontrollers' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const template = (app: string, extra: J = {}) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'dockube/busybox:test', ...extra }] },
});
const replicaSet = (name: string, replicas: number, extra: J = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name), ...extra },
});

describe.each(['in-process', 'https'])('replicaset controller over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let rsc: RunningReplicaControllers;
  let ns = '';
  let n = 0;

  const podsOf = async (app: string) =>
    (await api.list(GVR.pods, ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const podCount = (app: string, want: number) => until(async () => (await podsOf(app)).length === want && podsOf(app));
  const events = async (name: string) => (await api.list(GVR.events, ns)).items.filter((e) => (e as J).involvedObject.name === name) as J[];
  const markReady = async (p: KObject, since = new Date()) => {
    const cur = await api.get(GVR.pods, ns, p.metadata.name!);
    const t = since.toISOString().replace(/\.\d+Z$/, 'Z');
    await api.updateStatus(GVR.pods, ns, {
      ...cur,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] },
    });
  };

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    rsc = await startReplicaSetControllers(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}));
  });
  afterAll(async () => {
    rsc.stop();
    await rsc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `rs-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('creates spec.replicas pods from the template, owned by it; status and SuccessfulCreate events follow', async () => {
    const rs = await api.create(RS, ns, replicaSet('web', 3));
    const pods = await podCount('web', 3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.metadata.labels).toEqual({ app: 'web' });
    }
    const status = await until(async () => {
      const s = ((await api.get(RS, ns, 'web')) as J).status;
      return s.replicas === 3 && s.observedGeneration === 1 && s;
    });
    expect(status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    await rsc.recorder.flush();
    const created = (await events('web')).filter((e) => e.reason === 'SuccessfulCreate');
    expect(created.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(created[0]).toMatchObject({ type: 'Normal', source: { component: 'replicaset-controller' } });
    // Level-triggered and expectation-guarded: nothing more is created while nothing changes.
    await sleep(300);
    expect(await podsOf('web')).toHaveLength(3);
  });

  test('scale down through /scale removes not-ready pods first; ready and available counts follow', async () => {
    await api.create(RS, ns, replicaSet('scale', 3, { minReadySeconds: 1 }));
    const pods = await podCount('scale', 3);
    await markReady(pods[1]!);
    await until(async () => ((await api.get(RS, ns, 'scale')) as J).status.readyReplicas === 1);
    await api.patch(RS, ns, 'scale', 'merge', { spec: { replicas: 1 } }, { subresource: 'scale' });
    const left = await podCount('scale', 1);
    expect(left[0]!.metadata.name).toBe(pods[1]!.metadata.name);
    // Available once ready for minReadySeconds: the controller looks again by itself.
    const s = await until(async () => {
      const st = ((await api.get(RS, ns, 'scale')) as J).status;
      return st.replicas === 1 && st.availableReplicas === 1 && st;
    });
    expect(s).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 2 });
    await rsc.recorder.flush();
    const deleted = (await events('scale')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deleted.sort()).toEqual([pods[0]!, pods[2]!].map((p) => `Deleted pod: ${p.metadata.name}`).sort());
  });

  test('a deleted pod is replaced; a pod that stops matching is released and replaced', async () => {
    await api.create(RS, ns, replicaSet('heal', 2));
    const [first, second] = await podCount('heal', 2);
    await api.delete(GVR.pods, ns, first!.metadata.name!, { gracePeriodSeconds: 0 });
    const healed = await until(async () => {
      const ps = await podsOf('heal');
      return ps.length === 2 && !ps.some((p) => p.metadata.name === first!.metadata.name) && ps;
    });
    expect(healed.map((p) => p.metadata.name)).toContain(second!.metadata.name);
    await api.patch(GVR.pods, ns, second!.metadata.name!, 'merge', { metadata: { labels: { app: 'debug' } } });
    const released = await until(async () => {
      const p = await api.get(GVR.pods, ns, second!.metadata.name!);
      return !p.metadata.ownerReferences?.length && p;
    });
    expect(released.metadata.labels).toEqual({ app: 'debug' });
    await podCount('heal', 2);
  });

  test("adopts matching orphans, never another controller's pods", async () => {
    const orphan = await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', labels: { app: 'adopt' } },
      spec: template('adopt').spec,
    });
    const foreignRef = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'other',
      uid: '00000000-0000-0000-0000-000000000001',
      controller: true,
    };
    await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'foreign', labels: { app: 'adopt' }, ownerReferences: [foreignRef] },
      spec: template('adopt').spec,
    });
    const rs = await api.create(RS, ns, replicaSet('adopt', 2));
    const adopted = await until(async () => {
      const p = await api.get(GVR.pods, ns, 'orphan');
      return !!p.metadata.ownerReferences?.length && p;
    });
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid);
    expect(adopted.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    // Two of its own (the orphan and one new one); the foreign pod matches but is never counted or touched.
    await podCount('adopt', 3);
    await sleep(300);
    const pods = await podsOf('adopt');
    expect(pods).toHaveLength(3);
    expect((await api.get(GVR.pods, ns, 'foreign')).metadata.ownerReferences).toEqual([foreignRef]);
    expect(((await api.get(RS, ns, 'adopt')) as J).status.replicas).toBe(2);
  });

  test('a refused (privileged) template: ReplicaFailure FailedCreate, FailedCreate events, backed off, then recovery', async () => {
    const privileged = replicaSet('priv', 5, { template: template('priv', { securityContext: { privileged: true } }) });
    await api.create(RS, ns, privileged);
    const cond = await until(async () =>
      (((await api.get(RS, ns, 'priv')) as J).status.conditions ?? []).find((c: J) => c.type === 'ReplicaFailure'),
    );
    expect(cond).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toMatch(/violates PodSecurity "baseline:latest": privileged/);
    await sleep(1500);
    await rsc.recorder.flush();
    const failed = (await events('priv')).filter((e) => e.reason === 'FailedCreate');
    expect(failed.every((e) => e.type === 'Warning')).toBe(true);
    expect(failed[0]!.message).toMatch(/^Error creating: pods "priv-[a-z0-9]{5}" is forbidden: violates PodSecurity/);
    // One create per sync (slow start), syncs backed off (5 ms doubling): a handful of attempts in 1.5 s, not hundreds.
    const attempts = failed.reduce((sum, e) => sum + e.count, 0);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(15);
    expect(await podsOf('priv')).toHaveLength(0);
    // The template fixed: pods come, the condition goes.
    await api.patch(RS, ns, 'priv', 'merge', { spec: { template: template('priv') } });
    await podCount('priv', 5);
    await until(async () => {
      const s = ((await api.get(RS, ns, 'priv')) as J).status;
      return s.replicas === 5 && !s.conditions;
    }, 70_000);
  }, 90_000);

  test('a ReplicationController: map selector, pods owned by it, Scale with its selector', async () => {
    const rc = await api.create(RC, ns, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: { replicas: 2, template: template('legacy') },
    });
    expect((rc as J).spec.selector).toEqual({ app: 'legacy' }); // defaulted from the template
    const pods = await podCount('legacy', 2);
    expect(pods[0]!.metadata.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      name: 'legacy',
      controller: true,
    });
    await until(async () => ((await api.get(RC, ns, 'legacy')) as J).status.replicas === 2);
    await api.patch(RC, ns, 'legacy', 'merge', { spec: { replicas: 3 } }, { subresource: 'scale' });
    await podCount('legacy', 3);
    const scale = await h.api.get(`/api/v1/namespaces/${ns}/replicationcontrollers/legacy/scale`);
    expect(scale.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 }, status: { selector: 'app=legacy' } });
    await rsc.recorder.flush();
    expect((await events('legacy')).every((e) => e.source.component === 'replication-controller')).toBe(true);
  });
});
