// PVC provisioning split as Kubernetes splits it: the PVC binder (control plane) hands claims to the provisioner and
// binds them; each node's provisioner creates the Docker volumes of the claims meant for it. Two nodes share the real
// engine here, told apart by their instance label: an Immediate claim goes to the node that takes unselected claims,
// a WaitForFirstConsumer claim to its first consumer's node (the binder selects it), and never to the other node.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startPvcBinder } from '../../src/reconcilers/pvc-binder.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { startVolumeProvisioner } from '../../src/node/volume-provisioner.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { LABEL_PVC } from '../../src/translate/volume-plan.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { ResourceDef } from '../../src/registry/types.js';
import { run, waitFor } from './support.js';

jest.setTimeout(60_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docker = new Docker();
const NS = 'default';
const ctxW = systemContext('test');
const rand = randomBytes(3).toString('hex');
/** node-a takes unselected (Immediate) claims, as the server's own node does; node-b only claims selected for it. */
const instances = { 'node-a': `test-prov-a-${rand}`, 'node-b': `test-prov-b-${rand}` };
let h: Harness;
let dataDir: string;
let pvcs: ResourceDef;
const controllers: Controller[] = [];

const volumesOf = (claim: string) =>
  docker.listVolumes({ filters: { label: [`${LABEL_PVC}=${NS}/${claim}`] } }).then((r) => r.Volumes ?? []);
const create = (plural: string, obj: J, ns?: string) =>
  h.service.create(
    h.service.registry.defs.find((d) => d.plural === plural && !d.virtualRead)!,
    ns,
    obj as KObject,
    ctxW,
  );
const claim = (name: string, storageClassName: string) =>
  create(
    'persistentvolumeclaims',
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Mi' } } },
    },
    NS,
  );
const bound = (name: string) =>
  waitFor(`claim ${name} Bound`, async () => {
    const c = (await h.service.get(pvcs, NS, name)) as J;
    return c.status?.phase === 'Bound' && c;
  });

beforeAll(async () => {
  run('bash', ['scripts/ensure-docker.sh']);
  dataDir = mkdtempSync(join(tmpdir(), 'dockube-prov-'));
  h = await startHarness();
  pvcs = h.service.registry.find('', 'v1', 'persistentvolumeclaims')!;
  await create('storageclasses', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'late' },
    provisioner: 'dockube.io/docker-volume',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  const ctx = makeContext(h.service, pino({ level: 'silent' }));
  controllers.push(await startPvcBinder(ctx, { retryMs: 1000 }));
  const engine = dockerClient();
  for (const [nodeName, instance] of Object.entries(instances)) {
    const provisionUnselected = nodeName === 'node-a';
    controllers.push(
      await startVolumeProvisioner(ctx, { docker: engine, nodeName, dataDir, instance, provisionUnselected, retryMs: 1000 }),
    );
  }
});

afterAll(async () => {
  controllers.forEach((c) => c.stop());
  for (const instance of Object.values(instances)) {
    const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABEL_INSTANCE}=${instance}`] } });
    await Promise.all(
      (Volumes ?? []).map((v) =>
        docker
          .getVolume(v.Name)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
  await h?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('an Immediate claim is provisioned by the node that takes unselected claims, then bound by the binder', async () => {
  const uid = (await claim('now', 'local')).metadata.uid!;
  const c = await bound('now');
  expect(c.spec.volumeName).toBe(`pvc-${uid}`);
  expect(c.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
  const vols = await volumesOf('now');
  expect(vols.map((v) => [v.Name, v.Labels?.[LABEL_INSTANCE]])).toEqual([[`pvc-${uid}`, instances['node-a']]]);
  // Its PersistentVolume, as an external provisioner makes it: pre-bound, the class's policy, on the node, Bound.
  const pv = (await h.service.get(h.service.registry.find('', 'v1', 'persistentvolumes')!, undefined, `pvc-${uid}`)) as J;
  expect(pv).toMatchObject({
    metadata: {
      annotations: { 'pv.kubernetes.io/provisioned-by': 'dockube.io/docker-volume' },
      finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
    },
    spec: {
      claimRef: { kind: 'PersistentVolumeClaim', namespace: NS, name: 'now', uid },
      capacity: { storage: '8Mi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local',
      csi: { driver: 'docker-volume.dockube.io', volumeHandle: `pvc-${uid}` },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] },
      },
    },
    status: { phase: 'Bound' },
  });
  expect(c.status).toMatchObject({ capacity: { storage: '8Mi' }, accessModes: ['ReadWriteOnce'] });
});

test('a WaitForFirstConsumer claim waits, then goes to its first consumer node (selected by the binder)', async () => {
  const uid = (await claim('later', 'late')).metadata.uid!;
  await waitFor('WaitForFirstConsumer event', async () =>
    ((await h.service.list(h.service.registry.find('', 'v1', 'events')!, NS)).items as J[]).find(
      (e) => e.involvedObject?.uid === uid && e.reason === 'WaitForFirstConsumer',
    ),
  );
  expect(await volumesOf('later')).toEqual([]);
  await create(
    'pods',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'consumer' },
      spec: {
        nodeName: 'node-b',
        containers: [{ name: 'c', image: 'img' }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'later' } }],
      },
    },
    NS,
  );
  const c = await bound('later');
  expect(c.metadata.annotations).toMatchObject({ 'volume.kubernetes.io/selected-node': 'node-b' });
  const vols = await volumesOf('later');
  expect(vols.map((v) => [v.Name, v.Labels?.[LABEL_INSTANCE]])).toEqual([[`pvc-${uid}`, instances['node-b']]]);
});

test('reclaim Retain: the claim deleted, its PV is Released and the Docker volume stays; Delete: both go', async () => {
  await create('storageclasses', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'keep' },
    provisioner: 'dockube.io/docker-volume',
    reclaimPolicy: 'Retain',
  });
  const pvs = h.service.registry.find('', 'v1', 'persistentvolumes')!;
  const kept = (await claim('kept', 'keep')).metadata.uid!;
  const gone = (await claim('gone', 'local')).metadata.uid!;
  await bound('kept');
  await bound('gone');
  await h.service.delete(pvcs, NS, 'kept', {}, ctxW);
  await h.service.delete(pvcs, NS, 'gone', {}, ctxW);
  await waitFor('Retain PV Released', async () => ((await h.service.get(pvs, undefined, `pvc-${kept}`)) as J).status?.phase === 'Released');
  await waitFor('Delete PV gone', async () => (await h.service.get(pvs, undefined, `pvc-${gone}`).catch(() => undefined)) === undefined);
  await waitFor('its Docker volume gone', async () => (await volumesOf('gone')).length === 0);
  expect((await volumesOf('kept')).map((v) => v.Name)).toEqual([`pvc-${kept}`]);
});

test('a claim bound to its Docker volume before PVs were made gets its PV from the node holding the volume', async () => {
  // A claim of a class that does not exist (nothing provisions it), then bound the way dockube bound claims before.
  const old = await claim('older', 'gone-class');
  const uid = old.metadata.uid!;
  await docker.createVolume({
    Name: `pvc-${uid}`,
    Labels: {
      [LABEL_PVC]: `${NS}/older`,
      'dockube.io/pvc-uid': uid,
      'dockube.io/reclaim-policy': 'Retain',
      [LABEL_INSTANCE]: instances['node-a'],
    },
  });
  await h.service.update(pvcs, NS, 'older', (cur) => ({ ...cur, spec: { ...(cur.spec as J), volumeName: `pvc-${uid}` } }), ctxW);
  const pvs = h.service.registry.find('', 'v1', 'persistentvolumes')!;
  const pv = await waitFor('the adopted PV Bound', async () => {
    const v = (await h.service.get(pvs, undefined, `pvc-${uid}`).catch(() => undefined)) as J | undefined;
    return v?.status?.phase === 'Bound' && v;
  });
  expect(pv.spec).toMatchObject({
    claimRef: { namespace: NS, name: 'older', uid },
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: 'gone-class',
    csi: { volumeHandle: `pvc-${uid}` },
  });
  expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['node-a']);
});
