// A bounded, seeded fuzz run over real HTTP at loopback against the real app and store (plus the WebSocket upgrade
// handler): malformed bodies of every content type (JSON, YAML with anchors and alias bombs, protobuf bytes), deep
// nesting, prototype-named keys, invalid DeleteOptions, selectors, query parameters, path escapes, subresources and
// every verb. It fails on any 5xx, any error that is not a metav1.Status, any dropped connection or crash, any
// request that had to be refused but was not, and any change to the canary objects created before it.
// Replay a run with FUZZ_SEED=<seed> (and FUZZ_COUNT=<n>).
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { configureServiceAccounts, resetServiceAccounts } from '../../src/serviceaccount/runtime.js';
import { generateSigningKey } from '../../src/serviceaccount/signing-key.js';
import { authenticate, startHarness, type Harness } from './harness.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { nodeLookup, type NodeConnection } from '../../src/node/types.js';
import { Prng } from '../support/fuzz/prng.js';
import { fuzzClient } from '../support/fuzz/client.js';
import { checkOutcome } from '../support/fuzz/checks.js';
import {
  chaosRequest,
  collectionPath,
  objectPath,
  poisonRequest,
  type FuzzRequest,
  type FuzzWorld,
  type Target,
} from '../support/fuzz/requests.js';
import { baseObject } from '../support/fuzz/values.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
const BUDGET_MS = 60_000;
const CONCURRENCY = 16;
const CANARY_NAMESPACES = ['canary-a', 'canary-b'];
const SCRATCH_NAMESPACES = ['fz-a', 'fz-b', 'default'];
const IMMORTAL = ['default', 'kube-system', 'kube-public'];

let h: Harness;
let world: FuzzWorld;
const before = new Map<string, Record<string, unknown>>();
const keyOf = (t: Target) => objectPath(t);

async function create(path: string, body: Record<string, unknown>): Promise<void> {
  const res = await h.api.post(path).send(body);
  if (res.status !== 201) throw new Error(`setup: POST ${path} answered ${res.status}: ${res.text}`);
}

/** The canaries as stored now, by path. */
async function snapshot(): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const t of world.canaries) {
    const res = await h.api.get(objectPath(t));
    out.set(keyOf(t), res.status === 200 ? res.body : { missing: res.status });
  }
  return out;
}

/** The fuzzed pods' node: it runs none of their containers, as a node answers for a container it does not have. */
const noContainers = () => Promise.reject(new StatusError(404, 'NotFound', 'container not found on node fz-node'));
const FZ_NODE: NodeConnection = {
  nodeName: 'fz-node',
  containerLogs: noContainers,
  exec: noContainers,
  attach: noContainers,
  portForward: noContainers,
  stats: () => Promise.resolve({ containers: [] }),
};

beforeAll(async () => {
  h = await startHarness({ nodes: nodeLookup(FZ_NODE) });
  const nodes = nodeLookup(FZ_NODE);
  configureServiceAccounts(h.service, generateSigningKey());
  h.server.on('upgrade', createUpgradeHandler({ service: h.service, registry: h.service.registry, authenticate, nodes }));
  // metrics.k8s.io reads the Docker engine's stats on every read: not a decoder, and not this suite's engine.
  const defs = h.service.registry.defs.filter((d) => d.group !== 'metrics.k8s.io');
  const def = (kind: string) => defs.find((d) => d.kind === kind && !d.storage)!;
  for (const ns of [...CANARY_NAMESPACES, ...SCRATCH_NAMESPACES.filter((n) => n !== 'default')]) {
    await create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { canary: ns.startsWith('canary') ? 'yes' : 'no' } },
    });
  }
  // Pods need their namespace's default service account (the ServiceAccount admission plugin is on).
  for (const ns of [...CANARY_NAMESPACES, ...SCRATCH_NAMESPACES])
    await h.api.post(`/api/v1/namespaces/${ns}/serviceaccounts`).send({ metadata: { name: 'default' } });
  const canaries: Target[] = CANARY_NAMESPACES.map((name) => ({ def: def('Namespace'), name }));
  for (const ns of CANARY_NAMESPACES) {
    for (const kind of ['ConfigMap', 'Secret', 'Pod', 'Deployment', 'ServiceAccount', 'Lease'])
      canaries.push({ def: def(kind), namespace: ns, name: `canary-${kind.toLowerCase()}` });
  }
  for (const t of canaries) {
    if (t.def.kind === 'Namespace') continue;
    const apiVersion = t.def.group ? `${t.def.group}/${t.def.version}` : t.def.version;
    const o = baseObject(t.def.kind, apiVersion, t.name, t.namespace);
    (o.metadata as Record<string, unknown>).labels = { canary: 'yes' };
    if (t.def.kind === 'Deployment') {
      const spec = o.spec as { selector: object; template: { metadata: object } };
      spec.selector = { matchLabels: { canary: 'yes' } };
      spec.template.metadata = { labels: { canary: 'yes' } };
    }
    // Keys that name prototype members are ordinary data in a map.
    if (t.def.kind === 'ConfigMap') o.data = { constructor: 'c', __proto__x: 'p', toString: 't' };
    await create(collectionPath(t.def, t.namespace), o);
  }
  // Scratch pods already bound to a node: deleting them is graceful (grace periods of every size).
  for (const [i, ns] of SCRATCH_NAMESPACES.entries()) {
    const p = baseObject('Pod', 'v1', `fz-${i + 1}`, ns);
    (p.spec as Record<string, unknown>).nodeName = 'fz-node';
    await create(collectionPath(def('Pod'), ns), p);
  }
  world = { defs, canaries, canaryNamespaces: CANARY_NAMESPACES, scratchNamespaces: SCRATCH_NAMESPACES };
  for (const [k, v] of await snapshot()) before.set(k, v);
}, 60_000);

afterAll(async () => {
  resetServiceAccounts();
  await h?.close();
});

test(
  `${COUNT} fuzzed requests (seed ${SEED}) within ${BUDGET_MS / 1000} s: no 5xx, only Status errors, poison refused, canaries untouched`,
  async () => {
    const r = new Prng(SEED);
    const client = fuzzClient(h.port);
    const failures = new Map<string, { count: number; example: string }>();
    const byStatus = new Map<string, number>();
    const slowest: { ms: number; what: string }[] = [];
    const crashes: string[] = [];
    const onCrash = (e: unknown) => {
      crashes.push(String((e as Error)?.stack ?? e));
    };
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    const snap = { get: (t: Target) => before.get(keyOf(t)) };
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= COUNT) return;
        // Generated in index order, so a seed always yields the same requests.
        const req: FuzzRequest = r.chance(0.45) ? poisonRequest(r, world, snap) : chaosRequest(r, world);
        const t0 = Date.now();
        const outcome = await client.send(req);
        // Streams take their timeoutSeconds; everything else should be quick.
        if (!/[?&](watch=(true|1)|follow=)/.test(req.path))
          slowest.push({ ms: Date.now() - t0, what: `#${i} [${req.label}] ${req.method} ${req.path.slice(0, 100)} -> ${outcome.status}` });
        if (slowest.length > 20) {
          slowest.sort((a, b) => b.ms - a.ms);
          slowest.length = 5;
        }
        const cls = outcome.error ? 'none' : `${String(outcome.status).slice(0, 1)}xx`;
        byStatus.set(cls, (byStatus.get(cls) ?? 0) + 1);
        const problem = checkOutcome(req, outcome);
        if (problem) {
          // One example per generator and kind of problem, with how often it happened.
          const kind = `[${req.label}] ${problem.replace(/\d+/g, 'N')}`;
          const seen = failures.get(kind);
          if (seen) seen.count++;
          else {
            const body = req.body
              ? req.body
                  .subarray(0, 200)
                  .toString('utf8')
                  .replace(/[^\x20-\x7e]/g, '.')
              : '';
            failures.set(kind, {
              count: 1,
              example: `#${i} ${req.method} ${req.path.slice(0, 200)} (${req.headers['Content-Type'] ?? '-'}) ${body}\n    => ${problem}: ${outcome.body.subarray(0, 300).toString('utf8')}`,
            });
          }
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      client.close();
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
    }
    const elapsed = Date.now() - started;
    slowest.sort((a, b) => b.ms - a.ms);
    console.log(
      `fuzz seed ${SEED}: ${COUNT} requests in ${elapsed} ms (${Math.round(COUNT / (elapsed / 1000))}/s): ${[...byStatus].map(([k, v]) => `${k} ${v}`).join(', ')}\n` +
        `slowest: ${slowest
          .slice(0, 5)
          .map((s) => `${s.ms} ms ${s.what}`)
          .join('\n         ')}`,
    );

    expect(crashes).toEqual([]);
    expect([...failures].map(([kind, f]) => `${f.count}x ${kind}\n  ${f.example}`).join('\n')).toBe('');
    expect(elapsed).toBeLessThan(BUDGET_MS);
    // Still serving, the canaries exactly as they were, the cluster's own namespaces in place.
    await h.api.get('/readyz').expect(200);
    expect(Object.fromEntries(await snapshot())).toEqual(Object.fromEntries(before));
    for (const ns of IMMORTAL) {
      const res = await h.api.get(`/api/v1/namespaces/${ns}`).expect(200);
      expect(res.body.metadata.deletionTimestamp).toBeUndefined();
    }
  },
  BUDGET_MS + 60_000,
);
