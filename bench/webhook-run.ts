// Admission webhook overhead per request (issue 15): pod CREATEs (server-side dry run: all of admission, the webhook
// call included, without starting containers) in a namespace a no-op MutatingWebhookConfiguration selects, beside
// the same in a namespace it does not, on one server in one run, in alternating rounds. The webhook is an HTTPS
// server in this process on 127.0.0.1 (a URL webhook with its caBundle), answering `allowed: true` without a patch.
// Usage: npm run build && npm run bench:webhook   (BENCH_WEBHOOK_CREATES, default 1000)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDockube } from './dockube-server.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { pairedRounds } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { ns } from './configmaps.js';

const CREATES = Number(process.env.BENCH_WEBHOOK_CREATES ?? 1000);
if (!Number.isInteger(CREATES) || CREATES < 1) throw new Error(`BENCH_WEBHOOK_CREATES must be a positive whole number`);
const ROUNDS = 20;
const WARMUP = 50;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'webhook-latest.json');
const NONE = 'bench-webhook-none';
const HOOKED = 'bench-webhook-hooked';

/** A CA and a serving certificate for 127.0.0.1 (openssl, EC P-256). */
function certificates(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
  const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=bench-ca');
    ssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tls.crt',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    );
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The no-op webhook: allows everything; counts its calls. */
async function noopWebhook(tls: { cert: string; key: string }): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, allowed: true },
        }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/mutate`,
    calls: () => calls,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const pod = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
  });

async function main(): Promise<void> {
  const tls = certificates();
  const hook = await noopWebhook(tls);
  const dk = await startDockube();
  const agent = keepAliveAgent(dk.tls);
  const call = (want: number, method: string, path: string, body?: string) => expectStatus(want, agent, dk.origin, method, path, body);
  try {
    await call(201, 'POST', '/api/v1/namespaces', ns(NONE));
    await call(
      201,
      'POST',
      '/api/v1/namespaces',
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: HOOKED, labels: { webhook: 'on' } } }),
    );
    const config = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'bench-noop' },
      webhooks: [
        {
          name: 'noop.bench.dockube.io',
          clientConfig: { url: hook.url, caBundle: Buffer.from(tls.ca).toString('base64') },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          namespaceSelector: { matchLabels: { webhook: 'on' } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    };
    await call(201, 'POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', JSON.stringify(config));
    let seq = 0;
    const op = async (namespace: string) => {
      await call(201, 'POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, pod(`p-${seq++}`));
    };
    // The configuration reaches the plugin through its informer: wait for the first call.
    for (const until = Date.now() + 20_000; hook.calls() === 0;) {
      if (Date.now() > until) throw new Error('the webhook was never called');
      await op(HOOKED);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sides = [NONE, HOOKED];
    for (const n of sides) for (let i = 0; i < WARMUP; i++) await op(n);
    const before = hook.calls();
    const {
      stats: [none, hooked],
      roundRatios,
      medianRatio,
    } = await pairedRounds(CREATES, ROUNDS, (k) => op(sides[k]!));
    const webhookCalls = hook.calls() - before;
    if (webhookCalls !== CREATES) throw new Error(`the webhook got ${webhookCalls} calls for ${CREATES} creates`);
    const result = {
      creates: CREATES,
      rounds: ROUNDS,
      none,
      hooked,
      roundRatios,
      medianRatio,
      webhookCalls,
      addedP50Ms: hooked.p50 - none.p50,
    };
    await saveResults(RESULTS, result);
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\n${formatTable(
        ['operation', 'N', 'p50 ms', 'p99 ms', 'ops/s'],
        [
          ['CREATE Pod (dry run), no webhook selects it', none],
          ['CREATE Pod (dry run), one no-op mutating webhook', hooked],
        ].map(([name, s]) => [
          name as string,
          String((s as typeof none).n),
          f((s as typeof none).p50),
          f((s as typeof none).p99),
          (s as typeof none).opsPerSec.toFixed(0),
        ]),
      )}\n\nCREATE throughput with the webhook: ${(medianRatio * 100).toFixed(1)} % of the same without (median of ${ROUNDS} paired rounds); p50 ${f(hooked.p50 - none.p50)} ms more per request. Results: ${RESULTS}\n`,
    );
  } finally {
    agent.destroy();
    await dk.stop();
    await hook.close();
  }
}

runBench(main);
