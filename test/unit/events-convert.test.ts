// events.k8s.io/v1 <-> core/v1 Event conversion, validation by API, and the field selectors of both views.
import { coreToEventsV1, eventsV1ToCore } from '../../src/registry/events/convert.js';
import { validateEventCreate, validateEventUpdate } from '../../src/registry/events/validation.js';
import { events, eventsV1 } from '../../src/registry/resources/events.js';
import { ObjectFilter } from '../../src/registry/object-filter.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const meta = {
  name: 'web.17a8',
  namespace: 'ns1',
  uid: 'u-1',
  resourceVersion: '42',
  creationTimestamp: '2024-01-01T00:00:00Z',
  labels: { a: 'b' },
};
const ref = {
  kind: 'Pod',
  namespace: 'ns1',
  name: 'web',
  uid: 'p-1',
  apiVersion: 'v1',
  resourceVersion: '7',
  fieldPath: 'spec.containers{c}',
};
const related = { kind: 'Node', name: 'n1', apiVersion: 'v1' };

const core: KObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta,
  involvedObject: ref,
  related,
  reason: 'Pulled',
  message: 'pulled the image',
  type: 'Normal',
  source: { component: 'kubelet', host: 'n1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:05:00Z',
  count: 3,
  eventTime: '2024-01-01T00:00:00.123456Z',
  series: { count: 3, lastObservedTime: '2024-01-01T00:05:00.000001Z' },
  action: 'Pulling',
  reportingComponent: 'kubelet',
  reportingInstance: 'n1',
};

const v1: KObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: meta,
  regarding: ref,
  related,
  reason: 'Pulled',
  note: 'pulled the image',
  type: 'Normal',
  deprecatedSource: { component: 'kubelet', host: 'n1' },
  deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
  deprecatedLastTimestamp: '2024-01-01T00:05:00Z',
  deprecatedCount: 3,
  eventTime: '2024-01-01T00:00:00.123456Z',
  series: { count: 3, lastObservedTime: '2024-01-01T00:05:00.000001Z' },
  action: 'Pulling',
  reportingController: 'kubelet',
  reportingInstance: 'n1',
};

describe('conversion', () => {
  test('core/v1 -> events.k8s.io/v1 renames every field as Kubernetes does', () => {
    expect(coreToEventsV1(core)).toEqual(v1);
  });

  test('events.k8s.io/v1 -> core/v1 is the inverse', () => {
    expect(eventsV1ToCore(v1)).toEqual(core);
  });

  test('round trips are lossless both ways, also for sparse events', () => {
    expect(eventsV1ToCore(coreToEventsV1(core))).toEqual(core);
    expect(coreToEventsV1(eventsV1ToCore(v1))).toEqual(v1);
    const sparseCore: KObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', namespace: 'd' }, message: 'm', count: 0 };
    expect(eventsV1ToCore(coreToEventsV1(sparseCore))).toEqual(sparseCore);
    const sparseV1: KObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'x' }, eventTime: null, note: '' };
    expect(coreToEventsV1(eventsV1ToCore(sparseV1))).toEqual(sparseV1);
  });

  test('a field of the other view is not a field of this kind and is dropped', () => {
    const out = eventsV1ToCore({ ...v1, message: 'stray', involvedObject: { name: 'other' } });
    expect(out.message).toBe('pulled the image');
    expect(out.involvedObject).toEqual(ref);
    const back = coreToEventsV1({ ...core, note: 'stray' });
    expect(back.note).toBe('pulled the image');
  });

  test('the resource definitions store events.k8s.io events as core events', () => {
    expect(eventsV1.storage).toMatchObject({ group: '', plural: 'events' });
    expect(eventsV1.storage!.toStorage(v1)).toEqual(core);
    expect(eventsV1.storage!.fromStorage(core)).toEqual(v1);
    expect(events.storage).toBeUndefined();
  });
});

describe('validation', () => {
  const legacy = (extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'e1', namespace: 'ns1' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns1' },
    reason: 'R',
    message: 'm',
    type: 'Normal',
    source: { component: 'c' },
    count: 1,
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:00:00Z',
    ...extra,
  });

  test('core/v1 accepts client-go style events (reportingComponent without eventTime)', () => {
    expect(validateEventCreate(legacy({ reportingComponent: 'kubelet', reportingInstance: '' }), 'core')).toEqual([]);
  });

  test('a core event needs its namespace to match the involved object', () => {
    const errs = validateEventCreate(legacy({ involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }), 'core');
    expect(errs).toEqual([
      expect.objectContaining({ field: 'involvedObject.namespace', type: 'FieldValueInvalid', detail: 'does not match event.namespace' }),
    ]);
  });

  test('a core event with eventTime must carry the new-style fields', () => {
    const errs = validateEventCreate(legacy({ eventTime: '2024-01-01T00:00:00.000000Z' }), 'core');
    // As in Kubernetes, an empty controller is also not a qualified name (two more errors).
    expect(errs.map((e) => `${e.field}:${e.type}`)).toEqual([
      'reportingController:FieldValueRequired',
      'reportingController:FieldValueInvalid',
      'reportingController:FieldValueInvalid',
      'reportingInstance:FieldValueRequired',
      'action:FieldValueRequired',
    ]);
  });

  test('events.k8s.io creates are strict: no deprecated fields, eventTime and a type', () => {
    const errs = validateEventCreate(
      eventsV1ToCore({ ...v1, metadata: { name: 'e', namespace: 'ns1' }, series: undefined }),
      'events.k8s.io',
    );
    expect(errs.map((e) => `${e.field}:${e.detail ?? e.type}`)).toEqual([
      'firstTimestamp:needs to be unset',
      'lastTimestamp:needs to be unset',
      'count:needs to be unset',
      'source:needs to be unset',
    ]);
    const ok = {
      metadata: { name: 'e', namespace: 'ns1' },
      regarding: ref,
      reason: 'R',
      note: 'n',
      type: 'Weird',
      eventTime: null,
      reportingController: 'me',
      reportingInstance: 'i',
      action: 'A',
      series: { count: 1 },
    };
    expect(validateEventCreate(eventsV1ToCore(ok as KObject), 'events.k8s.io').map((e) => e.field)).toEqual([
      'series.count',
      'series.lastObservedTime',
      'eventTime',
      'type',
    ]);
  });

  test('events.k8s.io updates may not change what the event says; core updates may', () => {
    const old = eventsV1ToCore({ ...v1 });
    const changed = { ...old, message: 'other', count: 4 };
    expect(validateEventUpdate(changed, old, 'core')).toEqual([]);
    expect(validateEventUpdate(changed, old, 'events.k8s.io').map((e) => e.field)).toEqual(['message', 'count']);
    const bumped = { ...old, series: { count: 4, lastObservedTime: '2024-01-01T00:06:00.000000Z' } };
    expect(validateEventUpdate(bumped, old, 'events.k8s.io')).toEqual([]);
  });
});

describe('field selectors', () => {
  const matches = (def: typeof events, sel: string, obj: KObject) => new ObjectFilter(def, undefined, sel).matches(obj);

  test('core events: involvedObject.*, reason, reportingComponent, source (component) and type', () => {
    expect(matches(events, 'involvedObject.name=web,involvedObject.uid=p-1,involvedObject.kind=Pod', core)).toBe(true);
    expect(matches(events, 'involvedObject.fieldPath=spec.containers{c}', core)).toBe(true);
    expect(matches(events, 'source=kubelet,reason=Pulled,type=Normal,reportingComponent=kubelet', core)).toBe(true);
    expect(matches(events, 'source=scheduler', core)).toBe(false);
    // No source.component: source selects on the reporting controller.
    expect(matches(events, 'source=ctl', { ...core, source: {}, reportingComponent: 'ctl' })).toBe(true);
    expect(() => new ObjectFilter(events, undefined, 'regarding.name=web')).toThrow(/field label not supported/);
  });

  test('events.k8s.io events: regarding.*, reportingController, reason, type, source', () => {
    expect(matches(eventsV1, 'regarding.name=web,regarding.namespace=ns1,regarding.kind=Pod', v1)).toBe(true);
    expect(matches(eventsV1, 'reportingController=kubelet,reason=Pulled,type=Normal,source=kubelet', v1)).toBe(true);
    expect(matches(eventsV1, 'regarding.name=other', v1)).toBe(false);
    expect(() => new ObjectFilter(eventsV1, undefined, 'involvedObject.name=web')).toThrow(/field label not supported/);
  });
});
