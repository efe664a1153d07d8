// Service traffic benchmark (issue 11): requests through a ClusterIP (kube-proxy's iptables mode) beside the same
// requests straight to a pod IP, in the same run (goal: ≤ 1.1x at the median), throughput with a few clients, and the
// time from a pod becoming Ready (seen on a watch) to its EndpointSlice saying so and to it answering through the
// ClusterIP. Every request opens a new connection, so each one goes through the NAT rules.
// Usage: npm run build && npm run bench:services
//   BENCH_SERVICE_REQUESTS (default 1000 per target), BENCH_SERVICE_READY_ROUNDS (default 5)
// Needs root (the iptables mode), a Docker engine, dockube/netcheck:test (scripts/build-netcheck-image.sh) and kubectl.
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { keepAliveAgent } from './https-client.js';
import { kubectlFor } from './kubectl.js';
import { ensureNamespace } from './pods.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { openWatch } from './watch-client.js';

const run = promisify(execFile);
const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const REQUESTS = envInt('BENCH_SERVICE_REQUESTS', 1000);
const READY_ROUNDS = envInt('BENCH_SERVICE_READY_ROUNDS', 5);
const CONCURRENCY = 8;
const NAMESPACE = 'bench-services';
const IMAGE = 'dockube/netcheck:test';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'services-latest.json');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One GET on a new connection; answers the body and the ms it took. */
function get(host: string, port: number): Promise<{ body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ body: body.trim(), ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error(`${host}:${port}: no answer in 5 s`)));
    req.on('error', reject);
  });
}

/** `n` requests by `clients` concurrent loops; answers each latency and the wall time. */
async function load(host: string, port: number, n: number, clients: number): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) {
        next++;
        samples.push((await get(host, port)).ms);
      }
    }),
  );
  return { samples, wallMs: performance.now() - t0 };
}

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NAMESPACE },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'web',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
          },
        ],
      },
    },
  },
});
const latePod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'late', namespace: NAMESPACE, labels: { app: 'web' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'web',
        image: IMAGE,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
        // Ready exactly while /tmp/ready exists: the bench flips it.
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 },
      },
    ],
  },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: NAMESPACE },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
};

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function main(): Promise<void> {
  await run('bash', [join(ROOT, 'scripts', 'build-netcheck-image.sh')]);
  const dk = await startDockube();
  const kc = await kubectlFor(dk);
  const pool = keepAliveAgent(dk.tls);
  // When the late pod turns Ready (each False → True on a pod watch), and when its endpoint turns ready in its
  // EndpointSlice (the endpointslice controller's part), seen on a second watch.
  const readyAt: number[] = [];
  let lateReady = false;
  let podWatch: { close(): void } | undefined;
  const sliceReadyAt: number[] = [];
  let sliceWatch: { close(): void } | undefined;
  const progress = (s: string) => process.stderr.write(`  ${s}\n`);
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid}, data dir ${dk.dataDir})\n`);
    await ensureNamespace(dk, pool, NAMESPACE);
    podWatch = await openWatch(
      new https.Agent({ ...dk.tls, keepAlive: false }),
      dk.origin,
      `/api/v1/namespaces/${NAMESPACE}/pods?watch=1`,
      (e, at) => {
        const pod = (e as J).object as J;
        if (pod?.metadata?.name !== 'late') return;
        const ready = ((pod.status?.conditions ?? []) as J[]).some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready && !lateReady) readyAt.push(at);
        lateReady = ready;
      },
    );
    await kc.apply(deployment(2));
    await kc.apply(service);
    await kc(['-n', NAMESPACE, 'rollout', 'status', 'deploy/web', '--timeout=120s']);
    const vip = (await kc(['-n', NAMESPACE, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const podIP = (await kc(['-n', NAMESPACE, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.podIP}'])).trim();
    progress(`ClusterIP ${vip}:80, pod ${podIP}:8080`);
    // Warm-up (not counted): the first connections, ARP, the conntrack table.
    for (let i = 0; i < 50; i++) await Promise.all([get(vip, 80), get(podIP, 8080)]);

    // Latency, sequential: alternating blocks of 50 so that load from elsewhere falls on both.
    const viaVip: number[] = [];
    const direct: number[] = [];
    for (let done = 0; done < REQUESTS; done += 50) {
      for (let i = 0; i < 50; i++) viaVip.push((await get(vip, 80)).ms);
      for (let i = 0; i < 50; i++) direct.push((await get(podIP, 8080)).ms);
    }
    // Throughput with CONCURRENCY clients, each target twice, alternating.
    const tput = { vip: [] as number[], direct: [] as number[] };
    const tLat = { vip: [] as number[], direct: [] as number[] };
    for (let r = 0; r < 2; r++) {
      const a = await load(vip, 80, REQUESTS, CONCURRENCY);
      tput.vip.push((a.samples.length / a.wallMs) * 1000);
      tLat.vip.push(...a.samples);
      const b = await load(podIP, 8080, REQUESTS, CONCURRENCY);
      tput.direct.push((b.samples.length / b.wallMs) * 1000);
      tLat.direct.push(...b.samples);
    }
    progress(`latency and throughput done`);

    // Ready → traffic: a third backend whose readiness the bench flips.
    await kc.apply(latePod);
    await kc(['-n', NAMESPACE, 'wait', '--for=jsonpath={.status.phase}=Running', 'pod/late', '--timeout=60s']);
    sliceWatch = await openWatch(
      new https.Agent({ ...dk.tls, keepAlive: false }),
      dk.origin,
      `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices?watch=1`,
      (e, at) => {
        const eps = (((e as J).object?.endpoints ?? []) as J[]).filter((x) => x.targetRef?.name === 'late');
        if (eps.some((x) => x.conditions?.ready === true)) sliceReadyAt.push(at);
      },
    );
    const toSlice: number[] = [];
    const toTraffic: number[] = [];
    for (let r = 0; r < READY_ROUNDS; r++) {
      const readyBefore = readyAt.length;
      const slicesBefore = sliceReadyAt.length;
      await kc(['-n', NAMESPACE, 'exec', 'late', '--', 'touch', '/tmp/ready']);
      let servedAt = 0;
      const deadline = performance.now() + 30_000;
      while (!servedAt && performance.now() < deadline) {
        const r2 = await get(vip, 80).catch(() => undefined);
        if (r2?.body === 'late') servedAt = performance.now();
      }
      if (!servedAt) throw new Error('the late pod never answered through the ClusterIP');
      for (let i = 0; i < 100 && readyAt.length === readyBefore; i++) await new Promise((res) => setTimeout(res, 50));
      const ready = readyAt[readyBefore];
      if (ready === undefined) throw new Error('the late pod was never seen Ready on the watch');
      toTraffic.push(servedAt - ready);
      const sliceAt = sliceReadyAt.slice(slicesBefore)[0];
      if (sliceAt !== undefined) toSlice.push(Math.max(0, sliceAt - ready)); // both writes land together
      progress(
        `round ${r + 1}/${READY_ROUNDS}: Ready → EndpointSlice ${sliceAt === undefined ? '?' : (sliceAt - ready).toFixed(0)} ms, → traffic ${(servedAt - ready).toFixed(0)} ms`,
      );
      // Not ready again (and out of the slice) before the next round.
      await kc(['-n', NAMESPACE, 'exec', 'late', '--', 'rm', '-f', '/tmp/ready']);
      for (let i = 0; i < 200 && lateReady; i++) await new Promise((res) => setTimeout(res, 50));
      await new Promise((res) => setTimeout(res, 500));
    }

    const sum = (xs: number[]) =>
      summarize(
        xs,
        xs.reduce((a, b) => a + b, 0),
      );
    const vipStats = sum(viaVip);
    const directStats = sum(direct);
    const tVip = sum(tLat.vip);
    const tDirect = sum(tLat.direct);
    const rps = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const slice = toSlice.length ? sum(toSlice) : undefined;
    const traffic = sum(toTraffic);
    const ratio = vipStats.p50 / directStats.p50;
    const head = ['measure', 'n', 'p50 ms', 'p99 ms', 'baseline (same run)', 'p50 ms', 'p99 ms', 'ratio'];
    const f = (s: Stats) => [String(s.n), s.p50.toFixed(2), s.p99.toFixed(2)];
    const lines = [
      [
        'GET, new connection, sequential: ClusterIP',
        ...f(vipStats),
        'pod IP',
        directStats.p50.toFixed(2),
        directStats.p99.toFixed(2),
        `${ratio.toFixed(2)}x`,
      ],
      [
        `GET, ${CONCURRENCY} clients: ClusterIP`,
        ...f(tVip),
        'pod IP',
        tDirect.p50.toFixed(2),
        tDirect.p99.toFixed(2),
        `${(tVip.p50 / tDirect.p50).toFixed(2)}x`,
      ],
      [
        `throughput, ${CONCURRENCY} clients (req/s)`,
        '2',
        rps(tput.vip).toFixed(0),
        '',
        'pod IP',
        rps(tput.direct).toFixed(0),
        '',
        `${(rps(tput.direct) / rps(tput.vip)).toFixed(2)}x`,
      ],
      [
        'pod Ready → answers via ClusterIP',
        ...f(traffic),
        slice ? 'of which Ready → EndpointSlice ready' : '',
        slice ? slice.p50.toFixed(2) : '',
        slice ? slice.p99.toFixed(2) : '',
        '',
      ],
    ];
    const result = {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      latency: { clusterIP: vipStats, podIP: directStats, ratioP50: ratio },
      concurrentLatency: { clusterIP: tVip, podIP: tDirect },
      throughputRps: { clusterIP: tput.vip, podIP: tput.direct },
      readyToTrafficMs: toTraffic,
      readyToEndpointSliceMs: toSlice,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nratio = p50 / baseline p50 (throughput: pod IP req/s / ClusterIP req/s); issue 11's goal ≤ 1.1x at the median. ` +
        `Every request on a new connection (each one DNATed). Results: ${RESULTS}\n`,
    );
  } finally {
    sliceWatch?.close();
    podWatch?.close();
    await kc(['delete', 'namespace', NAMESPACE, '--wait=false']).catch(() => undefined);
    await dk.stop();
    await removeServerContainers(dk);
    await kc.close();
  }
}

runBench(main);
