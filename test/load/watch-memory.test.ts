// The server's heap under big objects and many watches (issue 7): 300 updates (264 MiB, eight times the watch window) of one 900 kB ConfigMap while 200
// watches are open — two reading every event (1.8 GB each), fifty never reading their stream, the rest reading but
// idle (a label selector the ConfigMap does not match). Updates alternate a PUT of the whole object with a merge
// patch of one key: each stores a new 900 kB object (the current one is read back from SQLite), and the patches spare
// the run half of the body decoding, which costs the server more than anything measured here. The real server runs
// in its own process with its old space capped at HEAP_LIMIT_MB, so going past the bound kills it; its live heap
// (after a full GC) is sampled every second, and must be back near idle afterwards: the watch window
// (--watch-cache-bytes) is the only thing left holding objects.
import https from 'node:https';
import { jest } from '@jest/globals';
import { call, startServerProcess, type Reply, type ServerProcess } from './server-process.js';

// Generous: the suite runs jest beside the conformance workers (scripts/test.sh), on a loaded machine this heavy run
// takes several times its 70 s alone; the bounds checked here are memory, never time.
jest.setTimeout(420_000);

const UPDATES = 300;
const OBJECT_BYTES = 900 * 1024;
const READERS = 2;
const NOT_READING = 50;
const IDLE = 200 - READERS - NOT_READING;
const WINDOW_MIB = 32;
/** The cap of the server's old space (its JS heap); the server dies if it needs more. */
const HEAP_LIMIT_MB = 192;
/** The live heap may grow at most this far above idle during the run, and at the end. */
const PEAK_ABOVE_IDLE_MB = 128;
const AFTER_ABOVE_IDLE_MB = WINDOW_MIB + 24;

const MiB = 1024 * 1024;
const NS = 'mem';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;

/** A ConfigMap of about OBJECT_BYTES: nine 100 kB values, and a sequence number so each update changes it. */
function bigConfigMap(seq: number): string {
  const data: Record<string, string> = { seq: String(seq) };
  for (let i = 0; i < 9; i++) data[`file-${i}`] = String.fromCharCode(97 + i).repeat(OBJECT_BYTES / 9);
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', labels: { app: 'big' } }, data });
}

interface Watch {
  /** Events seen (complete lines); for readers only. */
  events: number;
  /** resourceVersion of the last event seen, read from the head of its line (no 900 kB JSON.parse per event). */
  lastRv: number;
  /** The type of each event seen, for the short watches at the end. */
  types: string[];
  /** The first bytes of the last event. */
  lastHead: string;
  ended: boolean;
  endedAt?: number;
  close(): void;
}

/** Opens a watch on its own TLS connection; resolves once the headers are in. `read: false` never reads the body. */
function openWatch(s: ServerProcess, path: string, read: boolean): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, s.origin), { ...s.tls, agent: false, headers: { Accept: 'application/json' } }, (res) => {
      const w: Watch = { events: 0, lastRv: 0, types: [], lastHead: '', ended: false, close: () => req.destroy() };
      const end = () => {
        if (!w.ended) {
          w.ended = true;
          w.endedAt = Date.now();
        }
      };
      res.on('close', end);
      res.on('error', end);
      req.on('error', end);
      if (!read) {
        res.pause();
        resolve(w);
        return;
      }
      let head = ''; // the first bytes of the line being received
      res.on('data', (chunk: Buffer) => {
        let from = 0;
        for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
          if (head.length < 2048) head += chunk.subarray(from, Math.min(nl, from + 2048 - head.length)).toString();
          w.events++;
          w.types.push(/^\{"type":"(\w+)"/.exec(head)?.[1] ?? '?');
          const rv = /"resourceVersion":"(\d+)"/.exec(head);
          if (rv) w.lastRv = Number(rv[1]);
          w.lastHead = head;
          head = '';
          from = nl + 1;
        }
        if (head.length < 2048 && from < chunk.length) head += chunk.subarray(from, from + 2048 - head.length).toString();
      });
      resolve(w);
    });
    req.on('error', reject);
    req.end();
  });
}

function expectStatus(r: Reply, status: number): Reply {
  if (r.status !== status) throw new Error(`HTTP ${r.status} (want ${status}): ${r.body.slice(0, 500)}`);
  return r;
}

type Api = (method: string, path: string, body?: string) => Promise<Reply>;

/** A sample of /metrics for configmaps. */
async function metric(api: Api, name: string): Promise<number> {
  const body = expectStatus(await api('GET', '/metrics'), 200).body;
  return Number(new RegExp(`^${name}\\{[^}]*resource="configmaps"[^}]*\\} (\\d+)`, 'm').exec(body)?.[1] ?? 0);
}
const terminatedWatchers = (api: Api) => metric(api, 'apiserver_terminated_watchers_total');
const longRunning = (api: Api) => metric(api, 'apiserver_longrunning_requests');

const mb = (n: number) => `${(n / MiB).toFixed(0)} MiB`;

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let server: ServerProcess;
afterAll(async () => {
  await server?.stop();
});

test(`${UPDATES} updates of a 900 kB ConfigMap under 200 watches keep the heap bounded, and it returns near idle`, async () => {
  server = await startServerProcess(HEAP_LIMIT_MB, ['--watch-cache-bytes', `${WINDOW_MIB}Mi`, '--service-cidr', '10.112.0.0/16']);
  const agent = new https.Agent({ ...server.tls, keepAlive: true, maxSockets: 2 });
  const api: Api = (method, path, body) => call(agent, server.origin, method, path, body);

  const idle = await server.heap();
  expectStatus(
    await api('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })),
    201,
  );
  const created = expectStatus(await api('POST', CMS, bigConfigMap(0)), 201);
  const startRv = Number(JSON.parse(created.body).metadata.resourceVersion);

  const from = `${CMS}?watch=true&resourceVersion=${startRv}`;
  const readers = await Promise.all(Array.from({ length: READERS }, () => openWatch(server, from, true)));
  const stalled = await Promise.all(Array.from({ length: NOT_READING }, () => openWatch(server, from, false)));
  const idlers = await Promise.all(Array.from({ length: IDLE }, () => openWatch(server, `${from}&labelSelector=app%3Dnone`, true)));

  // Every second while the updates run: the live heap, and whether the server has closed the stalled watches yet.
  const t0 = Date.now();
  let peak = idle.heapUsed;
  let allStalledClosedAt: number | undefined;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await server.heap()).heapUsed);
      if (allStalledClosedAt === undefined && (await terminatedWatchers(api)) === NOT_READING) allStalledClosedAt = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  sampler.catch(() => undefined); // awaited below; if the run fails first, its failure is the one to report

  let next = 1;
  const updateRvs: number[] = [];
  const updater = async () => {
    while (next <= UPDATES) {
      const seq = next++;
      const r = expectStatus(
        seq % 2
          ? await api('PUT', `${CMS}/big`, bigConfigMap(seq))
          : await call(
              agent,
              server.origin,
              'PATCH',
              `${CMS}/big`,
              JSON.stringify({ data: { seq: String(seq) } }),
              'application/merge-patch+json',
            ),
        200,
      );
      updateRvs.push(Number(/"resourceVersion":"(\d+)"/.exec(r.body)![1]));
    }
  };
  try {
    await server.alive(Promise.all([updater(), updater()]));
  } finally {
    sampling = false;
  }
  const updatesMs = Date.now() - t0;
  updateRvs.sort((a, b) => a - b);
  const lastRv = updateRvs[UPDATES - 1]!;
  await server.alive(until('the readers to see every update', () => readers.every((w) => w.events === UPDATES), 120_000));
  await sampler;

  // Readers kept up and got everything in order; the server closed the watches that never read early in the run
  // (a stalled client sees nothing until it reads again); idle ones stay.
  for (const w of readers) {
    expect(w.ended).toBe(false);
    expect(w.lastRv).toBe(lastRv);
  }
  expect(await terminatedWatchers(api)).toBe(NOT_READING);
  // Early: within a quarter of the run, or 10 s where the whole run is short (seen by a 1 s sampler that forces a
  // full GC in the server each time, so it notices a closure a second or two late).
  expect(allStalledClosedAt).toBeLessThan(Math.max(updatesMs / 4, 10_000));
  expect(idlers.filter((w) => w.ended)).toHaveLength(0);
  expect(await longRunning(api)).toBe(READERS + IDLE);

  // The window kept the newest events within its bytes: a recent revision resumes, the first one is gone (410).
  const recent = await openWatch(server, `${CMS}?watch=true&resourceVersion=${updateRvs[UPDATES - 6]}`, true);
  await until('5 replayed events', () => recent.events === 5, 10_000);
  expect(recent.types).toEqual(Array(5).fill('MODIFIED'));
  const expired = await openWatch(server, from, true);
  await until('the 410', () => expired.ended, 10_000);
  expect(expired.types).toEqual(['ERROR']);
  expect(expired.lastHead).toMatch(/"reason":"Expired","code":410/);
  recent.close();

  [...readers, ...stalled, ...idlers].forEach((w) => w.close());
  await new Promise((r) => setTimeout(r, 500));
  const after = await server.heap();
  agent.destroy();
  process.stderr.write(
    `watch-memory: ${UPDATES} updates in ${(updatesMs / 1000).toFixed(1)} s (stalled watches closed by ${allStalledClosedAt} ms); ` +
      `server heap after GC: idle ${mb(idle.heapUsed)}, peak ${mb(peak)}, after ${mb(after.heapUsed)} (rss ${mb(after.rss)}); ` +
      `old space capped at ${HEAP_LIMIT_MB} MiB, window ${WINDOW_MIB} MiB\n`,
  );
  expect(server.child.exitCode).toBeNull();
  expect(peak - idle.heapUsed).toBeLessThan(PEAK_ABOVE_IDLE_MB * MiB);
  expect(after.heapUsed - idle.heapUsed).toBeLessThan(AFTER_ABOVE_IDLE_MB * MiB);
});
