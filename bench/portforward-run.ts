// Port-forward throughput (issue 11): a large file downloaded through `kubectl port-forward` (kubectl 1.33: SPDY
// tunnelled in a WebSocket; 1.29: SPDY/3.1) beside the same download straight from the pod's IP on the pod network,
// in the same run, rounds alternating so load from elsewhere falls on both.
// Usage: npm run build && npm run bench:portforward
//   BENCH_PF_MB (default 100), BENCH_PF_ROUNDS (default 3)
// Needs a Docker engine, the test images (scripts/build-test-images.sh) and kubectl.1.33 and kubectl.1.29 beside kubectl.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { kubectlFor } from './kubectl.js';
import { download, filePod, startPortForward } from './portforward.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';

const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const MB = envInt('BENCH_PF_MB', 100);
const ROUNDS = envInt('BENCH_PF_ROUNDS', 3);
const NAMESPACE = 'bench-portforward';
const POD = 'big-file';
const OVERALL_TIMEOUT_MS = 20 * 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'portforward-latest.json');

const VARIANTS = [
  { label: 'kubectl 1.33 port-forward (SPDY in WebSocket)', version: '1.33', env: {} },
  { label: 'kubectl 1.33 port-forward, websockets off (SPDY/3.1)', version: '1.33', env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
  { label: 'kubectl 1.29 port-forward (SPDY/3.1)', version: '1.29', env: {} },
];

async function main(): Promise<void> {
  // A service range of its own: the host's netfilter tables are shared with any other dockube running.
  const dk = await startDockube([], undefined, ['--service-cidr', '10.115.0.0/16']);
  const kc = await kubectlFor(dk);
  const cleanup = async () => {
    await dk.stop();
    await removeServerContainers(dk);
    await kc.close();
  };
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${OVERALL_TIMEOUT_MS / 1000} s\n`);
    void cleanup().finally(() => process.exit(1));
  }, OVERALL_TIMEOUT_MS);
  const progress = (s: string) => process.stderr.write(`  ${s}\n`);
  const mbps = (r: { ms: number; bytes: number }) => r.bytes / (1024 * 1024) / (r.ms / 1000);
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid}, data dir ${dk.dataDir})\n`);
    await kc(['create', 'namespace', NAMESPACE]);
    await kc.apply({ ...filePod(POD, MB), metadata: { name: POD, namespace: NAMESPACE } });
    await kc(['-n', NAMESPACE, 'wait', '--for=condition=Ready', `pod/${POD}`, '--timeout=120s']);
    const podIP = (await kc(['-n', NAMESPACE, 'get', 'pod', POD, '-o', 'jsonpath={.status.podIP}'])).trim();
    const forwards = [];
    for (const v of VARIANTS) forwards.push({ ...v, fwd: await startPortForward(dk, NAMESPACE, POD, v.version, v.env) });
    // Warm-up (not counted): the first connection of each path.
    await download(podIP, 8080);
    for (const f of forwards) await download('127.0.0.1', f.fwd.localPort);

    const direct: number[] = [];
    const through = new Map<string, number[]>(VARIANTS.map((v) => [v.label, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const d = await download(podIP, 8080);
      if (d.bytes !== MB * 1024 * 1024) throw new Error(`direct download got ${d.bytes} bytes`);
      direct.push(mbps(d));
      const line = [`direct ${mbps(d).toFixed(0)} MiB/s`];
      for (const f of forwards) {
        const x = await download('127.0.0.1', f.fwd.localPort);
        if (x.bytes !== MB * 1024 * 1024) throw new Error(`${f.label} got ${x.bytes} bytes`);
        through.get(f.label)!.push(mbps(x));
        line.push(`${f.version}${f.env.KUBECTL_PORT_FORWARD_WEBSOCKETS ? ' spdy' : ''} ${mbps(x).toFixed(0)} MiB/s`);
      }
      progress(`round ${r + 1}/${ROUNDS}: ${line.join(', ')}`);
    }
    for (const f of forwards) await f.fwd.stop();

    const stat = (xs: number[]): Stats => summarize(xs, 1);
    const base = stat(direct);
    const rows = VARIANTS.map((v) => {
      const s = stat(through.get(v.label)!);
      return { op: v.label, stats: s, baselineOp: `direct to the pod IP`, baseline: base, ratio: s.p50 / base.p50 };
    });
    const head = ['path', 'n', 'p50 MiB/s', 'baseline', 'p50 MiB/s', 'share of direct'];
    const lines = rows.map((x) => [
      x.op,
      String(x.stats.n),
      x.stats.p50.toFixed(0),
      x.baselineOp,
      x.baseline.p50.toFixed(0),
      `${(x.ratio * 100).toFixed(0)} %`,
    ]);
    const result = {
      mb: MB,
      rounds: ROUNDS,
      rows,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nMiB/s of a ${MB} MiB HTTP download (busybox httpd), ${ROUNDS} round(s); share = p50 through / p50 direct ` +
        `(both from this host: direct is host → pod IP on the pod bridge). Results: ${RESULTS}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
