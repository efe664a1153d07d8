// Workload controllers benchmark (issue 10): a ReplicaSet's pods from `kubectl apply` to all Ready against `docker run
// -d` of as many containers in parallel, and a Deployment's rolling update against its initial rollout, same run.
// Usage: npm run build && npm run bench:workloads
//   BENCH_RS_REPLICAS (default 100), BENCH_ROLL_REPLICAS (default 20), BENCH_WORKLOAD_ROUNDS (default 2)
// Needs a Docker engine, the test images (scripts/build-test-images.sh) and kubectl.1.33 beside kubectl.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import https from 'node:https';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { keepAliveAgent } from './https-client.js';
import { kubectlFor } from './kubectl.js';
import { PodWatch, baselineRemove, ensureNamespace } from './pods.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { IMAGE_V1, IMAGE_V2, deploymentRollout, dockerRunStart, replicaSetStart, rollingBounds } from './workloads.js';

const run = promisify(execFile);
const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number, got ${process.env[name]}`);
  return v;
};
const RS_REPLICAS = envInt('BENCH_RS_REPLICAS', 100);
const ROLL_REPLICAS = envInt('BENCH_ROLL_REPLICAS', 20);
const ROUNDS = envInt('BENCH_WORKLOAD_ROUNDS', 2);
const NAMESPACE = 'bench-workloads';
/** 100 pods on a busy 2-core machine take minutes; a wait gives up well after that. */
const WAIT_TIMEOUT_MS = 10 * 60_000;
const OVERALL_TIMEOUT_MS = 60 * 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'workloads-latest.json');

interface Row {
  op: string;
  stats: Stats;
  baseline: Stats;
  baselineOp: string;
  ratio: number;
}
const row = (op: string, samples: number[], baselineOp: string, baseSamples: number[]): Row => {
  const stats = summarize(
    samples,
    samples.reduce((a, b) => a + b, 0),
  );
  const baseline = summarize(
    baseSamples,
    baseSamples.reduce((a, b) => a + b, 0),
  );
  return { op, stats, baselineOp, baseline, ratio: stats.p50 / baseline.p50 };
};

async function main(): Promise<void> {
  await run('docker', ['tag', IMAGE_V1, IMAGE_V2]);
  const dk = await startDockube();
  const kc = await kubectlFor(dk);
  const watch = new PodWatch(new https.Agent({ ...dk.tls, keepAlive: false }), dk, NAMESPACE, WAIT_TIMEOUT_MS);
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      watch.close();
      await baselineRemove().catch(() => undefined);
      await dk.stop();
      await removeServerContainers(dk);
      await kc.close();
      await run('docker', ['rmi', IMAGE_V2]).catch(() => undefined); // only the tag: IMAGE_V1 keeps the image
    })());
  const abort = (why: string) => {
    process.stderr.write(`bench: ${why}\n`);
    void cleanup().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
  process.once('SIGINT', () => abort('interrupted'));
  const progress = (s: string) => process.stderr.write(`  ${s}\n`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid}, data dir ${dk.dataDir})\n`);
    await ensureNamespace(dk, keepAliveAgent(dk.tls), NAMESPACE);
    await watch.open();
    // Warm-up (not counted): creates the pod network, fills kubectl's discovery cache, loads the controllers' paths.
    progress(`warm-up: 1-replica ReplicaSet ${s((await replicaSetStart(kc, watch, 'warm', 1)).ms)}`);
    const rs: number[] = [];
    const rsDocker: number[] = [];
    const initial: number[] = [];
    const update: number[] = [];
    const rollDocker: number[] = [];
    const bounds: { maxPods: number; minReady: number }[] = [];
    const allowed = rollingBounds(ROLL_REPLICAS);
    // Rounds alternate dockube and the Docker CLI, so load from elsewhere on a shared machine falls on both.
    for (let r = 0; r < ROUNDS; r++) {
      if (RS_REPLICAS) {
        const one = await replicaSetStart(kc, watch, `rs-${r}`, RS_REPLICAS);
        rs.push(one.ms);
        const d = await dockerRunStart(`rs-${r}`, RS_REPLICAS);
        rsDocker.push(d);
        progress(
          `ReplicaSet ${r + 1}/${ROUNDS}: ${RS_REPLICAS} pods Ready ${s(one.ms)} (10/50/90 %: ${[0.1, 0.5, 0.9].map((q) => s(one.each[Math.ceil(q * RS_REPLICAS) - 1]!)).join(' ')}), docker run ${s(d)}`,
        );
      }
      if (ROLL_REPLICAS) {
        const one = await deploymentRollout(kc, watch, `roll-${r}`, ROLL_REPLICAS);
        initial.push(one.initial);
        update.push(one.update);
        const d = await dockerRunStart(`roll-${r}`, ROLL_REPLICAS);
        rollDocker.push(d);
        progress(
          `Deployment ${r + 1}/${ROUNDS}: initial rollout ${s(one.initial)}, rolling update ${s(one.update)} ` +
            `(pods ≤ ${one.maxPods}, Ready ≥ ${one.minReady} throughout; allowed ≤ ${allowed.maxPods}, ≥ ${allowed.minReady}), ` +
            `docker run ${s(d)}`,
        );
        bounds.push({ maxPods: one.maxPods, minReady: one.minReady });
      }
    }
    const rows: Row[] = [];
    if (RS_REPLICAS && ROUNDS) {
      rows.push(row(`ReplicaSet ${RS_REPLICAS}: apply → all Ready`, rs, `docker run -d ×${RS_REPLICAS} in parallel`, rsDocker));
    }
    if (ROLL_REPLICAS && ROUNDS) {
      rows.push(
        row(`Deployment ${ROLL_REPLICAS}: set image → rollout status`, update, `its initial rollout (apply → rollout status)`, initial),
      );
      rows.push(
        row(`Deployment ${ROLL_REPLICAS}: apply → rollout status`, initial, `docker run -d ×${ROLL_REPLICAS} in parallel`, rollDocker),
      );
    }
    const head = ['operation', 'n', 'p50 ms', 'max ms', 'baseline', 'p50 ms', 'max ms', 'ratio'];
    const lines = rows.map((x) => [
      x.op,
      String(x.stats.n),
      x.stats.p50.toFixed(0),
      x.stats.p99.toFixed(0),
      x.baselineOp,
      x.baseline.p50.toFixed(0),
      x.baseline.p99.toFixed(0),
      `${x.ratio.toFixed(2)}x`,
    ]);
    const result = {
      rsReplicas: RS_REPLICAS,
      rollReplicas: ROLL_REPLICAS,
      rounds: ROUNDS,
      rows,
      rollingUpdateSampled: bounds,
      rollingUpdateAllowed: allowed,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nms, ${ROUNDS} round(s); ratio = p50 / baseline p50 (issue 10's goal for the ReplicaSet: ≤ 1.3x). ` +
        `Rolling update: maxSurge 25 %, maxUnavailable 25 %, ${IMAGE_V1} → ${IMAGE_V2}. Results: ${RESULTS}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
