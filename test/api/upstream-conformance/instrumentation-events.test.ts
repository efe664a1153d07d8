// Mirrors upstream's events.k8s.io/v1 conformance tests (test/e2e/instrumentation/events.go). Not mirrored: "should
// ensure that an event can be fetched, patched, deleted, and listed" patches `note` through events.k8s.io/v1, which
// upstream's ValidateEventUpdate (and its unit test "forbidden updates to message") refuses; dockube refuses it too.
import { startHarness, type Harness } from '../harness.js';
import { testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const events = (ns: string) => `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
const someTime = '2017-09-19T13:49:16.000000Z'; // time.Unix(1505828956, 0) as a MicroTime
const newTestEvent = (ns: string, name: string, label: string) => ({
  metadata: { name, labels: { [label]: 'true' } },
  regarding: { namespace: ns },
  eventTime: someTime,
  note: `This is ${name}`,
  action: 'Do',
  reason: 'Test',
  type: 'Normal',
  reportingController: 'test-controller',
  reportingInstance: 'test-node',
});

test('[sig-instrumentation] Events API should delete a collection of events [Conformance]', async () => {
  const ns = await testNamespace(h, 'events');
  for (const name of ['test-event-1', 'test-event-2', 'test-event-3']) {
    await h.api
      .post(events(ns))
      .send(newTestEvent(ns, name, 'testevent-set'))
      .expect(201);
  }
  const selected = `${events(ns)}?labelSelector=testevent-set%3Dtrue`;
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(3);
  await h.api.delete(selected).expect(200);
  expect((await h.api.get(selected).expect(200)).body.items).toHaveLength(0);
});
