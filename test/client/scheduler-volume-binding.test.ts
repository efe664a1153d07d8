// The scheduler's VolumeBinding with the PV controller, in process as system:kube-scheduler and
// kube-system/persistent-volume-binder: WaitForFirstConsumer claims wait for a pod and are bound on the node it is
// scheduled to (a local PV whose nodeAffinity allows that node, the smallest that fits; or provisioning there, the
// claim's selected-node), bound claims keep their pods on their volume's node, and an unbound Immediate claim keeps
// its pod Pending.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../src/reconcilers/scheduler/scheduler.js';
import { startPvcBinder } from '../../src/reconcilers/pvc-binder.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { GVR } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const PVS = { group: '', version: 'v1', resource: 'persistentvolumes' };
const CLASSES = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };

let h: Harness;
let api: HttpClient;
let sched: RunningScheduler;
let binder: Controller;

const node = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
  },
});
const localPV = (name: string, nodeName: string, storage: string): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: {
    capacity: { storage },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'local-storage',
    local: { path: `/mnt/${name}` },
    nodeAffinity: {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] },
    },
  },
});
const claim = (name: string, storageClassName: string, storage: string): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
});
const pod = (name: string, claimName: string, onNode?: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'c', image: 'busybox' }],
    volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }],
    ...(onNode ? { nodeSelector: { 'kubernetes.io/hostname': onNode } } : {}),
  },
});
const get = async (gvr: typeof PVS, ns: string | undefined, name: string) => (await api.get(gvr, ns, name)) as J;
const scheduledTo = (name: string) => until(async () => (await get(GVR.pods, 'default', name)).spec.nodeName as string | undefined);
const unschedulable = (name: string) =>
  until(async () =>
    ((await get(GVR.pods, 'default', name)).status?.conditions ?? []).find(
      (c: J) => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
    ),
  );

beforeAll(async () => {
  h = await startHarness();
  api = httpClient(h, 'admin');
  for (const n of ['n-a', 'n-b']) await api.create(GVR.nodes, undefined, node(n));
  for (const [name, provisioner] of [
    ['local-storage', 'kubernetes.io/no-provisioner'],
    ['late', 'dockube.io/docker-volume'],
  ])
    await api.create(CLASSES, undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name },
      provisioner,
      volumeBindingMode: 'WaitForFirstConsumer',
    } as KObject);
  await api.create(PVS, undefined, localPV('pv-a', 'n-a', '1Gi'));
  await api.create(PVS, undefined, localPV('pv-b', 'n-b', '2Gi'));
  const ctx = makeContext(h.service, log);
  binder = await startPvcBinder(ctx, { retryMs: 1000 });
  sched = await startScheduler(ctx, { initialBackoffMs: 200, maxBackoffMs: 1000 });
});
afterAll(async () => {
  sched?.stop();
  binder?.stop();
  api?.close();
  await h?.close();
});

test('a WaitForFirstConsumer claim waits for its pod, then binds the local PV on the node the pod is scheduled to', async () => {
  await api.create(GVR.persistentvolumeclaims, 'default', claim('big', 'local-storage', '2Gi'));
  await until(async () =>
    ((await api.list(GVR.events, 'default')).items as J[]).find(
      (e) => e.involvedObject?.name === 'big' && e.reason === 'WaitForFirstConsumer',
    ),
  );
  expect((await get(PVS, undefined, 'pv-b')).spec.claimRef).toBeUndefined();
  await api.create(GVR.pods, 'default', pod('uses-big', 'big'));
  // Only pv-b holds 2Gi, and it lives on n-b.
  expect(await scheduledTo('uses-big')).toBe('n-b');
  const bound = await until(async () => {
    const c = await get(GVR.persistentvolumeclaims, 'default', 'big');
    return c.status?.phase === 'Bound' && c;
  });
  expect(bound.spec.volumeName).toBe('pv-b');
  expect(await get(PVS, undefined, 'pv-b')).toMatchObject({
    metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { claimRef: { namespace: 'default', name: 'big', uid: bound.metadata.uid } },
    status: { phase: 'Bound' },
  });
  // A second pod of the bound claim cannot go where its volume is not.
  await api.create(GVR.pods, 'default', pod('elsewhere', 'big', 'n-a'));
  const cond = await unschedulable('elsewhere');
  expect(cond.message).toContain("1 node(s) didn't match Pod's node affinity/selector");
  expect(cond.message).toContain('1 node(s) had volume node affinity conflict');
});

test('no local PV on the only allowed node: the pod waits and its claim stays unbound', async () => {
  await api.create(GVR.persistentvolumeclaims, 'default', claim('small', 'local-storage', '1Gi'));
  // pv-a (n-a) is the only free volume; the pod may only run on n-b.
  await api.create(GVR.pods, 'default', pod('uses-small', 'small', 'n-b'));
  const cond = await unschedulable('uses-small');
  expect(cond.message).toMatch(/^0\/2 nodes are available: /);
  expect(cond.message).toContain("1 node(s) didn't find available persistent volumes to bind");
  expect((await get(PVS, undefined, 'pv-a')).spec.claimRef).toBeUndefined();
  expect((await get(GVR.persistentvolumeclaims, 'default', 'small')).status.phase).toBe('Pending');
  // The PV controller says which pod the claim waits for.
  const ev = await until(async () =>
    ((await api.list(GVR.events, 'default')).items as J[]).find(
      (e) => e.involvedObject?.name === 'small' && e.reason === 'WaitForPodScheduled',
    ),
  );
  expect(ev.message).toBe('waiting for pod uses-small to be scheduled');
});

test('a claim of a provisioning WaitForFirstConsumer class is given the node its pod is scheduled to', async () => {
  await api.create(GVR.persistentvolumeclaims, 'default', claim('dyn', 'late', '8Mi'));
  await api.create(GVR.pods, 'default', pod('uses-dyn', 'dyn', 'n-a'));
  expect(await scheduledTo('uses-dyn')).toBe('n-a');
  const c = await get(GVR.persistentvolumeclaims, 'default', 'dyn');
  expect(c.metadata.annotations['volume.kubernetes.io/selected-node']).toBe('n-a');
});

test("a provisioning class's allowedTopologies limit the nodes its claims' pods may go to", async () => {
  await api.create(CLASSES, undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'zoned' },
    provisioner: 'dockube.io/docker-volume',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowedTopologies: [{ matchLabelExpressions: [{ key: 'kubernetes.io/hostname', values: ['n-b'] }] }],
  } as KObject);
  await api.create(GVR.persistentvolumeclaims, 'default', claim('zoned', 'zoned', '8Mi'));
  await api.create(GVR.pods, 'default', pod('uses-zoned', 'zoned'));
  expect(await scheduledTo('uses-zoned')).toBe('n-b');
  await api.create(GVR.persistentvolumeclaims, 'default', claim('zoned-a', 'zoned', '8Mi'));
  await api.create(GVR.pods, 'default', pod('zoned-on-a', 'zoned-a', 'n-a'));
  expect((await unschedulable('zoned-on-a')).message).toContain("1 node(s) didn't find available persistent volumes to bind");
});

test('an unbound Immediate claim keeps its pod Pending until the claim is bound', async () => {
  await api.create(GVR.persistentvolumeclaims, 'default', claim('now', 'manual', '1Gi'));
  await api.create(GVR.pods, 'default', pod('uses-now', 'now'));
  const cond = await unschedulable('uses-now');
  expect(cond.message).toContain('pod has unbound immediate PersistentVolumeClaims');
  // A static volume of its class appears: the PV controller binds it, and the pod is scheduled.
  await api.create(PVS, undefined, {
    ...localPV('pv-now', 'n-a', '1Gi'),
    spec: { ...(localPV('pv-now', 'n-a', '1Gi').spec as J), storageClassName: 'manual' },
  });
  expect(await scheduledTo('uses-now')).toBe('n-a');
});
