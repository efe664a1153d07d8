// storage.k8s.io/v1 StorageClasses (the bootstrapped default `local`, CRUD, validation, table) and the admission of
// PersistentVolumeClaims (DefaultStorageClass defaulting, the pvc-protection finalizer).
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const SC = '/apis/storage.k8s.io/v1/storageclasses';
const PVC = '/api/v1/namespaces/default/persistentvolumeclaims';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const claim = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
});

describe('StorageClass', () => {
  test('discovery serves storage.k8s.io/v1 storageclasses, cluster-scoped, shortName sc', async () => {
    const res = await h.api.get('/apis/storage.k8s.io/v1').expect(200);
    const sc = res.body.resources.find((r: { name: string }) => r.name === 'storageclasses');
    expect(sc).toMatchObject({ kind: 'StorageClass', namespaced: false, shortNames: ['sc'], singularName: 'storageclass' });
  });

  test('the cluster starts with the default class `local` provisioning Docker volumes', async () => {
    const res = await h.api.get(`${SC}/local`).expect(200);
    expect(res.body).toMatchObject({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'dockube.io/docker-volume',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    expect(res.body.metadata.namespace).toBeUndefined();
  });

  test('create defaults reclaimPolicy and volumeBindingMode; the table marks the default class', async () => {
    const created = await h.api
      .post(SC)
      .send({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'fast' },
        provisioner: 'example.com/fast',
        allowVolumeExpansion: true,
      })
      .expect(201);
    expect(created.body).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true });
    const t = (await h.api.get(SC).set('Accept', TABLE).expect(200)).body;
    expect(t.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Provisioner',
      'ReclaimPolicy',
      'VolumeBindingMode',
      'AllowVolumeExpansion',
      'Age',
    ]);
    const rows = Object.fromEntries(t.rows.map((r: { cells: string[] }) => [r.cells[0], r.cells.slice(1, 5)]));
    expect(rows['local (default)']).toEqual(['dockube.io/docker-volume', 'Delete', 'Immediate', 'false']);
    expect(rows.fast).toEqual(['example.com/fast', 'Delete', 'Immediate', 'true']);
  });

  test('validation: provisioner required, enums checked, immutable fields', async () => {
    const bad = await h.api
      .post(SC)
      .send({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'bad' },
        reclaimPolicy: 'Recycle',
        volumeBindingMode: 'Later',
      })
      .expect(422);
    const causes = bad.body.details.causes.map((c: { field: string; reason: string }) => `${c.field}:${c.reason}`);
    expect(causes).toEqual(
      expect.arrayContaining([
        'provisioner:FieldValueRequired',
        'reclaimPolicy:FieldValueNotSupported',
        'volumeBindingMode:FieldValueNotSupported',
      ]),
    );
    const upd = await h.api
      .patch(`${SC}/fast`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ provisioner: 'example.com/other', reclaimPolicy: 'Retain' })
      .expect(422);
    expect(upd.body.message).toContain('provisioner: Forbidden: updates to provisioner are forbidden.');
    expect(upd.body.message).toContain('reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.');
    // Annotations and allowVolumeExpansion may change.
    await h.api
      .patch(`${SC}/fast`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ allowVolumeExpansion: false, metadata: { labels: { tier: 'x' } } })
      .expect(200);
    await h.api.delete(`${SC}/fast`).expect(200);
    await h.api.get(`${SC}/fast`).expect(404);
  });
});

describe('PersistentVolumeClaim admission', () => {
  test('a claim without a class gets the default class and the pvc-protection finalizer; it starts Pending', async () => {
    const res = await h.api.post(PVC).send(claim('data')).expect(201);
    expect(res.body.spec.storageClassName).toBe('local');
    expect(res.body.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(res.body.status).toEqual({ phase: 'Pending' });
    const t = (await h.api.get(`${PVC}/data`).set('Accept', TABLE).expect(200)).body;
    expect(t.rows[0].cells.slice(0, 6)).toEqual(['data', 'Pending', '', '', '', 'local']);
  });

  test('an empty class stays empty, an explicit class is kept, and updates never default', async () => {
    const none = await h.api
      .post(PVC)
      .send(claim('noclass', { storageClassName: '' }))
      .expect(201);
    expect(none.body.spec.storageClassName).toBe('');
    const other = await h.api
      .post(PVC)
      .send(claim('other', { storageClassName: 'nope' }))
      .expect(201);
    expect(other.body.spec.storageClassName).toBe('nope');
    // dry-run create shows the same defaulting without storing anything
    const dry = await h.api.post(`${PVC}?dryRun=All`).send(claim('dry')).expect(201);
    expect(dry.body.spec.storageClassName).toBe('local');
    await h.api.get(`${PVC}/dry`).expect(404);
  });

  test('with the default annotation removed, new claims get no class; the newest default wins', async () => {
    await h.api
      .patch(`${SC}/local`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': null } } })
      .expect(200);
    const res = await h.api.post(PVC).send(claim('unclassed')).expect(201);
    expect(res.body.spec.storageClassName).toBeUndefined();
    await h.api
      .post(SC)
      .send({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'second', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'example.com/x',
      })
      .expect(201);
    expect((await h.api.post(PVC).send(claim('second-claim')).expect(201)).body.spec.storageClassName).toBe('second');
    await h.api.delete(`${SC}/second`).expect(200);
    await h.api
      .patch(`${SC}/local`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } })
      .expect(200);
  });

  test('deleting a claim with the finalizer only marks it Terminating', async () => {
    await h.api.delete(`${PVC}/noclass`).expect(200);
    const res = await h.api.get(`${PVC}/noclass`).expect(200);
    expect(res.body.metadata.deletionTimestamp).toBeDefined();
    const t = (await h.api.get(`${PVC}/noclass`).set('Accept', TABLE).expect(200)).body;
    expect(t.rows[0].cells[1]).toBe('Terminating');
    await h.api
      .patch(`${PVC}/noclass`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { finalizers: null } })
      .expect(200);
    await h.api.get(`${PVC}/noclass`).expect(404);
  });
});
