// Mirrors upstream's core/v1 Event conformance tests (test/e2e/instrumentation/core_events.go).
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const events = (ns: string) => `/api/v1/namespaces/${ns}/events`;
const event = (ns: string, name: string, labels: Record<string, string>, message: string) => ({
  metadata: { name, labels },
  message,
  reason: 'Test',
  type: 'Normal',
  count: 1,
  involvedObject: { namespace: ns },
});
const foundInAll = async (ns: string, name: string) =>
  (await h.api.get('/api/v1/events?labelSelector=testevent-constant%3Dtrue').expect(200)).body.items.some(
    (e: J) => e.metadata.name === name && e.metadata.namespace === ns,
  );

test('[sig-instrumentation] Events should manage the lifecycle of an event [Conformance]', async () => {
  const ns = await testNamespace(h, 'events');
  const name = 'event-test';
  await h.api
    .post(events(ns))
    .send(event(ns, name, { 'testevent-constant': 'true' }, 'This is a test event'))
    .expect(201);
  expect(await foundInAll(ns, name)).toBe(true);

  const message = 'This is a test event - patched';
  await h.api
    .patch(`${events(ns)}/${name}`)
    .set('Content-Type', STRATEGIC)
    .send({ message })
    .expect(200);
  const fetched = (await h.api.get(`${events(ns)}/${name}`).expect(200)).body;
  expect(fetched.message).toBe(message);

  // Updated with a series, resourceVersion and managedFields cleared (an unconditional update).
  const testEvent = (await h.api.get(`${events(ns)}/${name}`).expect(200)).body;
  testEvent.series = { count: 100, lastObservedTime: '2017-09-19T13:49:16.000000Z' };
  delete testEvent.metadata.resourceVersion;
  delete testEvent.metadata.managedFields;
  await h.api
    .put(`${events(ns)}/${name}`)
    .send(testEvent)
    .expect(200);
  const updated = (await h.api.get(`${events(ns)}/${name}`).expect(200)).body;
  delete updated.metadata.resourceVersion;
  delete updated.metadata.managedFields;
  expect(updated).toEqual(testEvent);

  await h.api.delete(`${events(ns)}/${name}`).expect(200);
  expect(await foundInAll(ns, name)).toBe(false);
});

test('[sig-instrumentation] Events should delete a collection of events [Conformance]', async () => {
  const ns = await testNamespace(h, 'events');
  for (const name of ['test-event-1', 'test-event-2', 'test-event-3']) {
    await h.api
      .post(events(ns))
      .send(event(ns, name, { 'testevent-set': 'true' }, `This is ${name}`))
      .expect(201);
  }
  const selected = `${events(ns)}?labelSelector=testevent-set%3Dtrue`;
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(3);
  await h.api.delete(selected).expect(200);
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(0);
});
