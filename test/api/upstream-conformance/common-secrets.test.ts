// Mirrors upstream's API-only Secret conformance tests (test/e2e/common/node/secrets.go and the immutability test of
// test/e2e/common/storage/secrets_volume.go): same steps, same checks, in-process server.
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, b64, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const secrets = (ns: string) => `/api/v1/namespaces/${ns}/secrets`;

test('[sig-node] Secrets should fail to create secret due to empty secret key [Conformance]', async () => {
  const ns = await testNamespace(h, 'secrets');
  const res = await h.api
    .post(secrets(ns))
    .send({ metadata: { name: 'secret-emptykey-test' }, data: { '': b64('value-1\n') } })
    .expect(422);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
});

test('[sig-node] Secrets should patch a secret [Conformance]', async () => {
  const ns = await testNamespace(h, 'secrets');
  const name = 'test-secret-patch';
  await h.api
    .post(secrets(ns))
    .send({ metadata: { name, labels: { 'testsecret-constant': 'true' } }, data: { key: b64('value') }, type: 'Opaque' })
    .expect(201);

  let all = (await h.api.get('/api/v1/secrets?labelSelector=testsecret-constant%3Dtrue').expect(200)).body;
  expect(all.items.length).toBeGreaterThan(0);
  expect(all.items.some((s: J) => s.metadata.name === name && s.metadata.namespace === ns)).toBe(true);

  // Upstream marshals the base64 text of "value1" as []byte, so the stored bytes are that base64 text.
  await h.api
    .patch(`${secrets(ns)}/${name}`)
    .set('Content-Type', STRATEGIC)
    .send({ metadata: { labels: { testsecret: 'true' } }, data: { key: b64(b64('value1')) } })
    .expect(200);
  const secret = (await h.api.get(`${secrets(ns)}/${name}`).expect(200)).body;
  const stored = Buffer.from(secret.data.key, 'base64').toString('utf8');
  expect(Buffer.from(stored, 'base64').toString('utf8')).toBe('value1');

  await h.api.delete(`${secrets(ns)}?labelSelector=testsecret%3Dtrue`).expect(200);
  all = (await h.api.get('/api/v1/secrets?labelSelector=testsecret-constant%3Dtrue').expect(200)).body;
  expect(all.items.some((s: J) => s.metadata.name === name && s.metadata.namespace === ns)).toBe(false);
});

test('[sig-storage] Secrets should be immutable if `immutable` field is set [Conformance]', async () => {
  const ns = await testNamespace(h, 'secrets');
  const path = `${secrets(ns)}/immutable`;
  let current = (
    await h.api
      .post(secrets(ns))
      .send({
        metadata: { name: 'immutable' },
        data: { 'data-1': b64('value-1\n'), 'data-2': b64('value-2\n'), 'data-3': b64('value-3\n') },
      })
      .expect(201)
  ).body;

  current.data['data-4'] = b64('value-4\n');
  current = (await h.api.put(path).send(current).expect(200)).body;

  current.immutable = true;
  current = (await h.api.put(path).send(current).expect(200)).body;

  current.data['data-5'] = b64('value-5\n');
  expect((await h.api.put(path).send(current).expect(422)).body.reason).toBe('Invalid');

  current = (await h.api.get(path).expect(200)).body;
  expect(current.immutable).toBe(true);
  current.immutable = false;
  expect((await h.api.put(path).send(current).expect(422)).body.reason).toBe('Invalid');

  current = (await h.api.get(path).expect(200)).body;
  current.metadata.labels = { label1: 'value1' };
  await h.api.put(path).send(current).expect(200);

  await h.api.delete(path).expect(200);
});
