// Authorization cost on the request path (issue 12): GET throughput of a service account allowed by one RoleBinding,
// in a namespace holding 1,000 other RoleBindings beside one holding none, on one server in one run. The two are
// sampled in alternating rounds, so drift on a shared machine hits both. Goal: with bindings ≤ 10 % slower.
// Usage: npm run build && npm run bench:rbac   (BENCH_RBAC_GETS, default 4000; BENCH_RBAC_BINDINGS, 1000)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { startDockube } from './dockube-server.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { pairedRounds } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { cmPath, configMap, ns, parallel } from './configmaps.js';

const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const GETS = envInt('BENCH_RBAC_GETS', 4000);
const BINDINGS = envInt('BENCH_RBAC_BINDINGS', 1000);
const WARMUP = 200;
/** Many short rounds, alternating which namespace goes first: each round pairs the two under the same load. */
const ROUNDS = 40;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'rbac-latest.json');
const G = 'rbac.authorization.k8s.io';
const EMPTY = 'bench-rbac-none';
const FULL = 'bench-rbac-many';

const role = () =>
  JSON.stringify({
    apiVersion: `${G}/v1`,
    kind: 'Role',
    metadata: { name: 'cm-reader' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
  });
const binding = (name: string, subjects: object[]) =>
  JSON.stringify({
    apiVersion: `${G}/v1`,
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: G, kind: 'Role', name: 'cm-reader' },
    subjects,
  });

/** GET with a bearer token over a connection that presents no client certificate (x509 would authenticate first). */
function getAs(agent: https.Agent, origin: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, origin),
      { agent, headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dk = await startDockube();
  const admin = keepAliveAgent(dk.tls);
  const pool = new https.Agent({ ...dk.tls, keepAlive: true, maxSockets: 4 });
  const asSa = new https.Agent({ ca: dk.tls.ca, keepAlive: true, maxSockets: 1 });
  const call = (want: number, method: string, path: string, body?: string) => expectStatus(want, admin, dk.origin, method, path, body);
  try {
    await call(201, 'POST', '/api/v1/namespaces', ns('bench-rbac-sa'));
    await call(
      201,
      'POST',
      '/api/v1/namespaces/bench-rbac-sa/serviceaccounts',
      JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } }),
    );
    const tr = await call(
      201,
      'POST',
      '/api/v1/namespaces/bench-rbac-sa/serviceaccounts/reader/token',
      JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }),
    );
    const token = (JSON.parse(tr.body.toString()) as { status: { token: string } }).status.token;
    const sa = { kind: 'ServiceAccount', name: 'reader', namespace: 'bench-rbac-sa' };
    for (const n of [EMPTY, FULL]) {
      await call(201, 'POST', '/api/v1/namespaces', ns(n));
      await call(201, 'POST', `/apis/${G}/v1/namespaces/${n}/roles`, role());
      await call(201, 'POST', cmPath(n), configMap('target'));
    }
    // The namespace with many: other users, groups and service accounts, bound before and after the reader's binding.
    process.stderr.write(`creating ${BINDINGS} RoleBindings...\n`);
    const noise = (i: number) => [
      { kind: 'User', apiGroup: G, name: `user-${i}` },
      { kind: 'Group', apiGroup: G, name: `group-${i}` },
      { kind: 'ServiceAccount', name: `sa-${i}`, namespace: FULL },
    ];
    await parallel(Math.floor(BINDINGS / 2), 4, (i) =>
      expectStatus(201, pool, dk.origin, 'POST', `/apis/${G}/v1/namespaces/${FULL}/rolebindings`, binding(`a-${i}`, noise(i))).then(
        () => undefined,
      ),
    );
    for (const n of [EMPTY, FULL]) await call(201, 'POST', `/apis/${G}/v1/namespaces/${n}/rolebindings`, binding('reader', [sa]));
    await parallel(BINDINGS - Math.floor(BINDINGS / 2), 4, (i) =>
      expectStatus(
        201,
        pool,
        dk.origin,
        'POST',
        `/apis/${G}/v1/namespaces/${FULL}/rolebindings`,
        binding(`b-${i}`, noise(BINDINGS + i)),
      ).then(() => undefined),
    );
    const listed = JSON.parse((await call(200, 'GET', `/apis/${G}/v1/namespaces/${FULL}/rolebindings`)).body.toString()) as {
      items: unknown[];
    };
    // The authorizer reads the watch cache's copy: wait until both bindings allow.
    for (const n of [EMPTY, FULL]) {
      const until = Date.now() + 10_000;
      while ((await getAs(asSa, dk.origin, cmPath(n, 'target'), token)) !== 200) {
        if (Date.now() > until) throw new Error(`the reader is not allowed in ${n}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const op = async (n: string) => {
      const status = await getAs(asSa, dk.origin, cmPath(n, 'target'), token);
      if (status !== 200) throw new Error(`GET in ${n}: HTTP ${status}`);
    };
    const denied = await getAs(asSa, dk.origin, cmPath(FULL), token);
    if (denied !== 403) throw new Error(`LIST should be denied, got ${denied}`);

    const sides = [EMPTY, FULL];
    for (const n of sides) for (let i = 0; i < WARMUP; i++) await op(n);
    /** Per round, the with-bindings side's throughput over the without side's (median: see pairedRounds). */
    const {
      stats: [none, many],
      roundRatios,
      medianRatio,
    } = await pairedRounds(GETS, ROUNDS, (k) => op(sides[k]!));
    const slower = 1 - medianRatio;
    const rows = [
      ['GET as a service account, 1 RoleBinding in the namespace', none],
      [`GET as a service account, ${listed.items.length} RoleBindings in the namespace`, many],
    ] as const;
    const result = {
      gets: GETS,
      bindings: listed.items.length,
      rounds: ROUNDS,
      none,
      many,
      roundRatios,
      overallRatio: many.opsPerSec / none.opsPerSec,
      throughputLoss: slower,
      goal: 'with the bindings, GET throughput at most 10 % below the same without',
      met: slower <= 0.1,
    };
    await saveResults(RESULTS, result);
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\n${formatTable(
        ['operation', 'N', 'p50 ms', 'p99 ms', 'ops/s'],
        rows.map(([name, s]) => [name, String(s.n), f(s.p50), f(s.p99), s.opsPerSec.toFixed(0)]),
      )}\n\nthroughput with ${listed.items.length} RoleBindings: ${((1 - slower) * 100).toFixed(1)} % of the same without, median of ${ROUNDS} paired rounds (${((many.opsPerSec / none.opsPerSec) * 100).toFixed(1)} % over all samples; goal ≥ 90 %: ${result.met ? 'met' : 'not met'}). Results: ${RESULTS}\n`,
    );
  } finally {
    admin.destroy();
    pool.destroy();
    asSa.destroy();
    await dk.stop();
  }
}

runBench(main);
