// Requests refused before any work: malformed watch versions, unknown patch types; and events.k8s.io/v1
// Events being the same objects as core/v1 Events.
import { CM, configMap, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
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

describe('resourceVersion semantics on reads', () => {
  test('resourceVersionMatch needs a resourceVersion (422 on ListOptions)', async () => {
    const res = await h.api.get(`${CM}?resourceVersionMatch=NotOlderThan`).expect(422);
    expect(res.body.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  });

  test('NotOlderThan the current revision is served; a future revision is 504 Too large', async () => {
    const list = (await h.api.get(CM).expect(200)).body;
    const rv = Number(list.metadata.resourceVersion);
    await h.api.get(`${CM}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`).expect(200);
    const res = await h.api.get(`${CM}?resourceVersion=${rv + 1000}&resourceVersionMatch=NotOlderThan`).expect(504);
    expect(res.body).toMatchObject({ reason: 'Timeout', message: `Too large resource version: ${rv + 1000}, current: ${rv}` });
    await h.api.get(`${CM}/here?resourceVersion=${rv + 1000}`).expect(504);
  });

  test('Exact at an older revision is 410 Expired (the store keeps no history)', async () => {
    const before = Number((await h.api.get(CM)).body.metadata.resourceVersion);
    await h.api.post(CM).send(configMap('newer')).expect(201);
    const res = await h.api.get(`${CM}?resourceVersion=${before}&resourceVersionMatch=Exact`).expect(410);
    expect(res.body.reason).toBe('Expired');
  });

  test('a continue token older than the watch window has expired: 410 with a token to go on', async () => {
    for (let i = 0; i < 3; i++)
      await h.api
        .post(CM)
        .send(configMap(`page-${i}`))
        .expect(201);
    const page = (await h.api.get(`${CM}?limit=1`).expect(200)).body;
    // A write after the token, then a restart: the window now starts after the token's revision.
    await h.api.post(CM).send(configMap('page-later')).expect(201);
    const file = h.file;
    await h.close({ keepFile: true });
    h = await startHarness({ file });
    const res = await h.api.get(`${CM}?limit=1&continue=${encodeURIComponent(page.metadata.continue)}`).expect(410);
    expect(res.body.reason).toBe('Expired');
    expect(res.body.message).toMatch(/^The provided continue parameter is too old/);
    const next = await h.api.get(`${CM}?limit=1&continue=${encodeURIComponent(res.body.metadata.continue)}`).expect(200);
    expect(next.body.items).toHaveLength(1);
  });
});

test('PartialObjectMetadata for a list, or a List for one object, is 406', async () => {
  await h.api.get(CM).set('Accept', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io').expect(406);
  await h.api.get(`${CM}/here`).set('Accept', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io').expect(406);
  const one = await h.api.get(`${CM}/here`).set('Accept', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io').expect(200);
  expect(one.body).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'here' } });
  expect(one.body.data).toBeUndefined();
});
