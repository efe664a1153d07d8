// The persistentvolume controller's part of the PVC binder, in process: a static PersistentVolume becomes Available,
// the smallest matching one is bound to a claim of its class (claimRef and Bound on the volume, volumeName and Bound
// with the volume's capacity on the claim), a claim naming a volume gets that one, and a volume whose claim is
// deleted is Released (Retain) or deleted (Delete), and a Bound volume deleted waits for its claim (pv-protection).
// No Docker: static volumes need no provisioner.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startPvcBinder } from '../../src/reconcilers/pvc-binder.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { waitFor } from '../runtime/support.js';

let h: Harness;
let binder: Controller;
beforeAll(async () => {
  h = await startHarness();
  binder = await startPvcBinder(makeContext(h.service, pino({ level: 'silent' })), { retryMs: 500 });
});
afterAll(async () => {
  binder?.stop();
  await h?.close();
});

const PVS = '/api/v1/persistentvolumes';
const PVCS = '/api/v1/namespaces/default/persistentvolumeclaims';
const pv = (name: string, storage: string, extra: object = {}) => ({
  metadata: { name },
  spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/tmp/${name}` }, ...extra },
});
const pvc = (name: string, extra: object = {}) => ({
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: '1Gi' } }, ...extra },
});
const phaseOf = async (path: string, want: string) =>
  waitFor(`${path} ${want}`, async () => {
    const o = (await h.api.get(path)).body;
    return o.status?.phase === want ? o : undefined;
  });

test('an unclaimed volume is Available; a claim takes the smallest one that fits, both sides Bound', async () => {
  await h.api.post(PVS).send(pv('big', '10Gi')).expect(201);
  await h.api.post(PVS).send(pv('small', '2Gi')).expect(201);
  await h.api.post(PVS).send(pv('tiny', '500Mi')).expect(201);
  await phaseOf(`${PVS}/small`, 'Available');
  await h.api.post(PVCS).send(pvc('data')).expect(201);
  const claim = await phaseOf(`${PVCS}/data`, 'Bound');
  expect(claim.spec.volumeName).toBe('small');
  expect(claim.status).toMatchObject({ capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] });
  expect(claim.metadata.annotations).toMatchObject({
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
  });
  const vol = await phaseOf(`${PVS}/small`, 'Bound');
  expect(vol.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: claim.metadata.uid });
  expect((await h.api.get(`${PVS}/big`)).body.status.phase).toBe('Available');
});

test('a claim naming a volume gets it; deleting claims releases a Retain volume and deletes a Delete one', async () => {
  await h.api
    .post(PVS)
    .send(pv('named', '1Gi', { persistentVolumeReclaimPolicy: 'Delete' }))
    .expect(201);
  await h.api
    .post(PVCS)
    .send(pvc('wants-named', { volumeName: 'named' }))
    .expect(201);
  await phaseOf(`${PVCS}/wants-named`, 'Bound');
  await phaseOf(`${PVS}/named`, 'Bound');
  await h.api.delete(`${PVCS}/wants-named`).expect(200);
  await waitFor('the Delete volume gone', async () => (await h.api.get(`${PVS}/named`)).status === 404);
  await h.api.delete(`${PVCS}/data`).expect(200);
  await phaseOf(`${PVS}/small`, 'Released');
});

test('a claim no volume fits stays Pending (of a class without provisioner)', async () => {
  await h.api
    .post(PVCS)
    .send(pvc('huge', { resources: { requests: { storage: '100Gi' } } }))
    .expect(201);
  await new Promise((r) => setTimeout(r, 700));
  const c = (await h.api.get(`${PVCS}/huge`)).body;
  expect(c.status.phase).toBe('Pending');
  expect(c.spec.volumeName).toBeUndefined();
});

test('pv-protection: a Bound volume deleted stays (Terminating) until its claim is gone, then goes', async () => {
  const created = (await h.api.post(PVS).send(pv('guarded', '1Gi')).expect(201)).body;
  expect(created.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  await h.api
    .post(PVCS)
    .send(pvc('guard', { volumeName: 'guarded' }))
    .expect(201);
  await phaseOf(`${PVS}/guarded`, 'Bound');
  await h.api.delete(`${PVS}/guarded`).expect(200);
  await new Promise((r) => setTimeout(r, 700));
  const held = (await h.api.get(`${PVS}/guarded`)).body;
  expect(held.metadata.deletionTimestamp).toBeDefined();
  expect(held.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  await h.api.delete(`${PVCS}/guard`).expect(200);
  await waitFor('the volume gone once released', async () => (await h.api.get(`${PVS}/guarded`)).status === 404);
});
