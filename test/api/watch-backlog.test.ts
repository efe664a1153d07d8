// A watch whose client stops reading is closed once its unsent bytes pass the limit (Kubernetes closes unresponsive
// watchers), so it cannot make the server buffer without end; readers of the same events are not affected, and
// the initial events of a new watch may take their time.
import http from 'node:http';
import { startHarness, type Harness, CM } from './harness.js';
import { WATCH_BACKLOG_LIMIT_BYTES } from '../../src/api/watch-backlog.js';
import { metricsRegistry } from '../../src/api/metrics.js';

const BIG = 900 * 1024;
const big = (name: string, seq: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { seq: String(seq), blob: 'x'.repeat(BIG) },
});

interface RawWatch {
  lines: number;
  ended: boolean;
  res: http.IncomingMessage;
  close(): void;
}

/** A watch over a raw socket; `paused` reads nothing until res.resume(). */
function rawWatch(h: Harness, path: string, paused: boolean): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: h.port, path, headers: { Authorization: 'Bearer admin' }, agent: false }, (res) => {
      const w: RawWatch = { lines: 0, ended: false, res, close: () => req.destroy() };
      res.on('data', (c: Buffer) => {
        for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) w.lines++;
      });
      res.on('close', () => {
        w.ended = true;
      });
      if (paused) res.pause();
      resolve(w);
    });
    req.on('error', reject);
  });
}

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const terminated = async () =>
  (await metricsRegistry.getSingleMetric('apiserver_terminated_watchers_total')!.get()).values.find(
    (v) => v.labels.resource === 'configmaps',
  )?.value ?? 0;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

test('a watch that does not read is closed past the backlog limit; a reading one gets every event', async () => {
  const rv = (await h.api.post(CM).send(big('big', 0)).expect(201)).body.metadata.resourceVersion;
  const reader = await rawWatch(h, `${CM}?watch=true&resourceVersion=${rv}`, false);
  const stalled = await rawWatch(h, `${CM}?watch=true&resourceVersion=${rv}`, true);
  const before = await terminated();
  expect(h.service.cache.watcherCount()).toBe(2);
  // More than the limit and what the kernel's socket buffers take on loopback.
  const updates = Math.ceil((WATCH_BACKLOG_LIMIT_BYTES + 32 * 1024 * 1024) / BIG);
  let closedAfter = 0;
  for (let i = 1; i <= updates; i++) {
    await h.api.put(`${CM}/big`).send(big('big', i)).expect(200);
    if (!closedAfter && h.service.cache.watcherCount() === 1) closedAfter = i;
  }
  expect(closedAfter).toBeGreaterThan(0);
  expect(await terminated()).toBe(before + 1);
  await until('the reader to get every event', () => reader.lines === updates);
  expect(reader.ended).toBe(false);
  // The stalled client finds its connection dropped once it reads again, with only part of the events.
  let stalledLines = 0;
  stalled.res.on('data', (c: Buffer) => {
    for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) stalledLines++;
  });
  stalled.res.resume();
  await until('the stalled watch to end', () => stalled.ended);
  expect(stalled.lines + stalledLines).toBeLessThan(updates);
  reader.close();
});

test('the initial events may exceed the limit while the client catches up, and live events still follow', async () => {
  const count = Math.ceil((WATCH_BACKLOG_LIMIT_BYTES * 3) / BIG);
  for (let i = 0; i < count; i++)
    await h.api
      .post(CM)
      .send(big(`cm-${i}`, 0))
      .expect(201);
  // No resourceVersion: the current state first, as ADDED events (~3 × the limit), to a client not reading yet.
  const w = await rawWatch(h, `${CM}?watch=true`, true);
  await h.api.put(`${CM}/cm-0`).send(big('cm-0', 1)).expect(200);
  await new Promise((r) => setTimeout(r, 200));
  w.res.resume();
  await until('the initial events and the update', () => w.lines === count + 1);
  expect(w.ended).toBe(false);
  expect(h.service.cache.watcherCount()).toBe(1);
  w.close();
});
