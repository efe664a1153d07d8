// The DaemonSet controller over the client seam against the API harness with three fake nodes (a swarm's worth, no
// scheduler and no kubelet): one pod per node that the nodeSelector picks and whose taints the pods tolerate, each
// pinned by node affinity; a relabelled node gains or loses its pod; a template that tolerates the taint is a new
// revision, and the rolling update replaces the old pods; status counts as kubectl shows them.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startDaemonSetController, type RunningDaemonSetController } from '../../src/reconcilers/daemonset/daemonset-controller.js';
import { targetNodeName } from '../../src/reconcilers/daemonset/placement.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { httpClient } from './clients.js';
import { until } from '../support/until.js';
import { updateWith } from '../../src/client/update-with.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const DS: Gvr = { group: 'apps', version: 'v1', resource: 'daemonsets' };
const CR: Gvr = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };
const ns = 'default';

describe.each(['in-process', 'https'])('daemonset controller over three nodes over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let dc: RunningDaemonSetController;

  const addNode = async (name: string, labels: Record<string, string>, taints: J[] = []) => {
    const n = await api.create(GVR.nodes, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: { taints },
    } as KObject);
    await api.updateStatus(GVR.nodes, undefined, { ...n, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as KObject);
  };
  /** node name -> images of the live pods aimed at it */
  const placement = async () => {
    const pods = (await api.list(GVR.pods, ns, { labelSelector: 'app=agent' })).items.filter((p) => !p.metadata.deletionTimestamp);
    const out: Record<string, string[]> = {};
    for (const p of pods) (out[targetNodeName(p) ?? '?'] ??= []).push((p as J).spec.containers[0].image);
    return out;
  };
  const placedOn = (want: Record<string, string[]>) =>
    until(async () => {
      const got = await placement();
      return JSON.stringify(got, Object.keys(got).sort()) === JSON.stringify(want, Object.keys(want).sort()) && got;
    }, 15_000);
  const ds = async () => (await api.get(DS, ns, 'agent')) as J;

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    await addNode('n1', { role: 'agent' });
    await addNode('n2', { role: 'agent' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await addNode('n3', {});
    dc = await startDaemonSetController(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}));
  });
  afterAll(async () => {
    dc.stop();
    await dc.recorder.flush();
    api.close();
    await h.close();
  });

  test('placement follows the selector, the taints and the nodes; a new template rolls out', async () => {
    await api.create(DS, ns, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { nodeSelector: { role: 'agent' }, containers: [{ name: 'c', image: 'img:v1' }] },
        },
      },
    } as KObject);
    // n2's taint is not tolerated, n3 is not selected.
    await placedOn({ n1: ['img:v1'] });
    await until(async () => (await ds()).status?.desiredNumberScheduled === 1 && (await ds()).status?.currentNumberScheduled === 1);
    const pod = (await api.list(GVR.pods, ns, { labelSelector: 'app=agent' })).items[0] as J;
    expect(pod.metadata.generateName).toBe('agent-');
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
    expect(pod.metadata.labels['pod-template-generation']).toBe('1');
    expect(pod.spec.tolerations.map((t: J) => t.key)).toContain('node.kubernetes.io/unschedulable');

    // A node that gains the label gains a pod; one that loses it loses its pod.
    const n3 = await api.get(GVR.nodes, undefined, 'n3');
    await api.update(GVR.nodes, undefined, { ...n3, metadata: { ...n3.metadata, labels: { role: 'agent' } } });
    await placedOn({ n1: ['img:v1'], n3: ['img:v1'] });
    const n1 = await api.get(GVR.nodes, undefined, 'n1');
    await api.update(GVR.nodes, undefined, { ...n1, metadata: { ...n1.metadata, labels: {} } });
    await placedOn({ n3: ['img:v1'] });

    // Tolerating the taint and a new image: a second revision; n2 gets a pod, n3's old pod is replaced (it is not
    // ready, so it counts as unavailable and goes at once).
    // Read-modify-write with retries: the controller writes status meanwhile.
    await updateWith(api, DS, ns, 'agent', (cur: J) => {
      cur.spec.template.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }];
      cur.spec.template.spec.containers[0].image = 'img:v2';
      return cur as KObject;
    });
    await placedOn({ n2: ['img:v2'], n3: ['img:v2'] });
    const revisions = (await api.list(CR, ns)).items as J[];
    expect(revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
    const v2 = revisions.find((r) => r.revision === 2)!;
    const pods = (await api.list(GVR.pods, ns, { labelSelector: 'app=agent' })).items as J[];
    expect(new Set(pods.map((p) => p.metadata.labels['controller-revision-hash']))).toEqual(
      new Set([v2.metadata.labels['controller-revision-hash']]),
    );
    expect(pods.every((p) => p.metadata.labels['pod-template-generation'] === '2')).toBe(true);
    await until(async () => {
      const s = (await ds()).status;
      return (
        s?.desiredNumberScheduled === 2 &&
        s.updatedNumberScheduled === 2 &&
        s.numberReady === 0 &&
        s.numberUnavailable === 2 &&
        s.observedGeneration === 2
      );
    });
  });

  test('an orphan pod on a node is adopted (no second pod there) and released once it stops matching', async () => {
    const orphan = await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { app: 'solo' } },
      spec: { nodeName: 'n3', containers: [{ name: 'c', image: 'img:v1' }] },
    } as KObject);
    await api.create(DS, ns, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'solo' },
      spec: {
        selector: { matchLabels: { app: 'solo' } },
        template: {
          metadata: { labels: { app: 'solo' } },
          spec: { nodeSelector: { role: 'agent' }, containers: [{ name: 'c', image: 'img:v1' }] },
        },
      },
    } as KObject);
    const adopted = await until(async () => {
      const p = (await api.get(GVR.pods, ns, 'stray')) as J;
      return (p.metadata.ownerReferences ?? []).some((r: J) => r.kind === 'DaemonSet' && r.name === 'solo' && r.controller) && p;
    });
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid);
    const solo = async () => ((await api.list(GVR.pods, ns, { labelSelector: 'app=solo' })).items as J[]).map((p) => p.metadata.name);
    // The adopted pod holds n3 (even once the rolling update deletes it for its old template): no second pod there.
    await new Promise((r) => setTimeout(r, 300));
    expect(await solo()).toEqual(['stray']);
    await api.patch(GVR.pods, ns, 'stray', 'merge', { metadata: { labels: { app: 'other' } } });
    await until(async () => {
      const p = (await api.get(GVR.pods, ns, 'stray')) as J;
      return !(p.metadata.ownerReferences ?? []).length;
    });
    // Released, it no longer holds n3: the set makes its own pod there.
    await until(async () => {
      const pods = ((await api.list(GVR.pods, ns, { labelSelector: 'app=solo' })).items as J[]).filter((p) => p.metadata.name !== 'stray');
      return pods.length === 1 && targetNodeName(pods[0] as KObject) === 'n3';
    });
  });
});
