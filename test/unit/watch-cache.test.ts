// The watch cache above the store: reads from memory consistent with the store, lists at older revisions within the
// window (continue tokens), selectors, 410 past the window, and objects no caller can change.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WatchCache } from '../../src/storage/cacher/watch-cache.js';
import { CompactedError, FutureRevisionError, RevisionTooOldError, type Store, type WatchHandlers } from '../../src/storage/store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService, type WriteContext } from '../../src/registry/service.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'dockube-cache-')), 'state.db');
const obj = (name: string, extra: Record<string, unknown> = {}): KObject => ({ metadata: { name }, ...extra });
const key = (n: string) => `/registry/core/configmaps/ns/${n}`;
const names = (items: KObject[]) => items.map((o) => o.metadata.name);

async function cacheOver(limits = {}) {
  const store = new SqliteStore(tmp());
  const cache = new WatchCache(store, limits);
  await cache.ready();
  return {
    store,
    cache,
    done: async () => {
      cache.stop();
      await store.close();
    },
  };
}

describe('WatchCache', () => {
  test('a read right after a write sees it', async () => {
    const { store, cache, done } = await cacheOver();
    const a = await store.create(key('a'), obj('a', { data: { v: '1' } }));
    expect((await cache.get(key('a')))?.data).toEqual({ v: '1' });
    await store.update(key('a'), obj('a', { data: { v: '2' } }), Number(a.metadata.resourceVersion));
    expect((await cache.get(key('a')))?.data).toEqual({ v: '2' });
    expect(cache.revision()).toBe(store.revision());
    await store.delete(key('a'));
    expect(await cache.get(key('a'))).toBeUndefined();
    expect(names((await cache.list('/registry/')).items)).toEqual([]);
    await done();
  });

  test('starts from what the store holds, in key order, and lists by prefix after a key', async () => {
    const store = new SqliteStore(tmp());
    for (const n of ['c', 'a', 'b']) await store.create(key(n), obj(n));
    await store.create('/registry/core/configmaps/ns2/z', obj('z'));
    const cache = new WatchCache(store);
    const all = await cache.list('/registry/core/configmaps/ns/');
    expect(names(all.items)).toEqual(['a', 'b', 'c']);
    expect(all.keys).toEqual([key('a'), key('b'), key('c')]);
    expect(names((await cache.list('/registry/core/configmaps/ns/', { startAfter: key('a') })).items)).toEqual(['b', 'c']);
    await store.create(key('aa'), obj('aa'));
    expect(names((await cache.list('/registry/core/configmaps/ns/', { startAfter: key('a') })).items)).toEqual(['aa', 'b', 'c']);
    cache.stop();
    await store.close();
  });

  test('lists at an older revision inside the window: later creates, updates and deletes are undone', async () => {
    const { store, cache, done } = await cacheOver();
    for (const n of ['a', 'b', 'c']) await store.create(key(n), obj(n, { data: { v: '0' } }));
    const at = store.revision();
    await store.create(key('d'), obj('d'));
    const b = (await cache.get(key('b')))!;
    await store.update(key('b'), obj('b', { data: { v: '1' } }), Number(b.metadata.resourceVersion));
    await store.delete(key('c'));
    await store.create(key('c'), obj('c', { data: { v: 'again' } }));
    const then = await cache.list('/registry/core/configmaps/ns/', { revision: at });
    expect(then.revision).toBe(at);
    expect(names(then.items)).toEqual(['a', 'b', 'c']);
    expect(then.items.map((o) => o.data)).toEqual([{ v: '0' }, { v: '0' }, { v: '0' }]);
    // The second page of that list, after 'a', is still at `at`.
    expect(names((await cache.list('/registry/core/configmaps/ns/', { revision: at, startAfter: key('a') })).items)).toEqual(['b', 'c']);
    const now = await cache.list('/registry/core/configmaps/ns/');
    expect(names(now.items)).toEqual(['a', 'b', 'c', 'd']);
    expect(now.items[2]!.data).toEqual({ v: 'again' });
    await expect(cache.list('/registry/', { revision: store.revision() + 1 })).rejects.toBeInstanceOf(FutureRevisionError);
    await done();
  });

  test('past the window (compacted by its bounds) a list at a revision and a watch are refused', async () => {
    const { store, cache, done } = await cacheOver({ maxEvents: 3 });
    const start = store.revision();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await store.create(key(n), obj(n));
    expect(cache.oldestRevision()).toBe(store.revision() - 3);
    await expect(cache.list('/registry/', { revision: start + 1 })).rejects.toBeInstanceOf(CompactedError);
    expect(() => cache.watch('/registry/', start, () => undefined)).toThrow(RevisionTooOldError);
    expect(names((await cache.list('/registry/', { revision: store.revision() - 3 })).items)).toEqual(['a', 'b']);
    await done();
  });

  test('objects are shared frozen: mutating one throws and cannot change what the next reader gets', async () => {
    const { store, cache, done } = await cacheOver();
    const input = obj('a', { data: { v: '1' }, list: [{ x: 1 }] });
    await store.create(key('a'), input);
    // The store's caller keeps its own object: the cache holds a copy.
    (input.data as Record<string, string>).v = 'changed by the writer';
    const got = (await cache.get(key('a')))!;
    expect(got.data).toEqual({ v: '1' });
    expect(() => {
      (got.data as Record<string, string>).v = 'x';
    }).toThrow(TypeError);
    expect(() => {
      got.metadata.labels = { a: 'b' };
    }).toThrow(TypeError);
    expect(() => {
      (got.list as { x: number }[]).push({ x: 2 });
    }).toThrow(TypeError);
    expect(() => {
      (got.list as { x: number }[])[0]!.x = 3;
    }).toThrow(TypeError);
    const again = (await cache.get(key('a')))!;
    expect(again).toEqual({ metadata: got.metadata, data: { v: '1' }, list: [{ x: 1 }] });
    expect((await cache.list('/registry/')).items[0]).toBe(again);
    await done();
  });

  test('watch replays the window after a revision, then live events, with prevObject for transitions', async () => {
    const { store, cache, done } = await cacheOver();
    await store.create(key('a'), obj('a'));
    const from = store.revision();
    await store.create(key('b'), obj('b'));
    const seen: string[] = [];
    const w = cache.watch('/registry/core/configmaps/', from, (e) =>
      seen.push(`${e.type} ${e.object.metadata.name} ${e.prevObject ? 'prev' : ''}`.trim()),
    );
    const a = (await cache.get(key('a')))!;
    await store.update(key('a'), obj('a', { data: {} }), Number(a.metadata.resourceVersion));
    await store.delete(key('b'));
    expect(seen).toEqual(['ADDED b', 'MODIFIED a prev', 'DELETED b prev']);
    w.stop();
    expect(cache.watcherCount()).toBe(0);
    await done();
  });
});

describe('WatchCache when its store reports compaction', () => {
  test('it lists again, ends the watches that followed the old state, and serves the new one', async () => {
    const sqlite = new SqliteStore(tmp());
    // The store as a backend that can lose history under a running watch (etcd compacting): the test reports it.
    let handlers: WatchHandlers | undefined;
    const store: Store = Object.assign(Object.create(sqlite) as SqliteStore, {
      watch: (prefix: string, fromRv: number, h: WatchHandlers) => {
        handlers = h;
        return sqlite.watch(prefix, fromRv, h);
      },
    });
    const cache = new WatchCache(store);
    await cache.ready();
    await sqlite.create(key('a'), obj('a'));
    const seen: string[] = [];
    let ended = 0;
    cache.watch(
      '/registry/',
      sqlite.revision(),
      (e) => seen.push(e.type),
      () => ended++,
    );
    const first = handlers!;
    first.onCompacted!(new CompactedError(1, sqlite.revision(), sqlite.revision()));
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(1);
    expect(handlers).not.toBe(first); // a new store watch, from the new list's revision
    expect(cache.watcherCount()).toBe(0);
    await sqlite.create(key('b'), obj('b'));
    expect(seen).toEqual([]); // the ended watch saw nothing more
    expect(names((await cache.list('/registry/')).items)).toEqual(['a', 'b']);
    expect(sqlite.watcherCount()).toBe(1); // the old stream is gone: each change is applied once
    expect(cache.usage().events).toBe(1);
    cache.stop();
    await sqlite.close();
  });
});

describe('ResourceService reads from the watch cache', () => {
  const ctx = (): WriteContext => ({ user: { name: 'admin', groups: ['system:masters'] }, dryRun: false, warnings: [] });

  async function serviceOver(limits = {}) {
    const store = new SqliteStore(tmp());
    const registry = new Registry(RESOURCES);
    const service = new ResourceService(store, registry, { watchCache: limits });
    const def = (plural: string) => registry.find('', 'v1', plural)!;
    await service.create(def('namespaces'), undefined, obj('ns'), ctx());
    return {
      store,
      service,
      def,
      done: async () => {
        service.cache.stop();
        await store.close();
      },
    };
  }

  test('a continue token lists at its own revision; selectors filter; past the window the token expires (410)', async () => {
    const { service, def, done } = await serviceOver({ maxEvents: 20 });
    const cm = def('configmaps');
    for (const n of ['a', 'b', 'c', 'd'])
      await service.create(cm, 'ns', obj(n, { metadata: { name: n, labels: { odd: String(n === 'a' || n === 'c') } } }), ctx());
    const p1 = await service.list(cm, 'ns', { limit: 2 });
    expect(names(p1.items)).toEqual(['a', 'b']);
    expect(p1.remainingItemCount).toBe(2);
    // Changes after the first page are not seen by the second: it lists at the first page's revision.
    await service.delete(cm, 'ns', 'c', {}, ctx());
    await service.create(cm, 'ns', obj('e'), ctx());
    const p2 = await service.list(cm, 'ns', { limit: 2, continue: p1.continue });
    expect(names(p2.items)).toEqual(['c', 'd']);
    expect(p2.resourceVersion).toBe(p1.resourceVersion);
    expect(p2.continue).toBeUndefined();
    expect(names((await service.list(cm, 'ns')).items)).toEqual(['a', 'b', 'd', 'e']);
    expect(names((await service.list(cm, 'ns', { labelSelector: 'odd=true' })).items)).toEqual(['a']);
    expect(names((await service.list(cm, 'ns', { fieldSelector: 'metadata.name!=a' })).items)).toEqual(['b', 'd', 'e']);
    const sel = await service.list(cm, 'ns', { labelSelector: 'odd=false', limit: 1 });
    expect(names(sel.items)).toEqual(['b']);
    expect(sel.remainingItemCount).toBeUndefined();
    // Push the first page's revision out of the window.
    for (let i = 0; i < 25; i++) await service.create(cm, 'ns', obj(`z${i}`), ctx());
    const expired = await service.list(cm, 'ns', { limit: 2, continue: p1.continue }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(expired).toBeInstanceOf(StatusError);
    expect((expired as StatusError).code).toBe(410);
    expect((expired as StatusError).listMeta?.continue).toBeTruthy();
    await done();
  });

  test('served objects are frozen; a write returns the new state, which the next read serves', async () => {
    const { service, def, done } = await serviceOver();
    const cm = def('configmaps');
    await service.create(cm, 'ns', obj('a', { data: { v: '1' } }), ctx());
    const got = await service.get(cm, 'ns', 'a');
    expect(got.kind).toBe('ConfigMap');
    expect(Object.isFrozen(got) && Object.isFrozen(got.metadata) && Object.isFrozen(got.data)).toBe(true);
    expect(() => {
      (got.data as Record<string, string>).v = '2';
    }).toThrow(TypeError);
    const updated = await service.update(cm, 'ns', 'a', (cur) => ({ ...cur, data: { v: '2' } }), ctx());
    expect((await service.get(cm, 'ns', 'a')).data).toEqual({ v: '2' });
    expect((await service.get(cm, 'ns', 'a')).metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    expect(got.data).toEqual({ v: '1' });
    await done();
  });
});
