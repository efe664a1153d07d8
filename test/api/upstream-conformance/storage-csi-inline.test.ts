// Mirrors upstream's CSIInlineVolumes conformance tests (test/e2e/storage/csi_inline.go, the v1.26 pair): CSIDriver
// objects with the Ephemeral lifecycle mode, and a pod object with CSI inline volumes (created, never run).
import { startHarness, type Harness } from '../harness.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DRIVERS = '/apis/storage.k8s.io/v1/csidrivers';

test('[sig-storage] CSIInlineVolumes should support ephemeral VolumeLifecycleMode in CSIDriver API [Conformance]', async () => {
  const unique = await testNamespace(h, 'csiinlinevolumes');
  const driver = (n: number, modes: string[]) => ({
    metadata: { name: `inline-driver-${unique}-${n}`, labels: { test: unique } },
    spec: { volumeLifecycleModes: modes, fsGroupPolicy: 'ReadWriteOnceWithFSType' },
  });
  const created1 = (
    await h.api
      .post(DRIVERS)
      .send(driver(1, ['Ephemeral']))
      .expect(201)
  ).body;
  const created2 = (
    await h.api
      .post(DRIVERS)
      .send(driver(2, ['Persistent', 'Ephemeral']))
      .expect(201)
  ).body;
  expect(
    (
      await h.api
        .post(DRIVERS)
        .send(driver(1, ['Ephemeral']))
        .expect(409)
    ).body.reason,
  ).toBe('AlreadyExists');

  expect((await h.api.get(`${DRIVERS}/${created1.metadata.name}`).expect(200)).body.metadata.uid).toBe(created1.metadata.uid);
  expect((await h.api.get(`${DRIVERS}/${created2.metadata.name}`).expect(200)).body.metadata.uid).toBe(created2.metadata.uid);

  const list = (await h.api.get(`${DRIVERS}?labelSelector=test%3D${unique}`).expect(200)).body.items;
  expect(list).toHaveLength(2);
  for (const d of list) {
    await h.api.delete(`${DRIVERS}/${d.metadata.name}`).expect(200);
    const after = await h.api.get(`${DRIVERS}/${d.metadata.name}`);
    expect(after.status === 404 || (after.status === 200 && !!after.body.metadata.deletionTimestamp)).toBe(true);
  }
});

test('[sig-storage] CSIInlineVolumes should support CSIVolumeSource in Pod API [Conformance]', async () => {
  const ns = await testNamespace(h, 'csiinlinevolumes');
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const podName = 'pod-csi-inline-volumes';
  const pod = {
    metadata: { name: podName },
    spec: {
      volumes: [
        { name: 'csi-inline-vol1', csi: { driver: 'e2e.example.com' } },
        { name: 'csi-inline-vol2', csi: { driver: 'e2e.example.com', fsType: 'ext4', readOnly: true } },
      ],
      containers: [
        {
          name: podName,
          image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
          command: ['sh', '-c', 'ls /mnt/*'],
          volumeMounts: [
            { name: 'csi-inline-vol1', mountPath: '/mnt/vol1' },
            { name: 'csi-inline-vol2', mountPath: '/mnt/vol2' },
          ],
        },
      ],
    },
  };
  const created = (await h.api.post(pods).send(pod).expect(201)).body;
  expect((await h.api.post(pods).send(pod).expect(409)).body.reason).toBe('AlreadyExists');

  const retrieved: J = (await h.api.get(`${pods}/${podName}`).expect(200)).body;
  expect(retrieved.metadata.uid).toBe(created.metadata.uid);
  expect(retrieved.spec.volumes[1].csi).toEqual({ driver: 'e2e.example.com', fsType: 'ext4', readOnly: true });
  expect((await h.api.get(pods).expect(200)).body.items).toHaveLength(1);

  const patched = (
    await h.api
      .patch(`${pods}/${podName}`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations.patched).toBe('true');

  await h.api.delete(`${pods}/${podName}`).expect(200);
  const after = await h.api.get(`${pods}/${podName}`);
  expect(after.status === 404 || (after.status === 200 && !!after.body.metadata.deletionTimestamp)).toBe(true);
});
