// Pod start benchmark: dockube create → Ready against the same containers started with the Docker CLI, same run.
// Usage: npm run build && node dist/bench/pods-run.js   (BENCH_CPU_PROF=<dir>: CPU profile of the dockube process)
// Needs a Docker engine and the test images (scripts/build-test-images.sh).
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { formatTable, runBench, saveResults } from './table.js';
import { keepAliveAgent } from './https-client.js';
import { PodWatch, baselineRemove, dockubeRemove, dockubeStart, ensureNamespace, podStartRow, type PodRow } from './pods.js';

/** Samples per row; BENCH_POD_ROUNDS=one,many,two overrides them (0 leaves a row out), e.g. 4,2,0 for a quick look. */
const ROUNDS = (() => {
  const [one = 10, many = 3, two = 10] = (process.env.BENCH_POD_ROUNDS ?? '').split(',').filter(Boolean).map(Number);
  return { one, many, two };
})();
const MANY = 20;
const NAMESPACE = 'bench-pods';
const OVERALL_TIMEOUT_MS = 15 * 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'pods-latest.json');

function table(rows: PodRow[]): string {
  const head = ['operation', 'n', 'dockube p50', 'p99', 'docker run p50', 'p99', 'ratio', 'pause+app p50', 'ratio'];
  const lines = rows.map((r) => [
    r.op,
    String(r.dockube.n),
    r.dockube.p50.toFixed(0),
    r.dockube.p99.toFixed(0),
    r.baseline.p50.toFixed(0),
    r.baseline.p99.toFixed(0),
    `${r.ratio.toFixed(2)}x`,
    r.pair.p50.toFixed(0),
    `${r.pairRatio.toFixed(2)}x`,
  ]);
  return formatTable(head, lines);
}

async function main(): Promise<void> {
  const prof = process.env.BENCH_CPU_PROF;
  const dk = await startDockube(prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : []);
  const agent = keepAliveAgent(dk.tls);
  // Parallel creates need parallel connections (kubectl apply of many objects has one; a controller has a pool).
  const pool = new https.Agent({ ...dk.tls, keepAlive: true, maxSockets: MANY });
  const watch = new PodWatch(new https.Agent({ ...dk.tls, keepAlive: false }), dk, NAMESPACE);
  let cleaning: Promise<void> | undefined;
  // Pods outlive a server stop by design: delete what the kubelet started, then sweep by the data-dir label.
  const cleanup = () =>
    (cleaning ??= (async () => {
      watch.close();
      await baselineRemove().catch(() => undefined);
      await dk.stop();
      await removeServerContainers(dk);
    })());
  const abort = (why: string) => {
    process.stderr.write(`bench: ${why}\n`);
    void cleanup().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abort(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
  process.once('SIGINT', () => abort('interrupted'));
  const progress = (s: string) => process.stderr.write(`  ${s}\n`);
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid}, data dir ${dk.dataDir})\n`);
    await ensureNamespace(dk, agent, NAMESPACE);
    await watch.open();
    // Warm-up (not counted): the first pod creates the pod network and loads the kubelet's code paths.
    for (let i = 0; i < 2; i++) {
      const d = await dockubeStart(dk, pool, watch, [`warm-${i}`], 'one');
      progress(`warm-up pod ${i + 1}: ${d.toFixed(0)} ms`);
      await dockubeRemove(dk, pool, watch, [`warm-${i}`]);
    }
    const rows: PodRow[] = [];
    if (ROUNDS.one) rows.push(await podStartRow('1 pod, 1 container', dk, pool, watch, ROUNDS.one, 1, 'one', progress));
    if (ROUNDS.many) rows.push(await podStartRow(`${MANY} pods at once (all Ready)`, dk, pool, watch, ROUNDS.many, MANY, 'one', progress));
    if (ROUNDS.two) rows.push(await podStartRow('1 pod, 2 containers', dk, pool, watch, ROUNDS.two, 1, 'two', progress));
    const result = {
      rounds: ROUNDS,
      rows,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${table(rows)}\n\nms; dockube = POST → Ready on a pod watch; docker run = docker run -d of the app containers alone ` +
        `(on dockube-pods, no infra container) until docker inspect says running; pause+app = the infra container on ` +
        `dockube-pods and the app containers in its netns; ratio = dockube p50 / that baseline's p50. Results: ${RESULTS}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
