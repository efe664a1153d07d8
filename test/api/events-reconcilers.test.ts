// The EventRecorder (client-go's recorder: names, dedup with count, combining similar events, rate limit,
// never throwing) and the event TTL reconciler, over the real service.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { EventRecorder } from '../../src/reconcilers/event-recorder.js';
import { startEventTtl } from '../../src/reconcilers/event-ttl.js';
import { makeContext } from '../../src/reconcilers/context.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { systemContext } from '../../src/reconcilers/context.js';
import { httpClient, inProcessClient } from '../client/clients.js';
import { KUBE_SCHEDULER } from '../../src/client/identities.js';
import type { HttpClient } from '../../src/client/http-client.js';

const log = pino({ level: 'silent' });
let h: Harness;
let eventsDef: ResourceDef;
beforeAll(async () => {
  h = await startHarness();
  eventsDef = h.service.registry.find('', 'v1', 'events')!;
});
afterAll(() => h.close());

const pod = (name: string, namespace = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '5' },
});
const eventsAbout = async (name: string) =>
  (await h.service.list(eventsDef, undefined, { fieldSelector: `involvedObject.name=${name}` })).items;

describe.each(['in-process', 'https'])('EventRecorder over the %s client', (kind) => {
  // A store of its own per client, so each run starts without events.
  let outer: Harness;
  let http: HttpClient | undefined;
  beforeAll(async () => {
    outer = h;
    h = await startHarness();
    if (kind === 'https') http = httpClient(h, 'admin');
  });
  afterAll(async () => {
    http?.close();
    await h.close();
    h = outer;
  });
  const client = () => http ?? inProcessClient(h, KUBE_SCHEDULER);
  test('writes a core/v1 event as client-go does', async () => {
    const t = new Date('2024-03-01T10:00:00.250Z');
    const r = new EventRecorder(client(), log, { now: () => t });
    r.record(pod('rec-a'), 'Normal', 'Scheduled', 'Successfully assigned default/rec-a to node1', { component: 'default-scheduler' });
    await r.flush();
    const [ev] = await eventsAbout('rec-a');
    expect(ev.metadata.name).toBe(`rec-a.${(BigInt(t.getTime()) * 1_000_000n).toString(16)}`);
    expect(ev).toMatchObject({
      metadata: { namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'rec-a', uid: 'uid-rec-a', apiVersion: 'v1', resourceVersion: '5' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/rec-a to node1',
      type: 'Normal',
      source: { component: 'default-scheduler' },
      firstTimestamp: '2024-03-01T10:00:00Z',
      lastTimestamp: '2024-03-01T10:00:00Z',
      count: 1,
      reportingComponent: 'default-scheduler',
    });
  });

  test('identical events are one event with a count; a different message is another event', async () => {
    let now = new Date('2024-03-01T10:00:00Z');
    const r = new EventRecorder(client(), log, { now: () => now });
    const opts = { component: 'kubelet', host: 'node1', fieldPath: 'spec.containers{web}' };
    r.record(pod('rec-b'), 'Warning', 'BackOff', 'Back-off restarting failed container', opts);
    now = new Date('2024-03-01T10:00:10Z');
    r.record(pod('rec-b'), 'Warning', 'BackOff', 'Back-off restarting failed container', opts);
    now = new Date('2024-03-01T10:00:30Z');
    r.record(pod('rec-b'), 'Warning', 'BackOff', 'Back-off restarting failed container', opts);
    r.record(pod('rec-b'), 'Normal', 'Pulled', 'Container image "nginx" already present on machine', opts);
    await r.flush();
    const evs = await eventsAbout('rec-b');
    expect(evs).toHaveLength(2);
    const backoff = evs.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({
      count: 3,
      firstTimestamp: '2024-03-01T10:00:00Z',
      lastTimestamp: '2024-03-01T10:00:30Z',
      source: { component: 'kubelet', host: 'node1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node1',
      involvedObject: { fieldPath: 'spec.containers{web}' },
    });
    expect(evs.find((e) => e.reason === 'Pulled')).toMatchObject({ count: 1 });
  });

  test('an aggregated event deleted meanwhile is written again with its count', async () => {
    const r = new EventRecorder(client(), log);
    r.record(pod('rec-c'), 'Normal', 'Started', 'Started container web', { component: 'kubelet' });
    await r.flush();
    const [first] = await eventsAbout('rec-c');
    await h.service.delete(eventsDef, 'default', first.metadata.name!, {}, systemContext('test'));
    r.record(pod('rec-c'), 'Normal', 'Started', 'Started container web', { component: 'kubelet' });
    await r.flush();
    const [again] = await eventsAbout('rec-c');
    expect(again.metadata.name).toBe(first.metadata.name);
    expect(again.count).toBe(2);
  });

  test('ten different messages with one reason are combined into one event', async () => {
    const r = new EventRecorder(client(), log);
    for (let i = 0; i < 12; i++) r.record(pod('rec-d'), 'Warning', 'FailedMount', `volume v${i} not ready`, { component: 'kubelet' });
    await r.flush();
    const evs = await eventsAbout('rec-d');
    expect(evs).toHaveLength(10); // nine single ones and one combined one
    const combined = evs.filter((e) => String(e.message).startsWith('(combined from similar events): '));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 3, message: '(combined from similar events): volume v11 not ready' });
  });

  test('a source may burst 25 events about one object, then is rate limited', async () => {
    const r = new EventRecorder(client(), log);
    for (let i = 0; i < 30; i++) r.record(pod('rec-e'), 'Normal', `Reason${i}`, 'same', { component: 'kubelet' });
    r.record(pod('rec-e2'), 'Normal', 'Other', 'another object has its own budget', { component: 'kubelet' });
    await r.flush();
    expect(await eventsAbout('rec-e')).toHaveLength(25);
    expect(await eventsAbout('rec-e2')).toHaveLength(1);
  });

  test('cluster-scoped objects get their events in default; failures are logged, never thrown', async () => {
    const r = new EventRecorder(client(), log);
    r.record(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'rec-node', uid: 'n-uid' } },
      'Normal',
      'NodeReady',
      'Node rec-node status is now: NodeReady',
      { component: 'kubelet', host: 'rec-node' },
    );
    // A namespace that does not exist: the write fails, record() still returns normally.
    expect(() => r.record(pod('rec-f', 'no-such-ns'), 'Normal', 'X', 'y', { component: 'kubelet' })).not.toThrow();
    await r.flush();
    const [ev] = await eventsAbout('rec-node');
    expect(ev.metadata.namespace).toBe('default');
    expect(ev.involvedObject).toEqual({ kind: 'Node', name: 'rec-node', uid: 'n-uid', apiVersion: 'v1' });
    expect(await eventsAbout('rec-f')).toHaveLength(0);
  });
});

describe.each(['in-process', 'https'])('event TTL over the %s client', (kind) => {
  // A store of its own, so the recorder's events above do not expire in these counts.
  let outer: Harness;
  let http: HttpClient | undefined;
  beforeAll(async () => {
    outer = h;
    h = await startHarness();
    if (kind === 'https') http = httpClient(h, 'admin');
  });
  afterAll(async () => {
    http?.close();
    await h.close();
    h = outer;
  });
  const ctx = () => makeContext(h.service, log, http ? { client: () => http! } : {});
  // In process the informer sees a write before the write returns; over HTTP(S) the watch brings it a moment later.
  const settle = () => (http ? new Promise((r) => setTimeout(r, 150)) : Promise.resolve());
  const make = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'ttl-pod', namespace: 'default' },
    reason: 'R',
    message: name,
    type: 'Normal',
  });
  const ttlNames = async () => (await eventsAbout('ttl-pod')).map((e) => e.metadata.name).sort();

  test('events expire ttl after their last write; a write postpones it', async () => {
    let now = 1_000_000;
    const ttl = await startEventTtl(ctx(), { ttlMs: 1000, sweepMs: 3_600_000, now: () => now });
    try {
      const sys = systemContext('test');
      await h.service.create(eventsDef, 'default', make('ttl-1'), sys);
      await settle();
      now += 600;
      await h.service.create(eventsDef, 'default', make('ttl-2'), sys);
      await settle();
      now += 300;
      await h.service.update(eventsDef, 'default', 'ttl-1', (cur) => ({ ...cur, count: 2 }), sys);
      await settle();
      now += 200; // ttl-1 written 200 ms ago, ttl-2 500 ms ago: nothing is due
      expect(await ttl.sweep()).toBe(0);
      now += 600; // ttl-2 is 1100 ms old
      expect(await ttl.sweep()).toBe(1);
      expect(await ttlNames()).toEqual(['ttl-1']);
      now += 300; // ttl-1: 1100 ms since its update
      expect(await ttl.sweep()).toBe(1);
      expect(await ttlNames()).toEqual([]);
    } finally {
      ttl.stop();
    }
  });

  test('the timer sweeps on its own, and events found at startup expire from their own timestamps', async () => {
    const sys = systemContext('test');
    const old = { ...make('ttl-old'), lastTimestamp: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') };
    await h.service.create(eventsDef, 'default', old, sys);
    const ttl = await startEventTtl(ctx(), { ttlMs: 300 });
    try {
      await h.service.create(eventsDef, 'default', make('ttl-new'), sys);
      await new Promise((r) => setTimeout(r, 100));
      // creationTimestamp has second precision, so ttl-old may already be due: only ttl-new is certain here.
      expect(await ttlNames()).toContain('ttl-new');
      await new Promise((r) => setTimeout(r, 700));
      expect(await ttlNames()).toEqual([]);
    } finally {
      ttl.stop();
    }
  });
});
