// Mirrors upstream's Ingress API conformance test (test/e2e/network/ingress.go); no ingress controller runs, so a
// deleted ingress is gone at once (the test accepts either that or finalizers).
import { openWatch, startHarness, type Harness } from '../harness.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ingress = (unique: string, host: string) => ({
  metadata: { generateName: 'e2e-example-ing', labels: { 'special-label': unique } },
  spec: {
    defaultBackend: { service: { name: 'default-backend', port: { name: '', number: 8080 } } },
    rules: [
      {
        host,
        http: {
          paths: [
            { path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'test-backend', port: { number: 8080 } } } },
          ],
        },
      },
    ],
  },
  status: { loadBalancer: {} },
});

test('[sig-network] Ingress API should support creating Ingress API operations [Conformance]', async () => {
  const ns = await testNamespace(h, 'ingress');
  const unique = ns;
  const ings = `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`;
  const selector = `labelSelector=special-label%3D${unique}`;

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'networking.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/networking.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/networking.k8s.io/v1').expect(200)).body.resources.map((r: J) => r.name)).toContain('ingresses');

  await h.api.post(ings).send(ingress(unique, 'host1.bar.com')).expect(201);
  await h.api.post(ings).send(ingress(unique, 'host2.bar.com')).expect(201);
  const created = (await h.api.post(ings).send(ingress(unique, 'host3.bar.com')).expect(201)).body;
  const name = created.metadata.name;
  expect(name).toMatch(/^e2e-example-ing[a-z0-9]{5}$/);

  expect((await h.api.get(`${ings}/${name}`).expect(200)).body.metadata.uid).toBe(created.metadata.uid);
  const list = (await h.api.get(`${ings}?${selector}`).expect(200)).body;
  expect(list.items).toHaveLength(3);
  const watch = await openWatch(h, `${ings}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);

  expect((await h.api.get(`/apis/networking.k8s.io/v1/ingresses?${selector}`).expect(200)).body.items).toHaveLength(3);
  const clusterWatch = await openWatch(
    h,
    `/apis/networking.k8s.io/v1/ingresses?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`,
  );
  expect(clusterWatch.status).toBe(200);
  clusterWatch.close();

  const patched = (
    await h.api
      .patch(`${ings}/${name}`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });

  const toUpdate = (await h.api.get(`${ings}/${name}`).expect(200)).body;
  toUpdate.metadata.annotations.updated = 'true';
  const updated = (await h.api.put(`${ings}/${name}`).send(toUpdate).expect(200)).body;
  expect(updated.metadata.annotations).toMatchObject({ updated: 'true' });

  const first = await watch.next();
  watch.close();
  expect(first.type).toBe('MODIFIED');
  expect(first.object.metadata.annotations).toMatchObject({ patched: 'true' });

  const lbStatus = { ingress: [{ ip: '169.1.1.1' }] };
  const patchedStatus = (
    await h.api
      .patch(`${ings}/${name}/status`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patchedstatus: 'true' } }, status: { loadBalancer: lbStatus } })
      .expect(200)
  ).body;
  expect(patchedStatus.status.loadBalancer).toEqual(lbStatus);
  expect(patchedStatus.metadata.annotations).toMatchObject({ patchedstatus: 'true' });

  const statusToUpdate = (await h.api.get(`${ings}/${name}`).expect(200)).body;
  statusToUpdate.status.loadBalancer = { ingress: [{ ip: '169.1.1.2' }] };
  const updatedStatus = (await h.api.put(`${ings}/${name}/status`).send(statusToUpdate).expect(200)).body;
  expect(updatedStatus.status.loadBalancer).toEqual(statusToUpdate.status.loadBalancer);

  expect((await h.api.get(`${ings}/${name}/status`).expect(200)).body.metadata.uid).toBe(created.metadata.uid);

  await h.api.delete(`${ings}/${name}`).expect(200);
  await h.api.get(`${ings}/${name}`).expect(404);
  expect((await h.api.get(`${ings}?${selector}`).expect(200)).body.items.length).toBeLessThanOrEqual(3);

  await h.api.delete(`${ings}?${selector}`).expect(200);
  expect((await h.api.get(`${ings}?${selector}`).expect(200)).body.items).toHaveLength(0);
});
