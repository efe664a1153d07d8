// Does hardening cost throughput? GET, LIST and CREATE on this build and on the commit before issue 7 (decoder
// limits, request checks, bounded watch window), both `dockube server`s running side by side in the same run.
// Usage: npm run build && npm run bench:hardening   (BENCH_BASELINE=<commit> compares with another commit)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { startDockube, type Dockube } from './dockube-server.js';
import { buildBaseline } from './baseline-build.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { summarize, type Stats } from './stats.js';
import { cmPath, configMap, ns, parallel } from './configmaps.js';
import { runBench, saveResults } from './table.js';

const BASELINE = process.env.BENCH_BASELINE || 'e0ccdbb';
const N = { get: 4000, list: 200, create: 1000, createBig: 200 };
const WARMUP = { get: 200, list: 10, create: 20, createBig: 5 };
/** Samples are taken in rounds that alternate which server goes first, so drift on a shared machine hits both. */
const ROUNDS = 8;
const LIST_SIZE = 1000;
const BIG_BYTES = 512 * 1024;
const OVERALL_TIMEOUT_MS = 20 * 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'hardening-latest.json');

interface Side {
  name: string;
  dk: Dockube;
  agent: https.Agent;
}
interface Row {
  op: string;
  current: Stats;
  baseline: Stats;
  ratio: number;
}

/** A ConfigMap of about BIG_BYTES (8 files of 64 KiB): every byte goes through the body decoders. */
function bigConfigMap(name: string): string {
  const data: Record<string, string> = {};
  for (let i = 0; i < 8; i++) data[`file-${i}.txt`] = `line ${i}\n`.repeat(BIG_BYTES / 8 / 7).slice(0, BIG_BYTES / 8);
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data });
}

async function populate(s: Side): Promise<number> {
  for (const name of ['bench-list', 'bench-create']) await expectStatus(201, s.agent, s.dk.origin, 'POST', '/api/v1/namespaces', ns(name));
  const pool = new https.Agent({ ...s.dk.tls, keepAlive: true, maxSockets: 4 });
  await parallel(LIST_SIZE, 4, async (i) => {
    await expectStatus(201, pool, s.dk.origin, 'POST', cmPath('bench-list'), configMap(`cm-${String(i).padStart(4, '0')}`));
  });
  pool.destroy();
  const list = await expectStatus(200, s.agent, s.dk.origin, 'GET', cmPath('bench-list'));
  return (JSON.parse(list.body.toString()) as { items: unknown[] }).items.length;
}

/**
 * Times `op` n times on each side, in ROUNDS rounds (current first, then baseline first, ...), after `warm` untimed
 * calls on each. Each side's figures are over all its samples; ops/s over the time its own loops took.
 */
async function compare(sides: [Side, Side], n: number, warm: number, op: (s: Side, i: number) => Promise<void>): Promise<[Stats, Stats]> {
  const samples: number[][] = [[], []];
  const wall = [0, 0];
  for (const s of sides) for (let i = 0; i < warm; i++) await op(s, -1 - i);
  const next = [0, 0];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) {
      const count = Math.round((n * (r + 1)) / ROUNDS) - Math.round((n * r) / ROUNDS);
      const start = performance.now();
      for (let j = 0; j < count; j++) {
        const t0 = performance.now();
        await op(sides[k]!, next[k]!++);
        samples[k]!.push(performance.now() - t0);
      }
      wall[k]! += performance.now() - start;
    }
  }
  return [summarize(samples[0]!, wall[0]!), summarize(samples[1]!, wall[1]!)];
}

async function bench(current: Side, baseline: Side): Promise<Row[]> {
  process.stderr.write(`populating ${LIST_SIZE} configmaps on each server...\n`);
  const listed = await Promise.all([populate(current), populate(baseline)]);
  if (listed[0] !== listed[1]) throw new Error(`the servers list ${listed[0]} and ${listed[1]} configmaps`);
  const sides: [Side, Side] = [current, baseline];
  const rows: Row[] = [];
  const row = async (op: string, n: number, warm: number, fn: (s: Side, i: number) => Promise<void>) => {
    const [c, b] = await compare(sides, n, warm, fn);
    rows.push({ op, current: c, baseline: b, ratio: c.p50 / b.p50 });
    process.stderr.write(`done: ${op}\n`);
  };
  await row('GET one configmap', N.get, WARMUP.get, async (s, i) => {
    await expectStatus(200, s.agent, s.dk.origin, 'GET', cmPath('bench-list', `cm-${String(Math.abs(i) % LIST_SIZE).padStart(4, '0')}`));
  });
  await row(`LIST ${listed[0]} configmaps`, N.list, WARMUP.list, async (s) => {
    await expectStatus(200, s.agent, s.dk.origin, 'GET', cmPath('bench-list'));
  });
  await row('CREATE configmap (~700 B)', N.create, WARMUP.create, async (s, i) => {
    await expectStatus(201, s.agent, s.dk.origin, 'POST', cmPath('bench-create'), configMap(`c${i}`));
  });
  await row(`CREATE configmap (${BIG_BYTES / 1024} KiB)`, N.createBig, WARMUP.createBig, async (s, i) => {
    await expectStatus(201, s.agent, s.dk.origin, 'POST', cmPath('bench-create'), bigConfigMap(`big${i}`));
  });
  return rows;
}

function table(rows: Row[], baselineCommit: string): string {
  const f = (x: number) => x.toFixed(x < 10 ? 3 : 1);
  const head = ['operation', 'N', 'current p50', 'p99', 'ops/s', `${baselineCommit} p50`, 'p99', 'ops/s', 'current/baseline p50'];
  const lines = rows.map((r) => [
    r.op,
    String(r.current.n),
    f(r.current.p50),
    f(r.current.p99),
    r.current.opsPerSec.toFixed(0),
    f(r.baseline.p50),
    f(r.baseline.p99),
    r.baseline.opsPerSec.toFixed(0),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = head.map((_, c) => Math.max(head[c]!.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (l: string[]) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const base = await buildBaseline(BASELINE);
  const servers: Dockube[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= Promise.all(servers.map((s) => s.stop())).then(() => undefined));
  const abort = (why: string) => {
    process.stderr.write(`bench: ${why}\n`);
    void cleanup().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
  process.once('SIGINT', () => abort('interrupted'));
  try {
    const cur = await startDockube();
    servers.push(cur);
    const old = await startDockube([], base.main);
    servers.push(old);
    process.stderr.write(`current at ${cur.origin} (pid ${cur.pid}); ${base.commit} at ${old.origin} (pid ${old.pid}, from ${base.dir})\n`);
    const current: Side = { name: 'current', dk: cur, agent: keepAliveAgent(cur.tls) };
    const baseline: Side = { name: base.commit, dk: old, agent: keepAliveAgent(old.tls) };
    const rows = await bench(current, baseline);
    current.agent.destroy();
    baseline.agent.destroy();
    const result = {
      baseline: base.commit,
      n: N,
      warmup: WARMUP,
      rounds: ROUNDS,
      rows,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${table(rows, base.commit)}\n\nlatencies in ms; ratio = current p50 / ${base.commit} p50. Results: ${RESULTS}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
