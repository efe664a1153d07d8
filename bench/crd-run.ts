// Custom resources beside ConfigMaps (issue 15): CREATE, GET and LIST throughput of a CRD's objects (a structural
// schema with defaults, so every write and read prunes, defaults and validates) and of ConfigMaps of about the same
// size, on one server in one run, in alternating rounds so load from elsewhere falls on both.
// Usage: npm run build && npm run bench:crd   (BENCH_CRD_N: objects per kind, default 300; GETs are 8× that)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDockube } from './dockube-server.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { cmPath, ns } from './configmaps.js';

const N = Number(process.env.BENCH_CRD_N ?? 300);
const GETS = N * 8;
const LISTS = 60;
const ROUNDS = 10;
const NS = 'bench-crd';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'crd-latest.json');
const CR_PATH = (name = '') => `/apis/bench.example.com/v1/namespaces/${NS}/widgets${name ? `/${name}` : ''}`;

const crd = JSON.stringify({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.bench.example.com' },
  spec: {
    group: 'bench.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'string', enum: ['small', 'large'] },
                  replicas: { type: 'integer', minimum: 0, default: 1 },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    ],
  },
});
const widget = (name: string) =>
  JSON.stringify({
    apiVersion: 'bench.example.com/v1',
    kind: 'Widget',
    metadata: { name },
    spec: { size: 'small', labels: { a: 'x', b: 'y' } },
  });
const configMap = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { size: 'small', a: 'x', b: 'y' } });

async function main(): Promise<void> {
  const dk = await startDockube();
  const agent = keepAliveAgent(dk.tls);
  const call = (want: number, method: string, path: string, body?: string) => expectStatus(want, agent, dk.origin, method, path, body);
  try {
    await call(201, 'POST', '/api/v1/namespaces', ns(NS));
    await call(201, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    for (const until = Date.now() + 10_000; ;) {
      const r = await expectStatus([200, 404], agent, dk.origin, 'GET', CR_PATH());
      if (r.status === 200) break;
      if (Date.now() > until) throw new Error('the CRD was not served');
      await new Promise((r) => setTimeout(r, 50));
    }
    const kinds = [
      {
        name: 'custom resource',
        create: (i: number) => call(201, 'POST', CR_PATH(), widget(`w-${i}`)),
        get: (i: number) => call(200, 'GET', CR_PATH(`w-${i % N}`)),
        list: () => call(200, 'GET', CR_PATH()),
      },
      {
        name: 'ConfigMap',
        create: (i: number) => call(201, 'POST', cmPath(NS), configMap(`c-${i}`)),
        get: (i: number) => call(200, 'GET', cmPath(NS, `c-${i % N}`)),
        list: () => call(200, 'GET', cmPath(NS)),
      },
    ];
    const rows: [string, Stats, Stats][] = [];
    for (const op of ['create', 'get', 'list'] as const) {
      const total = op === 'create' ? N : op === 'get' ? GETS : LISTS;
      const samples: number[][] = [[], []];
      const wall = [0, 0];
      let done = [0, 0];
      for (let r = 0; r < ROUNDS; r++) {
        const count = Math.round((total * (r + 1)) / ROUNDS) - Math.round((total * r) / ROUNDS);
        for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
          const start = performance.now();
          for (let j = 0; j < count; j++) {
            const t0 = performance.now();
            await kinds[k]![op](done[k]! + j);
            samples[k]!.push(performance.now() - t0);
          }
          wall[k]! += performance.now() - start;
        }
        done = done.map((d) => d + count);
      }
      rows.push([op.toUpperCase(), summarize(samples[0]!, wall[0]!), summarize(samples[1]!, wall[1]!)]);
    }
    const result = Object.fromEntries(
      rows.map(([op, cr, cm]) => [op, { customResource: cr, configMap: cm, ratio: cr.opsPerSec / cm.opsPerSec }]),
    );
    await saveResults(RESULTS, { objects: N, gets: GETS, lists: LISTS, ...result });
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\n${formatTable(
        ['operation', 'N', 'CR p50 ms', 'CR ops/s', 'ConfigMap p50 ms', 'ConfigMap ops/s', 'CR / ConfigMap'],
        rows.map(([op, cr, cm]) => [
          `${op}${op === 'LIST' ? ` (${N} objects)` : ''}`,
          String(cr.n),
          f(cr.p50),
          cr.opsPerSec.toFixed(0),
          f(cm.p50),
          cm.opsPerSec.toFixed(0),
          (cr.opsPerSec / cm.opsPerSec).toFixed(2),
        ]),
      )}\n\nResults: ${RESULTS}\n`,
    );
  } finally {
    agent.destroy();
    await dk.stop();
  }
}

runBench(main);
