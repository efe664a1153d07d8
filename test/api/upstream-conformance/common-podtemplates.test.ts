// Mirrors upstream's PodTemplates conformance tests (test/e2e/common/node/podtemplates.go).
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const templates = (ns: string) => `/api/v1/namespaces/${ns}/podtemplates`;
const template = (name: string, labels: Record<string, string> = {}, container = { name: 'nginx', image: 'nginx' }) => ({
  metadata: { name, labels },
  template: { spec: { containers: [container] } },
});

test('[sig-node] PodTemplates should run the lifecycle of PodTemplates [Conformance]', async () => {
  const ns = await testNamespace(h, 'podtemplate');
  const name = 'nginx-pod-template';
  const all = '/api/v1/podtemplates?labelSelector=podtemplate-static%3Dtrue';
  expect((await h.api.get(all).expect(200)).body.items).toHaveLength(0);

  await h.api
    .post(templates(ns))
    .send(template(name, { 'podtemplate-static': 'true' }))
    .expect(201);
  expect((await h.api.get(`${templates(ns)}/${name}`).expect(200)).body.metadata.name).toBe(name);

  await h.api
    .patch(`${templates(ns)}/${name}`)
    .set('Content-Type', STRATEGIC)
    .send({ metadata: { labels: { podtemplate: 'patched' } } })
    .expect(200);
  expect((await h.api.get(`${templates(ns)}/${name}`).expect(200)).body.metadata.labels.podtemplate).toBe('patched');

  await h.api.delete(`${templates(ns)}/${name}`).expect(200);
  expect((await h.api.get(all).expect(200)).body.items).toHaveLength(0);
});

test('[sig-node] PodTemplates should delete a collection of pod templates [Conformance]', async () => {
  const ns = await testNamespace(h, 'podtemplate');
  const agnhost = { name: 'token-test', image: 'registry.k8s.io/e2e-test-images/agnhost:2.43' };
  for (const name of ['test-podtemplate-1', 'test-podtemplate-2', 'test-podtemplate-3']) {
    await h.api
      .post(templates(ns))
      .send(template(name, { 'podtemplate-set': 'true' }, agnhost))
      .expect(201);
  }
  const selected = `${templates(ns)}?labelSelector=podtemplate-set%3Dtrue`;
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(3);
  await h.api.delete(selected).expect(200);
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(0);
});

test('[sig-node] PodTemplates should replace a pod template [Conformance]', async () => {
  const ns = await testNamespace(h, 'podtemplate');
  const name = 'podtemplate-x1y2z';
  await h.api
    .post(templates(ns))
    .send(template(name, {}, { name: 'e2e-test', image: 'registry.k8s.io/e2e-test-images/agnhost:2.43' }))
    .expect(201);
  const current = (await h.api.get(`${templates(ns)}/${name}`).expect(200)).body;
  current.metadata.annotations = { updated: 'true' };
  const updated = (
    await h.api
      .put(`${templates(ns)}/${name}`)
      .send(current)
      .expect(200)
  ).body;
  expect(updated.metadata.annotations).toMatchObject({ updated: 'true' });
});
