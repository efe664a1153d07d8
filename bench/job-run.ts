// Job benchmark (issue 14): a Job of BENCH_JOB_COMPLETIONS short completions with parallelism BENCH_JOB_PARALLELISM,
// from `kubectl apply` until `kubectl wait --for=condition=complete` returns, beside the same number of containers run
// to completion with the Docker CLI (`docker run --rm`, foreground), as many at a time, in the same run.
// Usage: npm run build && npm run bench:job
//   BENCH_JOB_COMPLETIONS (default 50), BENCH_JOB_PARALLELISM (default 10), BENCH_JOB_ROUNDS (default 1),
//   BENCH_JOB_COMMAND (default `sleep 1`)
// Needs a Docker engine, the test images (scripts/build-test-images.sh) and kubectl.1.33 beside kubectl.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { keepAliveAgent } from './https-client.js';
import { kubectlFor, type Kubectl } from './kubectl.js';
import { BASELINE_LABEL, baselineRemove, ensureNamespace } from './pods.js';
import { summarize } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';

const run = promisify(execFile);
const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const COMPLETIONS = envInt('BENCH_JOB_COMPLETIONS', 50);
const PARALLELISM = envInt('BENCH_JOB_PARALLELISM', 10);
const ROUNDS = envInt('BENCH_JOB_ROUNDS', 1);
const COMMAND = process.env.BENCH_JOB_COMMAND ?? 'sleep 1';
const NAMESPACE = 'bench-jobs';
const IMAGE = 'dockube/busybox:test';
const POD_NETWORK = 'dockube-pods';
const OVERALL_TIMEOUT_MS = 30 * 60_000;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'job-latest.json');

const job = (name: string, completions: number, parallelism: number) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: NAMESPACE },
  spec: {
    completions,
    parallelism,
    template: {
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'work', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', COMMAND] }],
      },
    },
  },
});

/** ms from `kubectl apply` until `kubectl wait --for=condition=complete` returns; then deletes the Job and its pods. */
async function jobRun(kc: Kubectl, name: string, completions: number, parallelism: number): Promise<number> {
  const t0 = performance.now();
  await kc.apply(job(name, completions, parallelism));
  await kc(['wait', '--for=condition=complete', `job/${name}`, '-n', NAMESPACE, '--timeout=1200s']);
  const ms = performance.now() - t0;
  const got = await kc(['get', 'job', name, '-n', NAMESPACE, '-o', 'jsonpath={.status.succeeded}/{.status.failed}']);
  if (got !== `${completions}/0`) throw new Error(`job ${name}: succeeded/failed ${got}, wanted ${completions}/0`);
  await kc(['delete', 'job', name, '-n', NAMESPACE, '--cascade=foreground', '--wait=true', '--timeout=300s']);
  return ms;
}

/** ms to run `count` containers to completion with the Docker CLI, `parallelism` at a time (a worker pool). */
async function dockerRun(tag: string, count: number, parallelism: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      await run('docker', ['run', '--rm', '--label', `${BASELINE_LABEL}=${tag}`, '--network', POD_NETWORK, IMAGE, 'sh', '-c', COMMAND]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, count) }, worker));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dk = await startDockube();
  const kc = await kubectlFor(dk);
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await baselineRemove().catch(() => undefined);
      await dk.stop();
      await removeServerContainers(dk);
      await kc.close();
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
    // Warm-up (not counted): the pod network, kubectl's discovery cache, the controllers' code paths.
    progress(`warm-up: 1-completion Job ${s(await jobRun(kc, 'warm', 1, 1))}`);
    const jobs: number[] = [];
    const dockers: number[] = [];
    // Rounds alternate dockube and the Docker CLI, so load from elsewhere on a shared machine falls on both.
    for (let r = 0; r < ROUNDS; r++) {
      const ms = await jobRun(kc, `batch-${r}`, COMPLETIONS, PARALLELISM);
      jobs.push(ms);
      const d = await dockerRun(`job-${r}`, COMPLETIONS, PARALLELISM);
      dockers.push(d);
      progress(`round ${r + 1}/${ROUNDS}: Job ${s(ms)}, docker run ${s(d)} (${(ms / d).toFixed(2)}x)`);
    }
    const stats = summarize(
      jobs,
      jobs.reduce((a, b) => a + b, 0),
    );
    const baseline = summarize(
      dockers,
      dockers.reduce((a, b) => a + b, 0),
    );
    const ratio = stats.p50 / baseline.p50;
    const op = `Job ${COMPLETIONS} completions, parallelism ${PARALLELISM}: apply → condition complete`;
    const baselineOp = `docker run --rm ×${COMPLETIONS}, ${PARALLELISM} at a time`;
    const head = ['operation', 'n', 'p50 ms', 'max ms', 'baseline', 'p50 ms', 'max ms', 'ratio'];
    const lines = [
      [
        op,
        String(stats.n),
        stats.p50.toFixed(0),
        stats.p99.toFixed(0),
        baselineOp,
        baseline.p50.toFixed(0),
        baseline.p99.toFixed(0),
        `${ratio.toFixed(2)}x`,
      ],
    ];
    const result = {
      completions: COMPLETIONS,
      parallelism: PARALLELISM,
      command: COMMAND,
      rounds: ROUNDS,
      rows: [{ op, stats, baselineOp, baseline, ratio }],
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nms, ${ROUNDS} round(s), command \`${COMMAND}\`; ratio = p50 / baseline p50. Results: ${RESULTS}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

runBench(main);
