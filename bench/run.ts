// dockube benchmarks with a same-run baseline: each operation is timed against a real `dockube server` and against a
// bare express HTTPS server answering the same bytes, on the same TLS material and keep-alive settings.
// Usage: npm run build && npm run bench   (BENCH_CPU_PROF=<dir> writes a CPU profile of the dockube process there)
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { dataDirLayout } from '../src/data-dir.js';
import { startDockube, type Dockube } from './dockube-server.js';
import { startBaseline, type Baseline } from './baseline.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { openWatch, type WatchEvent } from './watch-client.js';
import { timeSequential, summarize, type Stats } from './stats.js';
import { DEPENDENTS, applyBigPod, bigPod, createBigPods, createIdleNode, gcOwner } from './api-depth.js';
import { cmPath, configMap, ns, parallel } from './configmaps.js';
import { runBench, saveResults } from './table.js';

const N = { get: 4000, list: 200, create: 500, watch: 300, apply: 100, gc: 3 };
const WARMUP = { get: 200, list: 10, create: 20, watch: 20, apply: 5, gc: 0 };
const LIST_SIZE = 1000;
const OVERALL_TIMEOUT_MS = 10 * 60_000;
const EVENT_TIMEOUT_MS = 10_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'latest.json');

interface Row {
  op: string;
  dockube: Stats;
  baseline: Stats;
  baselineIs: string;
  ratio: number;
}

async function warmThenTime(warm: number, n: number, op: (i: number, warm: boolean) => Promise<void>): Promise<Stats> {
  for (let i = 0; i < warm; i++) await op(i, true);
  return timeSequential(n, (i) => op(i, false));
}

/** Rounds that alternate dockube and its baseline (which goes first alternates too), for the reads. */
const READ_ROUNDS = 8;

/**
 * Warms both up, then times `n` calls of each in READ_ROUNDS rounds that alternate the two, so that load from
 * elsewhere on a shared machine falls on both sides of the ratio rather than on whichever ran during it.
 */
async function alternateTime(
  warm: number,
  n: number,
  dockube: (i: number) => Promise<void>,
  baseline: (i: number) => Promise<void>,
  /** untimed work before each dockube operation (e.g. a write that makes the next LIST a new one) */
  prepare?: (i: number) => Promise<void>,
): Promise<[Stats, Stats]> {
  for (let i = 0; i < warm; i++) await dockube(i);
  for (let i = 0; i < warm; i++) await baseline(i);
  const samples: [number[], number[]] = [[], []];
  const wall = [0, 0];
  const per = Math.ceil(n / READ_ROUNDS);
  for (let r = 0; r < READ_ROUNDS; r++) {
    const order = r % 2 ? [1, 0] : [0, 1];
    for (const side of order) {
      const op = side === 0 ? dockube : baseline;
      const start = performance.now();
      for (let i = r * per; i < Math.min(n, (r + 1) * per); i++) {
        if (side === 0 && prepare) {
          const p0 = performance.now();
          await prepare(i);
          wall[side]! -= performance.now() - p0;
        }
        const t0 = performance.now();
        await op(i);
        samples[side]!.push(performance.now() - t0);
      }
      wall[side]! += performance.now() - start;
    }
  }
  return [summarize(samples[0], wall[0]!), summarize(samples[1], wall[1]!)];
}

/**
 * Write-to-watch-event latency: with a watch open on the namespace, write an object (PATCH `watched`, or POST a new
 * ConfigMap) and time until its event (MODIFIED, or ADDED) arrives on the watch; the write's own response beside it.
 */
async function watchLatency(
  dk: Dockube,
  agent: https.Agent,
  namespace: string,
  write: 'patch' | 'create',
): Promise<{ event: Stats; response: Stats }> {
  const created = await expectStatus(201, agent, dk.origin, 'POST', cmPath(namespace), configMap(`watched-${write}`));
  const rv = (JSON.parse(created.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  let waiting: { type: string; name: string; seq: string; resolve(atMs: number): void } | undefined;
  const onEvent = (e: WatchEvent, at: number) => {
    if (waiting && e.type === waiting.type && e.object.metadata?.name === waiting.name && e.object.data?.seq === waiting.seq)
      waiting.resolve(at);
  };
  const watchAgent = keepAliveAgent(dk.tls); // its own connection: the stream holds it for the whole run
  const watch = await openWatch(watchAgent, dk.origin, `${cmPath(namespace)}?watch=1&resourceVersion=${rv}`, onEvent);
  const eventMs: number[] = [],
    responseMs: number[] = [];
  try {
    const once = async (seq: string) => {
      let timer: NodeJS.Timeout | undefined;
      const name = write === 'patch' ? `watched-${write}` : `w-${seq}`;
      const event = new Promise<number>((resolve, reject) => {
        waiting = { type: write === 'patch' ? 'MODIFIED' : 'ADDED', name, seq, resolve };
        timer = setTimeout(() => reject(new Error(`no watch event for ${write} ${seq} in ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
      });
      const t0 = performance.now();
      if (write === 'patch')
        await expectStatus(
          200,
          agent,
          dk.origin,
          'PATCH',
          cmPath(namespace, name),
          JSON.stringify({ data: { seq } }),
          'application/merge-patch+json',
        );
      else await expectStatus(201, agent, dk.origin, 'POST', cmPath(namespace), configMap(name, { seq }));
      const responded = performance.now();
      const at = await event.finally(() => clearTimeout(timer));
      return { event: at - t0, response: responded - t0 };
    };
    for (let i = 0; i < WARMUP.watch; i++) await once(`w${i}`);
    const start = performance.now();
    for (let i = 0; i < N.watch; i++) {
      const r = await once(String(i));
      eventMs.push(r.event);
      responseMs.push(r.response);
    }
    const wall = performance.now() - start;
    return { event: summarize(eventMs, wall), response: summarize(responseMs, wall) };
  } finally {
    watch.close();
    watchAgent.destroy();
  }
}

async function bench(dk: Dockube, onBaseline: (b: Baseline) => void): Promise<Row[]> {
  const agent = keepAliveAgent(dk.tls);
  const pool = new https.Agent({ ...dk.tls, keepAlive: true, maxSockets: 4 });
  for (const name of ['bench-list', 'bench-create', 'bench-watch', 'bench-apply', 'bench-gc'])
    await expectStatus(201, agent, dk.origin, 'POST', '/api/v1/namespaces', ns(name));

  process.stderr.write(`populating ${LIST_SIZE} configmaps...\n`);
  const pad = (i: number) => String(i % LIST_SIZE).padStart(4, '0');
  await parallel(LIST_SIZE, 4, async (i) => {
    await expectStatus(201, pool, dk.origin, 'POST', cmPath('bench-list'), configMap(`cm-${pad(i)}`));
  });
  pool.destroy();

  // The baseline answers with the very bytes dockube answers, so both sides move the same payload.
  const getBody = (await expectStatus(200, agent, dk.origin, 'GET', cmPath('bench-list', 'cm-0000'))).body;
  const listBody = (await expectStatus(200, agent, dk.origin, 'GET', cmPath('bench-list'))).body;
  const listed = (JSON.parse(listBody.toString()) as { items: unknown[] }).items.length;
  const base = await startBaseline(dataDirLayout(dk.dataDir).pki.dir, dk.dataDir, getBody, listBody);
  onBaseline(base);
  const bAgent = keepAliveAgent(dk.tls);

  const rows: Row[] = [];
  const row = (op: string, dockube: Stats, baseline: Stats, baselineIs: string) => {
    rows.push({ op, dockube, baseline, baselineIs, ratio: dockube.p50 / baseline.p50 });
    process.stderr.write(`done: ${op}\n`);
  };
  const get = (a: https.Agent, origin: string) => async (i: number) => {
    await expectStatus(200, a, origin, 'GET', cmPath('bench-list', `cm-${pad(i)}`));
  };
  row(
    `GET one configmap`,
    ...(await alternateTime(WARMUP.get, N.get, get(agent, dk.origin), get(bAgent, base.origin))),
    `GET answers dockube's own ${getBody.length} B ConfigMap JSON, fixed bytes`,
  );

  const list = (a: https.Agent, origin: string) => async () => {
    await expectStatus(200, a, origin, 'GET', cmPath('bench-list'));
  };
  row(
    `LIST ${listed} configmaps`,
    ...(await alternateTime(WARMUP.list, N.list, list(agent, dk.origin), list(bAgent, base.origin))),
    `GET answers dockube's own ${(listBody.length / 1024).toFixed(0)} KiB list response, pre-serialized`,
  );
  // The row above asks for an unchanged list again, which dockube answers with the bytes it built last time; here
  // one ConfigMap of the list is patched (untimed) before each LIST, so every response is built anew.
  const touch = async (i: number) => {
    const body = JSON.stringify({ data: { touched: String(i) } });
    await expectStatus(200, agent, dk.origin, 'PATCH', cmPath('bench-list', 'cm-0000'), body, 'application/merge-patch+json');
  };
  row(
    `LIST ${listed} configmaps, one changed before each`,
    ...(await alternateTime(WARMUP.list, N.list, list(agent, dk.origin), list(bAgent, base.origin), touch)),
    `the same pre-serialized list response; dockube's list differs from the last one each time`,
  );

  const create = (a: https.Agent, origin: string, prefix: string) => async (i: number, warm: boolean) => {
    await expectStatus(201, a, origin, 'POST', cmPath('bench-create'), configMap(`${prefix}${warm ? 'w' : 'c'}-${i}`));
  };
  const baseCreate = await warmThenTime(WARMUP.create, N.create, create(bAgent, base.origin, 'b'));
  row(
    `CREATE configmap`,
    await warmThenTime(WARMUP.create, N.create, create(agent, dk.origin, 'd')),
    baseCreate,
    'POST: express.json() parses the body, answers 201 echoing it',
  );

  const w = await watchLatency(dk, agent, 'bench-watch', 'patch');
  const baseWatch = await warmThenTime(WARMUP.watch, N.watch, create(bAgent, base.origin, 'x'));
  row(`PATCH → watch event`, w.event, baseWatch, 'no watch in the baseline: the bare create round-trip (POST, parse, 201 echo)');
  row(`PATCH response (same loop)`, w.response, baseWatch, 'the same bare create round-trip');

  // The watch path's own overhead, within dockube: a create's ADDED event against a bare create (POST → 201, no
  // watch open), both against the same server in this run; the target is within 2x.
  const bareCreate = await warmThenTime(WARMUP.watch, N.watch, create(agent, dk.origin, 'bare'));
  const cw = await watchLatency(dk, agent, 'bench-watch', 'create');
  row(`CREATE → watch event (ADDED)`, cw.event, bareCreate, "dockube's own bare create (POST → 201, no watch open), this run");
  row(`CREATE response (same loop)`, cw.response, bareCreate, 'the same dockube bare create');

  await createIdleNode(dk, agent);
  const applied = await applyBigPod(dk, agent, 'bench-apply', N.apply, WARMUP.apply);
  row(
    'server-side apply, 50-container pod',
    applied,
    await createBigPods(dk, agent, 'bench-apply', N.apply, WARMUP.apply),
    "dockube's own plain create of the same pod JSON (POST → 201), this run",
  );
  const bodyPost = (i: number) =>
    expectStatus(201, bAgent, base.origin, 'POST', cmPath('bench-create'), bigPod(`b${i}`, i)).then(() => undefined);
  row(
    'server-side apply, 50-container pod (vs bare)',
    applied,
    await warmThenTime(WARMUP.apply, N.apply, bodyPost),
    'the bare create round trip of the same pod JSON (parse, 201 echo)',
  );

  const gcPool = new https.Agent({ ...dk.tls, keepAlive: true, maxSockets: 4 });
  const gc = await gcOwner(dk, agent, gcPool, 'bench-gc', N.gc);
  gcPool.destroy();
  row(
    `GC: delete owner, ${DEPENDENTS} dependents gone`,
    gc.gc,
    gc.direct,
    `deletecollection of the same ${DEPENDENTS} objects in dockube (no GC)`,
  );

  agent.destroy();
  bAgent.destroy();
  return rows;
}

function table(rows: Row[]): string {
  const f = (x: number) => x.toFixed(x < 10 ? 3 : 1);
  const head = ['operation', 'N', 'server', 'p50 ms', 'p99 ms', 'mean ms', 'ops/s', 'p50 ratio'];
  const cells = (s: Stats) => [f(s.p50), f(s.p99), f(s.mean), s.opsPerSec.toFixed(0)];
  const lines = rows.flatMap((r, i) => [
    [r.op, String(r.dockube.n), 'dockube', ...cells(r.dockube), `${r.ratio.toFixed(1)}x`],
    ['', String(r.baseline.n), `baseline [${i + 1}]`, ...cells(r.baseline), ''],
  ]);
  const widths = head.map((_, c) => Math.max(head[c]!.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (l: string[]) => l.map((cell, c) => (c === 0 || c === 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const notes = rows.map((r, i) => `[${i + 1}] ${r.baselineIs}`);
  return [
    fmt(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(fmt),
    '',
    'baselines (bare express over the same TLS, unless they say dockube):',
    ...notes,
  ].join('\n');
}

async function main(): Promise<void> {
  const prof = process.env.BENCH_CPU_PROF;
  const dk = await startDockube(prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : []);
  let base: Baseline | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= Promise.all([base?.stop(), dk.stop()]).then(() => undefined));
  const abort = (why: string) => {
    process.stderr.write(`bench: ${why}\n`);
    void cleanup().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
  process.once('SIGINT', () => abort('interrupted'));
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid}, data dir ${dk.dataDir})\n`);
    const rows = await bench(dk, (b) => {
      base = b;
    });
    const result = {
      n: N,
      warmup: WARMUP,
      rows,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(`\n${table(rows)}\n\nratio = dockube p50 / baseline p50. Results: ${RESULTS}\n`);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
