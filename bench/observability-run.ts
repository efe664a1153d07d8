// The cost of the request log and of the audit log on GET (issue 13): one configmap GET, answered by three apps over
// one store in this process (nothing logged; the request log at info; the audit log at level Metadata, both written
// to files as a server writes them), sampled in alternating rounds so drift on a shared machine hits all three.
// Usage: npm run build && npm run bench:observability   (BENCH_OBS_GETS per side, default 6000)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp, type AppOptions } from '../src/api/app.js';
import { SqliteStore } from '../src/storage/sqlite-store.js';
import { Registry } from '../src/registry/registry.js';
import { RESOURCES } from '../src/registry/resources/index.js';
import { ResourceService } from '../src/registry/service.js';
import { authorizationChain } from '../src/authorization/union.js';
import { defaultSchemaLookup } from '../src/machinery/apply/default-schema.js';
import { bootstrap } from '../src/server/bootstrap.js';
import { parsePolicy } from '../src/api/audit/policy.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { configMap, cmPath } from './configmaps.js';

const GETS = Number(process.env.BENCH_OBS_GETS ?? 6000);
if (!Number.isInteger(GETS) || GETS < 1)
  throw new Error(`BENCH_OBS_GETS must be a positive whole number, got ${process.env.BENCH_OBS_GETS}`);
const WARMUP = 300;
const ROUNDS = 40;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'observability-latest.json');
const ADMIN = { name: 'bench-admin', groups: ['system:masters', 'system:authenticated'] };
const METADATA_POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules: [{level: Metadata}]\n';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function get(agent: http.Agent, port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, agent, headers: { Accept: 'application/json', 'User-Agent': 'bench' } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-bench-obs-'));
  const store = new SqliteStore(join(dir, 'state.db'));
  const registry = new Registry(RESOURCES);
  const service = new ResourceService(store, registry, {
    authorizer: authorizationChain({ rbac: { authorize: () => ({ allowed: false }) } as never }),
  });
  const requestLogFile = join(dir, 'requests.log');
  const auditFile = join(dir, 'audit.log');
  const requestDest = pino.destination({ dest: requestLogFile, sync: false });
  const auditDest = pino.destination({ dest: auditFile, sync: false });
  const base: AppOptions = {
    service,
    registry,
    schema: defaultSchemaLookup,
    authenticate: () => ADMIN,
    nodes: () => undefined,
    isReady: () => true,
    serverAddress: () => '127.0.0.1:0',
  };
  const sides: [string, AppOptions][] = [
    ['GET, no request log, no audit', base],
    ['GET, request log at info', { ...base, requestLog: { log: pino({ level: 'info' }, requestDest), level: 'info' } }],
    [
      'GET, audit log at Metadata',
      { ...base, audit: { policy: parsePolicy(METADATA_POLICY), write: (l) => void auditDest.write(`${l}\n`) } },
    ],
  ];
  const servers = sides.map(([, o]) => http.createServer(createApp(o)));
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  const agents = sides.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    await bootstrap(service, { address: '127.0.0.1', port: ports[0]! });
    const ctx = { user: ADMIN, dryRun: false, warnings: [] as string[] };
    const def = registry.defs.find((d) => !d.group && d.plural === 'configmaps')!;
    await service.create(def, 'default', JSON.parse(configMap('target')), ctx as never);
    const path = cmPath('default', 'target');
    const op = (k: number) => get(agents[k]!, ports[k]!, path);
    for (let k = 0; k < sides.length; k++) for (let i = 0; i < WARMUP; i++) await op(k);
    const samples: number[][] = sides.map(() => []);
    const wall = sides.map(() => 0);
    /** Per round, each side's speed over the bare side's (by the round's median latency). */
    const roundRatios: number[][] = sides.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      const took = sides.map(() => 0);
      const roundMedian = sides.map(() => 0);
      const count = Math.round((GETS * (r + 1)) / ROUNDS) - Math.round((GETS * r) / ROUNDS);
      const order = [0, 1, 2].map((i) => (i + r) % 3);
      for (const k of order) {
        const start = performance.now();
        const mine: number[] = [];
        for (let j = 0; j < count; j++) {
          const t0 = performance.now();
          await op(k);
          mine.push(performance.now() - t0);
        }
        took[k] = performance.now() - start;
        samples[k]!.push(...mine);
        roundMedian[k] = median(mine);
        wall[k]! += took[k]!;
      }
      // The round's typical GET, not its wall time: a stall from another process on the shared cores moves the latter.
      for (let k = 0; k < sides.length; k++) roundRatios[k]!.push(roundMedian[0]! / roundMedian[k]!);
    }
    requestDest.flushSync();
    auditDest.flushSync();
    const stats: Stats[] = samples.map((s, k) => summarize(s, wall[k]!));
    const relative = roundRatios.map(median);
    const result = {
      getsPerSide: GETS,
      rounds: ROUNDS,
      sides: sides.map(([name], k) => ({ name, ...stats[k], relativeThroughput: relative[k] })),
      requestLogBytes: statSync(requestLogFile).size,
      auditLogBytes: statSync(auditFile).size,
      note: 'relativeThroughput: median over paired rounds of (bare side median GET latency / this side median GET latency); 1 = as fast as with nothing logged',
    };
    await saveResults(RESULTS, result);
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\n${formatTable(
        ['operation', 'N', 'p50 ms', 'p99 ms', 'ops/s', 'vs none'],
        sides.map(([name], k) => [
          name,
          String(stats[k]!.n),
          f(stats[k]!.p50),
          f(stats[k]!.p99),
          stats[k]!.opsPerSec.toFixed(0),
          `${(relative[k]! * 100).toFixed(1)} %`,
        ]),
      )}\n\nGET throughput relative to nothing logged (from each round's median latency, median of ${ROUNDS} paired rounds): request log ${(relative[1]! * 100).toFixed(1)} %, audit at Metadata ${(relative[2]! * 100).toFixed(1)} %. Results: ${RESULTS}\n`,
    );
  } finally {
    agents.forEach((a) => a.destroy());
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
