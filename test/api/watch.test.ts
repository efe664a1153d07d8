// Watch over a real socket: flushed headers, replay, resume, selector transitions, timeouts, 410, Tables, bookmarks.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { watchSettings } from '../../src/api/watch-stream.js';
import { CM, configMap, openWatch, startHarness, type Harness, type WatchEvent } from './harness.js';

let h: Harness;
let nsCount = 0;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A fresh namespace per test, so the watches of one test never see another's objects. */
async function freshNamespace(): Promise<string> {
  const name = `w${++nsCount}`;
  await h.api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
  return name;
}
const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const summary = (e: WatchEvent) => `${e.type} ${e.object.metadata?.name}`;
const mergePatch = (path: string, body: object) =>
  h.api.patch(path).set('Content-Type', 'application/merge-patch+json').send(body).expect(200);

describe('watch', () => {
  test('headers arrive at once, before any event, as a chunked JSON stream', async () => {
    const ns = await freshNamespace();
    const rv = String(h.service.revision());
    // openWatch resolves on the response headers: it would hang here if they waited for the first event.
    const w = await openWatch(h, `${cms(ns)}?watch=true&resourceVersion=${rv}`);
    try {
      expect(w.status).toBe(200);
      expect(w.headers['content-type']).toMatch(/^application\/json/);
      expect(w.headers['transfer-encoding']).toBe('chunked');
      expect(await w.quiet(150)).toBe(true);
      await h.api.post(cms(ns)).send(configMap('first')).expect(201);
      const e = await w.next();
      expect(e).toMatchObject({
        type: 'ADDED',
        object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'first', namespace: ns } },
      });
    } finally {
      w.close();
    }
  });

  test('without a resourceVersion (or 0) the current objects come as ADDED, then live events', async () => {
    const ns = await freshNamespace();
    await h.api.post(cms(ns)).send(configMap('a')).expect(201);
    await h.api.post(cms(ns)).send(configMap('b')).expect(201);
    for (const q of ['watch=true', 'watch=1&resourceVersion=0']) {
      const w = await openWatch(h, `${cms(ns)}?${q}`);
      try {
        expect((await w.take(2)).map(summary).sort()).toEqual(['ADDED a', 'ADDED b']);
        expect(await w.quiet(100)).toBe(true);
      } finally {
        w.close();
      }
    }
    const w = await openWatch(h, `${cms(ns)}?watch=true`);
    try {
      await w.take(2);
      const upd = await mergePatch(`${cms(ns)}/a`, { data: { k: 'changed' } });
      const mod = await w.next();
      expect(mod).toMatchObject({
        type: 'MODIFIED',
        object: { metadata: { name: 'a', resourceVersion: upd.body.metadata.resourceVersion }, data: { k: 'changed' } },
      });
      await h.api.delete(`${cms(ns)}/b`).expect(200);
      const del = await w.next();
      expect(summary(del)).toBe('DELETED b');
      expect(Number(del.object.metadata.resourceVersion)).toBeGreaterThan(Number(upd.body.metadata.resourceVersion));
    } finally {
      w.close();
    }
  });

  test('resourceVersion=N continues strictly after N', async () => {
    const ns = await freshNamespace();
    const a = (await h.api.post(cms(ns)).send(configMap('a')).expect(201)).body;
    await h.api.post(cms(ns)).send(configMap('b')).expect(201);
    await mergePatch(`${cms(ns)}/a`, { data: { k: '2' } });
    const w = await openWatch(h, `${cms(ns)}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    try {
      expect((await w.take(2)).map(summary)).toEqual(['ADDED b', 'MODIFIED a']);
      expect(await w.quiet(100)).toBe(true);
    } finally {
      w.close();
    }
  });

  test('a namespaced watch sees only its namespace; an all-namespaces watch sees all', async () => {
    const ns1 = await freshNamespace();
    const ns2 = await freshNamespace();
    const rv = h.service.revision();
    const one = await openWatch(h, `${cms(ns1)}?watch=true&resourceVersion=${rv}`);
    const all = await openWatch(h, `/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    try {
      await h.api.post(cms(ns2)).send(configMap('elsewhere')).expect(201);
      await h.api.post(cms(ns1)).send(configMap('here')).expect(201);
      expect(summary(await one.next())).toBe('ADDED here');
      expect((await all.take(2)).map(summary)).toEqual(['ADDED elsewhere', 'ADDED here']);
    } finally {
      one.close();
      all.close();
    }
  });

  test('with a label selector, gaining the label is ADDED and losing it is DELETED', async () => {
    const ns = await freshNamespace();
    await h.api.post(cms(ns)).send(configMap('x')).expect(201);
    const w = await openWatch(h, `${cms(ns)}?watch=true&labelSelector=${encodeURIComponent('app=web')}`);
    try {
      expect(await w.quiet(100)).toBe(true);
      await mergePatch(`${cms(ns)}/x`, { data: { k: 'unlabelled change' } });
      await mergePatch(`${cms(ns)}/x`, { metadata: { labels: { app: 'web' } } });
      expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'x', labels: { app: 'web' } } } });
      await mergePatch(`${cms(ns)}/x`, { data: { k: 'labelled change' } });
      expect(summary(await w.next())).toBe('MODIFIED x');
      await mergePatch(`${cms(ns)}/x`, { metadata: { labels: { app: 'db' } } });
      const gone = await w.next();
      expect(summary(gone)).toBe('DELETED x');
      // The DELETED event of a selector transition carries the object as it is now.
      expect(gone.object.metadata.labels).toEqual({ app: 'db' });
      await mergePatch(`${cms(ns)}/x`, { data: { k: 'unlabelled again' } });
      expect(await w.quiet(150)).toBe(true);
    } finally {
      w.close();
    }
  });

  test('fieldSelector metadata.name watches one object (kubectl get NAME -w)', async () => {
    const ns = await freshNamespace();
    await h.api.post(cms(ns)).send(configMap('target')).expect(201);
    await h.api.post(cms(ns)).send(configMap('other')).expect(201);
    const w = await openWatch(h, `${cms(ns)}?fieldSelector=${encodeURIComponent('metadata.name=target')}&resourceVersion=0&watch=true`);
    try {
      expect(summary(await w.next())).toBe('ADDED target');
      await mergePatch(`${cms(ns)}/other`, { data: { k: '1' } });
      await mergePatch(`${cms(ns)}/target`, { data: { k: '1' } });
      expect(summary(await w.next())).toBe('MODIFIED target');
      expect(await w.quiet(100)).toBe(true);
    } finally {
      w.close();
    }
  });

  test('timeoutSeconds ends the stream', async () => {
    const ns = await freshNamespace();
    const started = Date.now();
    const w = await openWatch(h, `${cms(ns)}?watch=true&timeoutSeconds=1`);
    await w.ended;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3000);
  });

  test('Table watch events are one-row Tables', async () => {
    const ns = await freshNamespace();
    const w = await openWatch(h, `${cms(ns)}?watch=true&resourceVersion=${h.service.revision()}`, {
      token: 'admin',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    try {
      await h.api.post(cms(ns)).send(configMap('tab')).expect(201);
      const e = await w.next();
      expect(e.type).toBe('ADDED');
      expect(e.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(e.object.rows).toHaveLength(1);
      expect(e.object.rows[0].cells[0]).toBe('tab');
      expect(e.object.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'tab', namespace: ns } });
    } finally {
      w.close();
    }
  });

  test('bookmarks only when allowed, carrying the current revision', async () => {
    const ns = await freshNamespace();
    const saved = watchSettings.bookmarkIntervalMs;
    watchSettings.bookmarkIntervalMs = 100;
    const plain = await openWatch(h, `${cms(ns)}?watch=true&resourceVersion=${h.service.revision()}`);
    const w = await openWatch(h, `${cms(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion=${h.service.revision()}`);
    try {
      const c = (await h.api.post(cms(ns)).send(configMap('bm')).expect(201)).body;
      expect(summary(await w.next())).toBe('ADDED bm');
      const bm = await w.next(2000);
      expect(bm).toEqual({
        type: 'BOOKMARK',
        object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: c.metadata.resourceVersion } },
      });
      expect(summary(await plain.next())).toBe('ADDED bm');
      expect(await plain.quiet(300)).toBe(true);
    } finally {
      watchSettings.bookmarkIntervalMs = saved;
      plain.close();
      w.close();
    }
  });

  test('the viewer may watch; anonymous may not', async () => {
    const ns = await freshNamespace();
    const w = await openWatch(h, `${cms(ns)}?watch=true`, { token: 'viewer' });
    expect(w.status).toBe(200);
    w.close();
    const anon = await openWatch(h, `${cms(ns)}?watch=true`, { token: undefined });
    expect(anon.status).toBe(401);
    await anon.ended;
  });

  test('a watch is closed when the client goes away', async () => {
    const ns = await freshNamespace();
    const w = await openWatch(h, `${cms(ns)}?watch=true`);
    w.close();
    // The server stops the store subscription; a later write must not throw or reach a dead socket.
    for (let i = 0; i < 100 && h.service.cache.watcherCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.service.cache.watcherCount()).toBe(0);
    await h.api.post(cms(ns)).send(configMap('after-close')).expect(201);
  });
});

describe('watch after a restart', () => {
  test('a resourceVersion older than the window is an ERROR event with a 410 Expired Status', async () => {
    const first = await startHarness();
    const oldRv = (await first.api.post(CM).send(configMap('before-restart')).expect(201)).body.metadata.resourceVersion;
    await first.api.post(CM).send(configMap('also-before')).expect(201);
    await first.close({ keepFile: true });

    const second = await startHarness({ file: first.file });
    try {
      // The reopened store remembers objects and the revision, but no events: old revisions cannot be replayed.
      await second.api.get(`${CM}/before-restart`).expect(200);
      const w = await openWatch(second, `${CM}?watch=true&resourceVersion=${oldRv}`);
      expect(w.status).toBe(200);
      const e = await w.next();
      expect(e.type).toBe('ERROR');
      expect(e.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' });
      expect(e.object.message).toMatch(/^too old resource version: /);
      await w.ended;

      // Watching from the revision a fresh list reports works.
      const list = await second.api.get(CM).expect(200);
      const ok = await openWatch(second, `${CM}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
      try {
        await second.api.post(CM).send(configMap('after-restart')).expect(201);
        expect(summary(await ok.next())).toBe('ADDED after-restart');
      } finally {
        ok.close();
      }
    } finally {
      await second.close();
      rmSync(dirname(first.file), { recursive: true, force: true });
    }
  });
});
