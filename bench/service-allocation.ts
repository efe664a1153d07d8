// Service allocation benchmark (issue 11): creating Services (a ClusterIP, or a ClusterIP and a NodePort, from the
// in-memory maps) beside creating ConfigMaps of similar size through the same ResourceService on SQLite, in the
// same run: what allocation adds to a create. Sequential and 50 in flight; every allocated value distinct.
// Usage: npm run build && node dist/bench/service-allocation.js   (BENCH_SERVICE_ALLOC_N, default 2000 per kind)
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from '../src/registry/registry.js';
import { RESOURCES } from '../src/registry/resources/index.js';
import { withServiceAllocation } from '../src/registry/resources/service-allocation.js';
import { ResourceService, type WriteContext } from '../src/registry/service.js';
import type { KObject } from '../src/registry/types.js';
import { SqliteStore } from '../src/storage/sqlite-store.js';
import { summarize, timeSequential, type Stats } from './stats.js';
import { formatTable } from './table.js';

const N = Number(process.env.BENCH_SERVICE_ALLOC_N ?? 2000);
const WIDTH = 50;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'service-allocation-latest.json');
const ctx = (): WriteContext => ({ user: { name: 'bench', groups: ['system:masters'] }, dryRun: false, warnings: [] });

const configMap = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { app: 'bench' } },
  data: { 'port.http': '80', selector: 'app=bench', protocol: 'TCP' },
});
const service = (name: string, type: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: 'bench' } },
  spec: { type, selector: { app: 'bench' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});

async function timeParallel(n: number, op: (i: number) => Promise<void>): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WIDTH }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return summarize(samples, performance.now() - start);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-bench-alloc-'));
  const store = new SqliteStore(join(dir, 'state.db'));
  const registry = new Registry(withServiceAllocation(RESOURCES, { cidr: '10.96.0.0/16', nodePortMin: 30000, nodePortMax: 32767 }));
  const svc = new ResourceService(store, registry);
  const def = (plural: string) => registry.find('', 'v1', plural)!;
  const nsDef = def('namespaces');
  for (const ns of ['seq', 'par'])
    await svc.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ctx());
  // Node ports run out at 2768: NodePort services are capped below the range's size (two loops share it).
  const nNodePort = Math.min(N, 1300);
  const rows: [string, Stats][] = [];
  const made: KObject[] = [];
  for (const [mode, time] of [
    ['sequential', timeSequential],
    ['50 in flight', timeParallel],
  ] as const) {
    const ns = mode === 'sequential' ? 'seq' : 'par';
    rows.push([
      `configmaps (${mode})`,
      await time(N, async (i) => void (await svc.create(def('configmaps'), ns, configMap(`cm-${i}`), ctx()))),
    ]);
    rows.push([
      `ClusterIP services (${mode})`,
      await time(N, async (i) => void made.push(await svc.create(def('services'), ns, service(`c-${i}`, 'ClusterIP'), ctx()))),
    ]);
    rows.push([
      `NodePort services (${mode})`,
      await time(nNodePort, async (i) => void made.push(await svc.create(def('services'), ns, service(`n-${i}`, 'NodePort'), ctx()))),
    ]);
  }
  const ips = new Set(made.map((s) => (s.spec as { clusterIP: string }).clusterIP));
  const ports = made.flatMap((s) => ((s.spec as { ports: { nodePort?: number }[] }).ports ?? []).map((p) => p.nodePort).filter(Boolean));
  if (ips.size !== made.length || new Set(ports).size !== ports.length) throw new Error('an address or port was handed out twice');
  const base = (mode: string) => rows.find(([n]) => n === `configmaps (${mode})`)![1];
  const lines = rows.map(([name, s]) => {
    const mode = name.includes('sequential') ? 'sequential' : '50 in flight';
    return [name, String(s.n), s.p50.toFixed(3), s.p99.toFixed(3), s.opsPerSec.toFixed(0), `${(s.p50 / base(mode).p50).toFixed(2)}x`];
  });
  console.log(formatTable(['create', 'n', 'p50 ms', 'p99 ms', 'ops/s', 'p50 vs configmaps'], lines));
  await mkdir(dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, JSON.stringify({ at: new Date().toISOString(), rows: Object.fromEntries(rows) }, null, 2) + '\n');
  svc.cache.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
