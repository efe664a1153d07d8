// The disruption controller over the client seam, in process (as system:kube-controller-manager), against the API
// harness with the ReplicaSet controller (no kubelet: readiness is written through /status as a kubelet would).
// A budget's status follows the pods: minAvailable as a number and as a percent of the ReplicaSet's scale,
// maxUnavailable, a Deployment's replicas standing for its ReplicaSet's pods, the DisruptionAllowed condition, an
// eviction spending the allowance and the controller recounting it, and a pod with an unknown controller failing
// safe (SyncFailed).
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startReplicaSetControllers, type RunningReplicaControllers } from '../../src/reconcilers/replicaset/replicaset-controller.js';
import {
  startDisruptionController,
  PDBS,
  type RunningDisruptionController,
} from '../../src/reconcilers/disruption/disruption-controller.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const RS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };

describe('disruption controller', () => {
  let h: Harness;
  let api: HttpClient;
  let rsc: RunningReplicaControllers;
  let dc: RunningDisruptionController;
  let ns = '';
  let n = 0;

  const podsOf = async (app: string) =>
    (await api.list(GVR.pods, ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const markReady = async (p: KObject) => {
    const cur = await api.get(GVR.pods, ns, p.metadata.name!);
    await api.updateStatus(GVR.pods, ns, { ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  };
  const replicaSet = async (name: string, replicas: number) => {
    await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] } },
      },
    });
    const pods = await until(async () => (await podsOf(name)).length === replicas && podsOf(name));
    return pods;
  };
  const budget = (name: string, spec: J) =>
    api.create(PDBS, ns, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    });
  const statusOf = async (name: string): Promise<J> => ((await api.get(PDBS, ns, name)) as J).status ?? {};
  const statusMatches = (name: string, want: J) =>
    until(async () => {
      const s = await statusOf(name);
      return Object.entries(want).every(([k, v]) => JSON.stringify(s[k]) === JSON.stringify(v)) && s;
    });

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    const ctx = makeContext(h.service, log);
    rsc = await startReplicaSetControllers(ctx);
    dc = await startDisruptionController(ctx);
  });
  afterAll(async () => {
    dc.stop();
    rsc.stop();
    await dc.recorder.flush();
    await rsc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `pdb-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('minAvailable 2 of 3 pods: healthy pods count as they become ready; the condition follows', async () => {
    const pods = await replicaSet('web', 3);
    const created = await budget('b', { minAvailable: 2 });
    const zero = await statusMatches('b', { currentHealthy: 0, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 0 });
    expect(zero.observedGeneration).toBe(created.metadata.generation);
    expect(zero.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
    for (const p of pods) await markReady(p);
    const s = await statusMatches('b', { currentHealthy: 3, disruptionsAllowed: 1 });
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })]);
  });

  test('a percent minAvailable and maxUnavailable are taken of the ReplicaSet scale, rounded up', async () => {
    const pods = await replicaSet('web', 4);
    for (const p of pods) await markReady(p);
    await budget('pct', { minAvailable: '30%' });
    await statusMatches('pct', { expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2 });
    await api.delete(PDBS, ns, 'pct');
    await budget('max', { maxUnavailable: '30%' });
    await statusMatches('max', { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 });
  });

  test("pods of a ReplicaSet run by a Deployment count the Deployment's replicas", async () => {
    const DEPLOY: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
    const tpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] } };
    const d = await api.create(DEPLOY, ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 6, selector: { matchLabels: { app: 'web' } }, template: tpl },
    });
    // No Deployment controller runs here: the ReplicaSet is written as it would write it, with 2 of the 6 so far.
    await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true }],
      },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: tpl },
    });
    const pods = await until(async () => (await podsOf('web')).length === 2 && podsOf('web'));
    for (const p of pods) await markReady(p);
    await budget('b', { maxUnavailable: 1 });
    await statusMatches('b', { expectedPods: 6, desiredHealthy: 5, currentHealthy: 2, disruptionsAllowed: 0 });
  });

  test('an eviction spends the allowance; the evicted pod stays out of the count until it is gone, then the replacement counts', async () => {
    const pods = await replicaSet('web', 2);
    for (const p of pods) await markReady(p);
    await budget('b', { minAvailable: 1 });
    await statusMatches('b', { currentHealthy: 2, disruptionsAllowed: 1 });
    const victim = pods[0]!.metadata.name!;
    const r = await h.api
      .post(`/api/v1/namespaces/${ns}/pods/${victim}/eviction`)
      .send({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim } });
    expect(r.status).toBe(201);
    const other = pods[1]!.metadata.name!;
    const second = await h.api
      .post(`/api/v1/namespaces/${ns}/pods/${other}/eviction`)
      .send({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: other } });
    expect(second.status).toBe(429);
    // The replacement becomes ready: two healthy again, one disruption allowed.
    const replacement = await until(async () => (await podsOf('web')).find((p) => p.metadata.name !== other));
    await markReady(replacement);
    const s = await statusMatches('b', { currentHealthy: 2, disruptionsAllowed: 1 });
    expect(s.disruptedPods).toBeUndefined();
  });

  test('a pod whose controller cannot be found fails safe: no disruption, SyncFailed', async () => {
    await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'orphaned',
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u-1', controller: true }],
      },
      spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
    });
    await budget('b', { maxUnavailable: 1 });
    const s = await until(async () => {
      const st = await statusOf('b');
      return (st.conditions ?? []).some((c: J) => c.reason === 'SyncFailed') && st;
    });
    expect(s.disruptionsAllowed).toBe(0);
    expect(s.conditions[0]).toMatchObject({ status: 'False', message: 'found no controllers for pod "orphaned"' });
  });
});
