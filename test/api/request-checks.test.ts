// Requests refused before any work: malformed watch versions, unknown patch types; and events.k8s.io/v1
// Events being the same objects as core/v1 Events.
import { CM, configMap, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

test('a watch with a malformed resourceVersion is a 400 before streaming', async () => {
  const res = await h.api.get(`${CM}?watch=true&resourceVersion=abc`).expect(400);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'invalid resource version: abc' });
});

test('an unsupported patch type is 415 even for a missing object', async () => {
  const res = await h.api.patch(`${CM}/missing`).set('Content-Type', 'text/plain').send('x').expect(415);
  expect(res.body.reason).toBe('UnsupportedMediaType');
  await h.api.post(CM).send(configMap('here')).expect(201);
  await h.api.patch(`${CM}/missing`).set('Content-Type', 'application/merge-patch+json').send({}).expect(404);
});
