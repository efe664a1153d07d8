// The pod garbage collector over the client seam, in process (as system:kube-controller-manager) and over HTTP,
// against the API harness (no kubelet): a pod bound to a Node that is deleted and stays gone past the quarantine is
// marked Failed with DisruptionTarget/DeletionByPodGC, force-deleted, and its ReplicaSet replaces it; a node that
// comes back within the quarantine keeps its pods; an unscheduled terminating pod is marked Failed and force-deleted;
// terminated pods beyond the threshold go, oldest first.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startPodGC, type RunningPodGC } from '../../src/reconcilers/podgc/podgc-controller.js';
import { startReplicaSetControllers, type RunningReplicaControllers } from '../../src/reconcilers/replicaset/replicaset-controller.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const RS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };
const QUARANTINE_MS = 600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

describe.each(['in-process', 'https'])('pod garbage collector over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let gc: RunningPodGC;
  let rsc: RunningReplicaControllers;
  let ns = '';
  let n = 0;

  const pod = (name: string, extra: J = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...extra },
    spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
  });
  const bind = (name: string, nodeName: string) =>
    api.createSubresource(GVR.pods, ns, name, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name },
      target: { kind: 'Node', name: nodeName },
    });
  const exists = async (name: string) => {
    try {
      return await api.get(GVR.pods, ns, name);
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    const ctx = makeContext(h.service, log, kind === 'https' ? { client: () => api } : {});
    gc = await startPodGC(ctx, { quarantineMs: QUARANTINE_MS, checkPeriodMs: 200, terminatedPodThreshold: 2 });
    rsc = await startReplicaSetControllers(ctx);
  });
  afterAll(async () => {
    gc.stop();
    rsc.stop();
    await rsc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `gc-${kind === 'https' ? 'h' : 'i'}-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('a pod of a deleted node is marked Failed (DeletionByPodGC), force-deleted after the quarantine, and replaced', async () => {
    const ghost = `ghost-${kind}`;
    await api.create(GVR.nodes, undefined, node(ghost));
    await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] } },
      },
    });
    const [first] = await until(async () => {
      const items = (await api.list(GVR.pods, ns)).items;
      return items.length === 1 && items;
    });
    await bind(first!.metadata.name!, ghost);
    // Watch the pod's last states: the Failed status must come before the deletion.
    const seen: J[] = [];
    const w = await api.watch(
      GVR.pods,
      ns,
      { resourceVersion: (await api.get(GVR.pods, ns, first!.metadata.name!)).metadata.resourceVersion },
      {
        onEvent: (e) => seen.push(e as J),
        onClose: () => undefined,
      },
    );
    const deletedAt = Date.now();
    await api.delete(GVR.nodes, undefined, ghost);
    await until(async () => !(await exists(first!.metadata.name!)));
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(QUARANTINE_MS - 50);
    const replacement = await until(async () => {
      const items = (await api.list(GVR.pods, ns)).items.filter((p) => p.metadata.name !== first!.metadata.name);
      return items.length === 1 && items[0];
    });
    expect((replacement as J).spec.nodeName).toBeUndefined();
    await until(async () => seen.some((e) => e.type === 'DELETED'));
    w.stop();
    const failed = seen.find(
      (e) => e.type === 'MODIFIED' && e.object.metadata.name === first!.metadata.name && e.object.status?.phase === 'Failed',
    );
    expect(failed?.object.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByPodGC',
          message: 'PodGC: node no longer exists',
        }),
      ]),
    );
    expect(seen.findIndex((e) => e === failed)).toBeLessThan(seen.findIndex((e) => e.type === 'DELETED'));
  });

  test('a node deleted and registered again within the quarantine keeps its pods', async () => {
    const back = `back-${kind}`;
    await api.create(GVR.nodes, undefined, node(back));
    await api.create(GVR.pods, ns, pod('stays'));
    await bind('stays', back);
    await api.delete(GVR.nodes, undefined, back);
    await sleep(100);
    await api.create(GVR.nodes, undefined, node(back)); // the kubelet re-registers
    await sleep(QUARANTINE_MS * 3);
    const p = (await exists('stays')) as J;
    expect(p?.metadata.deletionTimestamp).toBeUndefined();
    expect(p?.status?.phase).not.toBe('Failed');
    await api.delete(GVR.nodes, undefined, back);
  });

  test('a pod bound to a node that never existed is collected too', async () => {
    await api.create(GVR.pods, ns, pod('nowhere'));
    await bind('nowhere', `never-${kind}`);
    await until(async () => !(await exists('nowhere')));
  });

  test('an unscheduled terminating pod is marked Failed and force-deleted', async () => {
    await api.create(GVR.pods, ns, pod('held', { finalizers: ['example.com/hold'] }));
    await api.delete(GVR.pods, ns, 'held');
    const failed = await until(async () => {
      const p = (await exists('held')) as J | undefined;
      return p?.status?.phase === 'Failed' && p;
    });
    expect(failed.metadata.deletionTimestamp).toBeDefined();
    await api.patch(GVR.pods, ns, 'held', 'merge', { metadata: { finalizers: null } });
    await until(async () => !(await exists('held')));
  });

  test('terminated pods beyond the threshold go, oldest first; running ones stay', async () => {
    // The threshold (2) counts terminated pods cluster-wide: this namespace holds the only ones.
    for (const name of ['t1', 't2', 't3']) {
      await api.create(GVR.pods, ns, pod(name));
      await sleep(1100); // creationTimestamp has second resolution
      const cur = await api.get(GVR.pods, ns, name);
      await api.updateStatus(GVR.pods, ns, { ...cur, status: { phase: 'Succeeded' } });
    }
    await api.create(GVR.pods, ns, pod('running'));
    await until(async () => !(await exists('t1')));
    await sleep(500);
    expect(await exists('t2')).toBeDefined();
    expect(await exists('t3')).toBeDefined();
    expect(await exists('running')).toBeDefined();
    for (const name of ['t2', 't3']) await api.delete(GVR.pods, ns, name, { gracePeriodSeconds: 0 });
  }, 15000);
});
