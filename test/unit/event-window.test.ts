// The watch window bounded by bytes as well as count: the oldest events go, watches that needed them are refused
// (410 above), prevObject shares the previous event's object, and nothing keeps an evicted event alive.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EventWindow } from '../../src/storage/event-window.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WatchCache } from '../../src/storage/cacher/watch-cache.js';
import { RevisionTooOldError, type StoreEvent } from '../../src/storage/store.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const obj = (name: string, extra: Record<string, unknown> = {}): KObject => ({ metadata: { name }, ...extra }) as KObject;
const ev = (rv: number, key = '/k/a', type: StoreEvent['type'] = 'ADDED'): StoreEvent => ({ type, key, rv, object: obj(key) });
const rvs = (w: EventWindow, from: number) => {
  const seen: number[] = [];
  w.subscribe('/', from, 1e9, (e) => seen.push(e.rv)).stop();
  return seen;
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('EventWindow', () => {
  test('keeps the newest events within the byte bound; older revisions are refused', () => {
    const w = new EventWindow({ maxEvents: 100, maxBytes: 1000 }, 10);
    for (let rv = 11; rv <= 20; rv++) w.publish(ev(rv, `/k/${rv}`), { object: 300 });
    // 3 × 300 fit in 1000 bytes, 4 do not.
    expect(w.usage()).toEqual({ events: 3, bytes: 900 });
    expect(w.oldest()).toBe(17);
    expect(rvs(w, 17)).toEqual([18, 19, 20]);
    expect(() => w.subscribe('/', 16, 20, () => undefined)).toThrow(RevisionTooOldError);
  });

  test('the count bound still applies to small events', () => {
    const w = new EventWindow({ maxEvents: 4, maxBytes: 1e9 }, 0);
    for (let rv = 1; rv <= 10; rv++) w.publish(ev(rv), { object: 10 });
    expect(w.usage()).toEqual({ events: 4, bytes: 40 });
    expect(rvs(w, 6)).toEqual([7, 8, 9, 10]);
  });

  test('an event larger than the whole bound is still delivered live, then not kept', () => {
    const w = new EventWindow({ maxEvents: 100, maxBytes: 100 }, 0);
    const live: number[] = [];
    const sub = w.subscribe('/', 0, 0, (e) => live.push(e.rv));
    w.publish(ev(1), { object: 500 });
    expect(live).toEqual([1]);
    expect(w.usage()).toEqual({ events: 0, bytes: 0 });
    expect(w.oldest()).toBe(1);
    sub.stop();
  });

  test("a prevObject that is the previous event's object is charged once, and passes on when that event goes", () => {
    const w = new EventWindow({ maxEvents: 100, maxBytes: 250 }, 0);
    const first: StoreEvent = { type: 'ADDED', key: '/k/a', rv: 1, object: obj('a', { v: 1 }) };
    w.publish(first, { object: 100 });
    expect(w.current('/k/a', 1)).toBe(first.object);
    expect(w.current('/k/a', 0)).toBeUndefined();
    const second: StoreEvent = { type: 'MODIFIED', key: '/k/a', rv: 2, object: obj('a', { v: 2 }), prevObject: first.object };
    w.publish(second, { object: 100, prevObject: 100 });
    expect(w.usage()).toEqual({ events: 2, bytes: 200 });
    // A copy (not the kept object) is charged in full.
    w.publish({ type: 'MODIFIED', key: '/k/b', rv: 3, object: obj('b'), prevObject: obj('b') }, { object: 20, prevObject: 20 });
    expect(w.usage()).toEqual({ events: 3, bytes: 240 });
    // Evicting rv 1 leaves its object alive as rv 2's prevObject: rv 2 now carries it (200), which with rv 3 is over 250.
    w.publish({ type: 'ADDED', key: '/k/c', rv: 4, object: obj('c') }, { object: 20 });
    expect(w.usage()).toEqual({ events: 2, bytes: 60 });
    expect(w.oldest()).toBe(2);
  });

  test('a deleted key has no current object to share', () => {
    const w = new EventWindow({ maxEvents: 100, maxBytes: 1e9 }, 0);
    w.publish({ type: 'DELETED', key: '/k/a', rv: 1, object: obj('a'), prevObject: obj('a') }, { object: 1, prevObject: 1 });
    expect(w.current('/k/a', 1)).toBeUndefined();
  });

  test('an evicted event is garbage: no slot, key map or subscription keeps it', async () => {
    const w = new EventWindow({ maxEvents: 100, maxBytes: 1000 }, 0);
    const sub = w.subscribe('/', 0, 0, () => undefined);
    const ref = (() => {
      const big = obj('a', { data: 'x'.repeat(1000) });
      w.publish({ type: 'ADDED', key: '/k/a', rv: 1, object: big }, { object: 900 });
      return new WeakRef(big);
    })();
    for (let rv = 2; rv <= 5; rv++) w.publish(ev(rv, `/k/${rv}`), { object: 300 });
    expect(w.oldest()).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 0)); // WeakRef targets stay alive until the current job ends
    gc();
    expect(ref.deref()).toBeUndefined();
    sub.stop();
  });
});

describe('the watch cache and its window', () => {
  const tmp = () => join(mkdtempSync(join(tmpdir(), 'dockube-window-')), 'state.db');

  test("an update's prevObject is the previous event's object, and the window charges it once", async () => {
    const s = new SqliteStore(tmp());
    const c = new WatchCache(s, { maxBytes: 1e9 });
    await c.ready();
    const key = '/registry/core/configmaps/ns/a';
    const start = s.revision();
    const seen: StoreEvent[] = [];
    const w = c.watch('/registry/', start, (e) => seen.push(e));
    const a = await s.create(key, obj('a', { data: { v: '1'.repeat(1000) } }));
    await s.update(key, obj('a', { data: { v: '2'.repeat(1000) } }), Number(a.metadata.resourceVersion));
    await s.delete(key);
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen[1]!.prevObject).toBe(seen[0]!.object);
    expect(seen[2]!.prevObject).toBe(seen[1]!.object);
    // Each event is charged its ~1.05 kB of JSON once: every prevObject is the event before's object.
    const { events, bytes } = c.usage();
    expect(events).toBe(3);
    expect(bytes).toBeGreaterThan(3 * 1000);
    expect(bytes).toBeLessThan(3 * 1100);
    w.stop();
    c.stop();
    await s.close();
  });

  test('bytes bound the window by the stored JSON: old revisions become too old, recent ones replay', async () => {
    const s = new SqliteStore(tmp());
    const c = new WatchCache(s, { maxBytes: 50_000 });
    await c.ready();
    const key = '/registry/core/configmaps/ns/big';
    const start = s.revision();
    let rv = Number((await s.create(key, obj('big', { data: { v: 'x'.repeat(10_000) } }))).metadata.resourceVersion);
    for (let i = 0; i < 20; i++)
      rv = Number(
        (await s.update(key, obj('big', { data: { v: String(i).repeat(10_000 / String(i).length) } }), rv)).metadata.resourceVersion,
      );
    // ~10 kB each: three events, and the oldest one's prevObject (the evicted event's object, still referenced).
    expect(c.usage().events).toBe(3);
    expect(c.usage().bytes).toBeGreaterThan(40_000);
    expect(c.usage().bytes).toBeLessThanOrEqual(50_000);
    expect(() => c.watch('/registry/', start, () => undefined)).toThrow(RevisionTooOldError);
    const replayed: number[] = [];
    c.watch('/registry/', rv - 3, (e) => replayed.push(e.rv)).stop();
    expect(replayed).toEqual([rv - 2, rv - 1, rv]);
    c.stop();
    await s.close();
  });
});
