// Mirrors upstream's IngressClass API conformance test (test/e2e/network/ingressclass.go).
import { openWatch, startHarness, type Harness } from '../harness.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ICS = '/apis/networking.k8s.io/v1/ingressclasses';

test('[sig-network] IngressClass API should support creating IngressClass API operations [Conformance]', async () => {
  const unique = await testNamespace(h, 'ingressclass');
  const ingressClass = (name: string) => ({
    metadata: { name: `${unique}-${name}`, labels: { ingressclass: unique, 'special-label': 'generic' } },
    spec: { controller: 'example.com/controller' },
  });
  const mine = `labelSelector=ingressclass%3D${unique}`;

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'networking.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/networking.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/networking.k8s.io/v1').expect(200)).body.resources.map((r: J) => r.name)).toContain('ingressclasses');

  const ic1 = (await h.api.post(ICS).send(ingressClass('ingressclass1')).expect(201)).body;
  await h.api.post(ICS).send(ingressClass('ingressclass2')).expect(201);
  await h.api.post(ICS).send(ingressClass('ingressclass3')).expect(201);

  expect((await h.api.get(`${ICS}/${ic1.metadata.name}`).expect(200)).body.metadata.uid).toBe(ic1.metadata.uid);
  const list = (await h.api.get(`${ICS}?labelSelector=special-label%3Dgeneric`).expect(200)).body;
  expect(list.items).toHaveLength(3);
  const watch = await openWatch(h, `${ICS}?watch=1&${mine}&resourceVersion=${list.metadata.resourceVersion}`);

  const patched = (
    await h.api
      .patch(`${ICS}/${ic1.metadata.name}`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations.patched).toBe('true');
  patched.metadata.annotations.updated = 'true';
  const updated = (await h.api.put(`${ICS}/${ic1.metadata.name}`).send(patched).expect(200)).body;
  expect(updated.metadata.annotations.updated).toBe('true');

  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('MODIFIED');
  expect(event.object.metadata.annotations.patched).toBe('true');

  await h.api.delete(`${ICS}/${ic1.metadata.name}`).expect(200);
  await h.api.get(`${ICS}/${ic1.metadata.name}`).expect(404);
  expect((await h.api.get(`${ICS}?${mine}`).expect(200)).body.items).toHaveLength(2);

  await h.api.delete(`${ICS}?${mine}`).expect(200);
  expect((await h.api.get(`${ICS}?${mine}`).expect(200)).body.items).toHaveLength(0);
});
