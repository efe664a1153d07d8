// ResourceQuota admission's cost on the write path (issue 15): ConfigMap CREATE throughput in a namespace with a
// ResourceQuota counting them (each create is checked against it and charged to its status.used first, as upstream)
// beside one without, on one server in one run, in alternating rounds so drift on a shared machine hits both.
// Usage: npm run build && npm run bench:quota   (BENCH_QUOTA_CREATES, default 1500)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDockube } from './dockube-server.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { pairedRounds } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { cmPath, configMap, ns } from './configmaps.js';

const CREATES = Number(process.env.BENCH_QUOTA_CREATES ?? 1500);
if (!Number.isInteger(CREATES) || CREATES < 1) throw new Error(`BENCH_QUOTA_CREATES must be a positive whole number`);
const ROUNDS = 30;
const WARMUP = 50;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'quota-latest.json');
const NONE = 'bench-quota-none';
const QUOTA = 'bench-quota-counted';

async function main(): Promise<void> {
  const dk = await startDockube();
  const agent = keepAliveAgent(dk.tls);
  const call = (want: number, method: string, path: string, body?: string) => expectStatus(want, agent, dk.origin, method, path, body);
  try {
    for (const n of [NONE, QUOTA]) await call(201, 'POST', '/api/v1/namespaces', ns(n));
    const quota = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      spec: { hard: { configmaps: '100000', 'count/configmaps': '100000' } },
    };
    await call(201, 'POST', `/api/v1/namespaces/${QUOTA}/resourcequotas`, JSON.stringify(quota));
    // The controller fills status (hard, used) before the quota applies.
    for (const until = Date.now() + 20_000; ;) {
      const q = JSON.parse((await call(200, 'GET', `/api/v1/namespaces/${QUOTA}/resourcequotas/q`)).body.toString()) as {
        status?: { used?: object };
      };
      if (q.status?.used) break;
      if (Date.now() > until) throw new Error('the quota never got a status');
      await new Promise((r) => setTimeout(r, 50));
    }
    let seq = 0;
    const op = async (n: string) => {
      await call(201, 'POST', cmPath(n), configMap(`cm-${seq++}`));
    };
    const sides = [NONE, QUOTA];
    for (const n of sides) for (let i = 0; i < WARMUP; i++) await op(n);
    const {
      stats: [none, counted],
      roundRatios,
      medianRatio,
    } = await pairedRounds(CREATES, ROUNDS, (k) => op(sides[k]!));
    const used = JSON.parse((await call(200, 'GET', `/api/v1/namespaces/${QUOTA}/resourcequotas/q`)).body.toString()) as {
      status: { used: Record<string, string> };
    };
    const result = { creates: CREATES, rounds: ROUNDS, none, counted, roundRatios, medianRatio, quotaUsed: used.status.used };
    await saveResults(RESULTS, result);
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\n${formatTable(
        ['operation', 'N', 'p50 ms', 'p99 ms', 'ops/s'],
        [
          ['CREATE ConfigMap, no quota in the namespace', none],
          ['CREATE ConfigMap, a quota counting configmaps', counted],
        ].map(([name, s]) => [
          name as string,
          String((s as typeof none).n),
          f((s as typeof none).p50),
          f((s as typeof none).p99),
          (s as typeof none).opsPerSec.toFixed(0),
        ]),
      )}\n\nCREATE throughput with the quota: ${(medianRatio * 100).toFixed(1)} % of the same without, median of ${ROUNDS} paired rounds (quota used: ${used.status.used.configmaps}). Results: ${RESULTS}\n`,
    );
  } finally {
    agent.destroy();
    await dk.stop();
  }
}

runBench(main);
