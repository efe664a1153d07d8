// Mirrors upstream's CSIStorageCapacity API conformance test (test/e2e/storage/csistoragecapacity.go).
import { openWatch, startHarness, type Harness, type WatchStream } from '../harness.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Upstream's expectWatchResult: an ADDED (csc3) and MODIFIED events with the patched and updated annotations. */
async function expectWatchResult(w: WatchStream) {
  const events = await w.take(3);
  w.close();
  expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
  expect(events[1]!.object.metadata.annotations).toMatchObject({ patched: 'true' });
  expect(events[2]!.object.metadata.annotations).toMatchObject({ updated: 'true' });
}

test('[sig-storage] CSIStorageCapacity should support CSIStorageCapacities API operations [Conformance]', async () => {
  const ns = await testNamespace(h, 'csistoragecapacity');
  const unique = ns;
  const cscs = `/apis/storage.k8s.io/v1/namespaces/${ns}/csistoragecapacities`;
  const allCscs = '/apis/storage.k8s.io/v1/csistoragecapacities';
  const selector = `labelSelector=test%3D${unique}`;
  const csc = (suffix: string) => ({
    metadata: { name: `${unique}${suffix}`, labels: { test: unique } },
    storageClassName: 'e2e.example.com',
  });

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'storage.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/storage.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/storage.k8s.io/v1').expect(200)).body.resources.map((r: J) => r.name)).toContain('csistoragecapacities');

  const created = (await h.api.post(cscs).send(csc('-csc1')).expect(201)).body;
  expect((await h.api.post(cscs).send(csc('-csc1')).expect(409)).body.reason).toBe('AlreadyExists');
  const second = (await h.api.post(cscs).send(csc('-csc2')).expect(201)).body;

  const rv = second.metadata.resourceVersion;
  const watch = await openWatch(h, `${cscs}?watch=1&${selector}&resourceVersion=${rv}`);
  const watchAll = await openWatch(h, `${allCscs}?watch=1&${selector}&resourceVersion=${rv}`);
  await h.api.post(cscs).send(csc('-csc3')).expect(201);

  const gotten = (await h.api.get(`${cscs}/${created.metadata.name}`).expect(200)).body;
  expect(gotten.metadata.uid).toBe(created.metadata.uid);
  expect(gotten.metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);
  expect((await h.api.get(`${cscs}?${selector}`).expect(200)).body.items).toHaveLength(3);
  expect((await h.api.get(`${allCscs}?${selector}`).expect(200)).body.items).toHaveLength(3);

  const patched = (
    await h.api
      .patch(`${cscs}/${created.metadata.name}`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });
  expect(BigInt(patched.metadata.resourceVersion)).toBeGreaterThan(BigInt(created.metadata.resourceVersion));
  patched.metadata.annotations.updated = 'true';
  expect((await h.api.put(`${cscs}/${created.metadata.name}`).send(patched).expect(200)).body.metadata.annotations).toMatchObject({
    updated: 'true',
  });

  await expectWatchResult(watch);
  await expectWatchResult(watchAll);

  await h.api.delete(`${cscs}/${created.metadata.name}`).expect(200);
  await h.api.get(`${cscs}/${created.metadata.name}`).expect(404);
  expect((await h.api.get(`${cscs}?${selector}`).expect(200)).body.items).toHaveLength(2);

  await h.api.delete(`${cscs}?${selector}`).expect(200);
  expect((await h.api.get(`${cscs}?${selector}`).expect(200)).body.items).toHaveLength(0);
});
