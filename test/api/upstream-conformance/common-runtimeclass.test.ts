// Mirrors upstream's RuntimeClass conformance tests (test/e2e/common/node/runtimeclass.go), none of which needs a
// pod to run: the RuntimeClass admission plugin refuses a pod naming a missing class (403) and sets a class's
// overhead; kube-scheduler (in process, with one Ready Node object) schedules the pods; the API operations.
import pino from 'pino';
import { openWatch, startHarness, type Harness, type WatchEvent } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../../src/reconcilers/scheduler/scheduler.js';
import { compareQuantity } from '../../../src/machinery/api/quantity.js';
import { until } from '../../support/until.js';
import { MERGE, readyNode, testNamespace, type J } from './support.js';

let h: Harness;
let scheduler: RunningScheduler;
beforeAll(async () => {
  h = await startHarness();
  await readyNode(h, 'runtimeclass-node');
  scheduler = await startScheduler(makeContext(h.service, pino({ level: 'silent' })));
});
afterAll(async () => {
  scheduler?.stop();
  await h?.close();
});

const RCS = '/apis/node.k8s.io/v1/runtimeclasses';
/** e2eruntimeclass.NewRuntimeClassPod: a busybox pod that names the class. */
const runtimeClassPod = (rcName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'test-runtimeclass-' },
  spec: {
    runtimeClassName: rcName,
    containers: [{ name: 'test', image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4', command: ['true'] }],
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
  },
});
/** Upstream's expectPodRejection: a dry-run create must be Forbidden. */
async function expectPodRejection(ns: string, rcName: string) {
  const res = await h.api.post(`/api/v1/namespaces/${ns}/pods?dryRun=All`).send(runtimeClassPod(rcName));
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
}

test('[sig-node] RuntimeClass should reject a Pod requesting a non-existent RuntimeClass [NodeConformance] [Conformance]', async () => {
  const ns = await testNamespace(h, 'runtimeclass');
  await expectPodRejection(ns, `${ns}-nonexistent`);
});

/** Upstream's createRuntimeClass with the preconfigured handler, then the pod, then WaitForPodsWithLabelScheduled. */
async function scheduledRuntimeClassPod(ns: string, overhead?: J): Promise<J> {
  const rcName = `${ns}-preconfigured-handler`;
  await h.api
    .post(RCS)
    .send({ metadata: { name: rcName }, handler: 'test-handler', ...(overhead ? { overhead: { podFixed: overhead } } : {}) })
    .expect(201);
  const created = (await h.api.post(`/api/v1/namespaces/${ns}/pods`).send(runtimeClassPod(rcName)).expect(201)).body;
  const pods: J[] = await until(async () => {
    const items: J[] = (await h.api.get(`/api/v1/namespaces/${ns}/pods`).expect(200)).body.items;
    return items.every((p) => p.spec.nodeName && p.status.conditions?.some((c: J) => c.type === 'PodScheduled' && c.status === 'True'))
      ? items
      : undefined;
  });
  expect(pods).toHaveLength(1);
  expect(pods[0]!.metadata.name).toBe(created.metadata.name);
  await h.api.delete(`${RCS}/${rcName}`).expect(200);
  return pods[0]!;
}

test('[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass without PodOverhead [NodeConformance] [Conformance]', async () => {
  const ns = await testNamespace(h, 'runtimeclass');
  const pod = await scheduledRuntimeClassPod(ns);
  expect(pod.spec.overhead ?? {}).toEqual({});
});

test('[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass and initialize its Overhead [NodeConformance] [Conformance]', async () => {
  const ns = await testNamespace(h, 'runtimeclass');
  const pod = await scheduledRuntimeClassPod(ns, { cpu: '10m', memory: '1Mi' });
  expect(compareQuantity(pod.spec.overhead.cpu, '10m')).toBe(0);
  expect(compareQuantity(pod.spec.overhead.memory, '1Mi')).toBe(0);
});

test('[sig-node] RuntimeClass should reject a Pod requesting a deleted RuntimeClass [NodeConformance] [Conformance]', async () => {
  const ns = await testNamespace(h, 'runtimeclass');
  const rcName = `${ns}-delete-me`;
  await h.api
    .post(RCS)
    .send({ metadata: { name: rcName }, handler: 'runc' })
    .expect(201);
  await h.api.delete(`${RCS}/${rcName}`).expect(200);
  await h.api.get(`${RCS}/${rcName}`).expect(404);
  await expectPodRejection(ns, rcName);
});

test('[sig-node] RuntimeClass should support RuntimeClasses API operations [Conformance]', async () => {
  const unique = await testNamespace(h, 'runtimeclass');
  const rc = (n: string) => ({
    metadata: { name: `${unique}-handler${n}`, labels: { test: unique } },
    handler: `${unique}-conformance-runtime-class${n}`,
  });
  const selector = `labelSelector=test%3D${unique}`;

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'node.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/node.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  const resources = (await h.api.get('/apis/node.k8s.io/v1').expect(200)).body.resources;
  expect(resources.map((r: J) => r.name)).toContain('runtimeclasses');

  const created = (await h.api.post(RCS).send(rc('')).expect(201)).body;
  expect((await h.api.post(RCS).send(rc('')).expect(409)).body.reason).toBe('AlreadyExists');
  await h.api.post(RCS).send(rc('2')).expect(201);

  const watch = await openWatch(h, `${RCS}?watch=1&${selector}&resourceVersion=${created.metadata.resourceVersion}`);
  await h.api.post(RCS).send(rc('3')).expect(201);

  expect((await h.api.get(`${RCS}/${created.metadata.name}`).expect(200)).body.metadata.uid).toBe(created.metadata.uid);
  expect((await h.api.get(`${RCS}?${selector}`).expect(200)).body.items).toHaveLength(3);

  const patched = (
    await h.api
      .patch(`${RCS}/${created.metadata.name}`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });
  patched.metadata.annotations.updated = 'true';
  const updated = (await h.api.put(`${RCS}/${created.metadata.name}`).send(patched).expect(200)).body;
  expect(updated.metadata.annotations).toMatchObject({ updated: 'true' });

  const events: WatchEvent[] = await watch.take(4);
  watch.close();
  expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'MODIFIED', 'MODIFIED']);
  expect(events[2]!.object.metadata.annotations).toMatchObject({ patched: 'true' });
  expect(events[3]!.object.metadata.annotations).toMatchObject({ updated: 'true' });

  await h.api.delete(`${RCS}/${created.metadata.name}`).expect(200);
  await h.api.get(`${RCS}/${created.metadata.name}`).expect(404);
  expect((await h.api.get(`${RCS}?${selector}`).expect(200)).body.items).toHaveLength(2);

  await h.api.delete(`${RCS}?${selector}`).expect(200);
  expect((await h.api.get(`${RCS}?${selector}`).expect(200)).body.items).toHaveLength(0);
});
