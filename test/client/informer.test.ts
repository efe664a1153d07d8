// The informer's cache over both clients: the first list, then a watch that drops (resumed from the last
// resourceVersion) and one that expires (410: a re-list diffed against the cache). Each change made while the
// informer is away reaches the handler exactly once: nothing lost, nothing repeated.
import { startHarness, ADMIN, type Harness } from '../api/harness.js';
import { Informer, INDEX, PREDICATE } from '../../src/client/informer.js';
import { GVR, type Client } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { FaultyClient, httpClient, inProcessClient } from './clients.js';

let h: Harness;
const http: { close(): void }[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  http.forEach((c) => c.close());
  await h.close();
});

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const kinds: [string, () => Client][] = [
  ['in-process', () => inProcessClient(h, ADMIN)],
  [
    'https',
    () => {
      const c = httpClient(h, 'admin');
      http.push(c);
      return c;
    },
  ],
];

describe.each(kinds)('informer over the %s client', (kind, make) => {
  const ns = `inf-${kind}`;
  let admin: Client;
  let faulty: FaultyClient;
  let informer: Informer;
  const seen: string[] = [];
  const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
    data,
  });

  beforeAll(async () => {
    admin = make();
    faulty = new FaultyClient(make());
    await admin.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await admin.create(GVR.configmaps, ns, cm('a', {}, { app: 'x' }));
    await admin.create(GVR.configmaps, ns, cm('b', {}, { app: 'y' }));
    informer = new Informer(faulty.client, GVR.configmaps, { namespace: ns, backoffMs: 5, indexers: { app: INDEX.label('app') } });
    informer.addEventHandler((type, old, obj) => {
      if (type === 'MODIFIED' && old?.metadata.resourceVersion === obj.metadata.resourceVersion) throw new Error('repeated object');
      seen.push(`${type} ${obj.metadata.name}`);
    });
  });
  afterAll(() => informer.stop());

  test('lists, then watches: handlers and indexes see the cache', async () => {
    informer.start();
    await informer.waitForSync();
    expect(seen.sort()).toEqual(['ADDED a', 'ADDED b']);
    expect(informer.byIndex('app', 'x').map((o) => o.metadata.name)).toEqual(['a']);
    expect(informer.byIndex('namespace', ns)).toHaveLength(2);
    seen.length = 0;
    await admin.create(GVR.configmaps, ns, cm('c'));
    await until(() => seen.length === 1);
    expect(seen).toEqual(['ADDED c']);
    expect(informer.get(ns, 'c')).toBeDefined();
  });

  test('a dropped watch resumes from the last resourceVersion: changes meanwhile arrive once', async () => {
    seen.length = 0;
    const lists = informer.lists;
    faulty.hold();
    faulty.drop();
    await admin.create(GVR.configmaps, ns, cm('d'));
    await admin.patch(GVR.configmaps, ns, 'a', 'merge', { data: { k: '1' } });
    await admin.delete(GVR.configmaps, ns, 'b');
    faulty.release();
    await until(() => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['ADDED d', 'MODIFIED a', 'DELETED b']);
    expect(informer.lists).toBe(lists);
    expect(informer.byIndex('app', 'y')).toEqual([]);
  });

  test('an expired watch (410) re-lists: the difference arrives once, unchanged objects not at all', async () => {
    seen.length = 0;
    const lists = informer.lists;
    faulty.hold();
    faulty.expireNext();
    faulty.drop();
    await admin.create(GVR.configmaps, ns, cm('e'));
    await admin.patch(GVR.configmaps, ns, 'd', 'merge', { data: { k: '2' } });
    await admin.delete(GVR.configmaps, ns, 'c');
    faulty.release();
    await until(() => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort()).toEqual(['ADDED e', 'DELETED c', 'MODIFIED d']);
    expect(informer.lists).toBe(lists + 1);
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'd', 'e']);
    // And the watch after the re-list goes on.
    seen.length = 0;
    await admin.delete(GVR.configmaps, ns, 'e');
    await until(() => seen.length === 1);
    expect(seen).toEqual(['DELETED e']);
  });

  test('the old object is the cached one; a handler added late sees the cache as ADDED; predicates filter', async () => {
    const got: string[] = [];
    informer.addEventHandler(
      (type, old, obj) => got.push(`${type} ${obj.metadata.name} ${old?.data ? JSON.stringify(old.data) : '-'}`),
      PREDICATE.resourceVersionChanged,
      (_t, _o, obj) => obj.metadata.name === 'a',
    );
    expect(got).toEqual(['ADDED a -']);
    await admin.patch(GVR.configmaps, ns, 'a', 'merge', { data: { k: '3' } });
    await until(() => got.length === 2);
    expect(got[1]).toBe('MODIFIED a {"k":"1"}');
  });

  test('resync delivers every cached object again as MODIFIED with old === new', async () => {
    const resync = new Informer(faulty.client, GVR.configmaps, { namespace: ns, resyncMs: 50 });
    const got: string[] = [];
    resync.addEventHandler((type, old, obj) => {
      if (type === 'MODIFIED' && old === obj) got.push(obj.metadata.name!);
    });
    resync.start();
    await resync.waitForSync();
    await until(() => got.length >= 4);
    resync.stop();
    expect(new Set(got)).toEqual(new Set(['a', 'd']));
  });
});

test('over HTTPS, a connection the server cuts is watched again without a re-list', async () => {
  const ns = 'inf-cut';
  const admin = httpClient(h, 'admin');
  const watching = httpClient(h, 'admin');
  http.push(admin, watching);
  await admin.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const informer = new Informer(watching, GVR.configmaps, { namespace: ns, backoffMs: 5 });
  const seen: string[] = [];
  informer.addEventHandler((type, _old, obj) => seen.push(`${type} ${obj.metadata.name}`));
  informer.start();
  await informer.waitForSync();
  watching.close(); // destroys the agent's sockets: the open watch ends as a dropped connection
  await admin.create(GVR.configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-cut' } });
  await until(() => seen.length === 1);
  await new Promise((r) => setTimeout(r, 100));
  informer.stop();
  expect(seen).toEqual(['ADDED after-cut']);
  expect(informer.lists).toBe(1);
});
