// One storage, two views: events created through core/v1 or events.k8s.io/v1 are listed, watched,
// patched, selected, printed and deleted through both.
import { openWatch, startHarness, type Harness } from './harness.js';

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const coreEvent = (name: string, target = 'web') => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name },
  involvedObject: { kind: 'Pod', name: target, namespace: 'default', uid: `uid-${target}`, apiVersion: 'v1' },
  reason: 'Pulled',
  message: `image pulled for ${target}`,
  type: 'Normal',
  source: { component: 'kubelet', host: 'node1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:01:00Z',
  count: 2,
  reportingComponent: 'kubelet',
  reportingInstance: 'node1',
});

const newEvent = (name: string, target = 'web') => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  regarding: { kind: 'Pod', name: target, namespace: 'default', uid: `uid-${target}`, apiVersion: 'v1' },
  reason: 'Scheduled',
  note: `assigned ${target}`,
  type: 'Normal',
  action: 'Binding',
  eventTime: '2024-01-01T00:00:00.000001Z',
  reportingController: 'default-scheduler',
  reportingInstance: 'sched-1',
});

const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name).sort();

test('a core/v1 event is served by events.k8s.io/v1 with its fields renamed', async () => {
  const created = await h.api.post(CORE).send(coreEvent('c1')).expect(201);
  const got = await h.api.get(`${V1}/c1`).expect(200);
  expect(got.body).toMatchObject({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    regarding: { kind: 'Pod', name: 'web' },
    note: 'image pulled for web',
    deprecatedSource: { component: 'kubelet', host: 'node1' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:01:00Z',
    deprecatedCount: 2,
    reportingController: 'kubelet',
    reportingInstance: 'node1',
  });
  expect(got.body.metadata).toEqual(created.body.metadata);
  for (const f of ['involvedObject', 'message', 'source', 'count', 'firstTimestamp', 'reportingComponent'])
    expect(got.body).not.toHaveProperty(f);
});

test('an events.k8s.io/v1 event is stored as a core/v1 event', async () => {
  const created = await h.api.post(V1).send(newEvent('n1')).expect(201);
  expect(created.body).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'assigned web', reportingController: 'default-scheduler' });
  const got = await h.api.get(`${CORE}/n1`).expect(200);
  expect(got.body).toMatchObject({
    apiVersion: 'v1',
    kind: 'Event',
    involvedObject: { kind: 'Pod', name: 'web' },
    message: 'assigned web',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'sched-1',
    action: 'Binding',
    eventTime: '2024-01-01T00:00:00.000001Z',
  });
  expect(got.body).not.toHaveProperty('note');
  expect(got.body).not.toHaveProperty('regarding');
  // The same object: one resourceVersion, one uid.
  expect(got.body.metadata).toEqual(created.body.metadata);
});

test('events.k8s.io keeps its strict create validation; core stays lenient', async () => {
  const bad = await h.api
    .post(V1)
    .send({ ...newEvent('bad1'), deprecatedCount: 3, eventTime: undefined })
    .expect(422);
  expect(bad.body.message).toContain('eventTime: Required value');
  expect(bad.body.message).toContain('count: Invalid value: "": needs to be unset');
  await h.api
    .post(CORE)
    .send({ ...coreEvent('lenient'), reportingInstance: undefined, action: undefined })
    .expect(201);
});

test("both lists hold both events; field selectors use each view's names", async () => {
  await h.api.post(CORE).send(coreEvent('sel-core', 'target-a')).expect(201);
  await h.api.post(V1).send(newEvent('sel-new', 'target-a')).expect(201);
  const core = await h.api.get(`${CORE}?fieldSelector=${encodeURIComponent('involvedObject.name=target-a')}`).expect(200);
  expect(names(core.body)).toEqual(['sel-core', 'sel-new']);
  const v1 = await h.api.get(`${V1}?fieldSelector=${encodeURIComponent('regarding.name=target-a')}`).expect(200);
  expect(names(v1.body)).toEqual(['sel-core', 'sel-new']);
  expect(v1.body.items.every((i: { apiVersion: string }) => i.apiVersion === 'events.k8s.io/v1')).toBe(true);
  const bySource = await h.api
    .get(`${CORE}?fieldSelector=${encodeURIComponent('involvedObject.name=target-a,source=default-scheduler')}`)
    .expect(200);
  expect(names(bySource.body)).toEqual(['sel-new']);
  const byCtl = await h.api
    .get(`${V1}?fieldSelector=${encodeURIComponent('regarding.name=target-a,reportingController=kubelet')}`)
    .expect(200);
  expect(names(byCtl.body)).toEqual(['sel-core']);
  const wrong = await h.api.get(`${V1}?fieldSelector=${encodeURIComponent('involvedObject.name=target-a')}`).expect(400);
  expect(wrong.body.message).toContain('involvedObject.name');
});

test('a watch on either API sees writes made through the other, in its own form', async () => {
  const list = await h.api.get(V1).expect(200);
  const w = await openWatch(h, `${V1}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
  const wc = await openWatch(h, `${CORE}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
  try {
    await h.api.post(CORE).send(coreEvent('watched')).expect(201);
    const added = await w.next();
    expect(added.type).toBe('ADDED');
    expect(added.object).toMatchObject({ apiVersion: 'events.k8s.io/v1', metadata: { name: 'watched' }, note: 'image pulled for web' });
    expect(await wc.next()).toMatchObject({ type: 'ADDED', object: { apiVersion: 'v1', message: 'image pulled for web' } });
    await h.api.delete(`${V1}/watched`).expect(200);
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'watched' } } });
    expect(await wc.next()).toMatchObject({ type: 'DELETED', object: { apiVersion: 'v1', metadata: { name: 'watched' } } });
  } finally {
    w.close();
    wc.close();
  }
});

test('delete through one API and the event is gone from the other', async () => {
  await h.api.post(V1).send(newEvent('gone1')).expect(201);
  await h.api.delete(`${CORE}/gone1`).expect(200);
  await h.api.get(`${V1}/gone1`).expect(404);
  await h.api.post(CORE).send(coreEvent('gone2')).expect(201);
  await h.api.delete(`${V1}/gone2`).expect(200);
  const res = await h.api.get(`${CORE}/gone2`).expect(404);
  expect(res.body.message).toBe('events "gone2" not found');
});

test('updates through events.k8s.io keep the core-only fields and may bump the series', async () => {
  await h.api.post(V1).send(newEvent('series1')).expect(201);
  const patched = await h.api
    .patch(`${V1}/series1`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ series: { count: 2, lastObservedTime: '2024-01-01T00:02:00.000000Z' } })
    .expect(200);
  expect(patched.body.series).toEqual({ count: 2, lastObservedTime: '2024-01-01T00:02:00.000000Z' });
  const core = await h.api.get(`${CORE}/series1`).expect(200);
  expect(core.body).toMatchObject({ series: { count: 2 }, message: 'assigned web', reportingComponent: 'default-scheduler' });
  const refused = await h.api
    .patch(`${V1}/series1`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ note: 'changed' })
    .expect(422);
  expect(refused.body.message).toContain('message: Invalid value');
  expect(refused.body.message).toContain('field is immutable');
});

test('the events.k8s.io Table is printed from the events.k8s.io form', async () => {
  await h.api.post(CORE).send(coreEvent('tbl', 'tbl-pod')).expect(201);
  const res = await h.api.get(`${V1}/tbl`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
  expect(res.body.kind).toBe('Table');
  const cells = res.body.rows[0].cells;
  expect(cells.slice(1, 4)).toEqual(['Normal', 'Pulled', 'pod/tbl-pod']);
  expect(cells[5]).toBe('kubelet, node1');
  expect(cells[6]).toBe('image pulled for tbl-pod');
  expect(cells[8]).toBe(2);
});
