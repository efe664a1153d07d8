// exec round trip: `kubectl exec POD -- echo hi` over SPDY/3.1 (kubectl 1.29) and over WebSocket (kubectl 1.33)
// against dockube, beside `docker exec CONTAINER echo hi` of the same container, in one run. All three are Go CLIs
// that start, connect, run `echo` in the container and exit, so the ratios show what the API server's path adds.
// Usage: npm run build && node dist/bench/exec-run.js   (BENCH_EXEC_N: samples per row, default 20)
// Needs a Docker engine, the test images (scripts/build-test-images.sh) and kubectl.1.29/kubectl.1.33 beside kubectl.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeServerContainers, startDockube } from './dockube-server.js';
import { kubectlFor } from './kubectl.js';
import { formatTable } from './table.js';
import { summarize, type Stats } from './stats.js';

const run = promisify(execFile);
const N = Number(process.env.BENCH_EXEC_N ?? 20);
const WARMUP = 3;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'exec-latest.json');

interface Row {
  op: string;
  stats: Stats;
}

async function main(): Promise<void> {
  const dk = await startDockube();
  const kubectl = await kubectlFor(dk);
  const kc = async (v: string, ...args: string[]) => ({ stdout: await kubectl(args, v) });
  try {
    const node = (await kc('1.33', 'get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
    const overrides = JSON.stringify({ apiVersion: 'v1', spec: { nodeName: node } });
    await kc(
      '1.33',
      'run',
      'box',
      '--image=dockube/busybox:test',
      '--image-pull-policy=IfNotPresent',
      `--overrides=${overrides}`,
      '--',
      'sleep',
      '3600',
    );
    await kc('1.33', 'wait', '--for=condition=Ready', 'pod/box', '--timeout=90s');
    const id = (
      await run('docker', [
        'ps',
        '-q',
        '--filter',
        'label=io.kubernetes.pod.name=box',
        '--filter',
        'label=io.kubernetes.container.name=box',
      ])
    ).stdout.trim();

    const ops: { op: string; call: () => Promise<{ stdout: string }> }[] = [
      { op: 'kubectl 1.29 exec (SPDY/3.1)', call: () => kc('1.29', 'exec', 'box', '--', 'echo', 'hi') },
      { op: 'kubectl 1.33 exec (WebSocket)', call: () => kc('1.33', 'exec', 'box', '--', 'echo', 'hi') },
      { op: 'docker exec (baseline)', call: () => run('docker', ['exec', id, 'echo', 'hi']) },
    ];
    const samples = ops.map(() => [] as number[]);
    const start = performance.now();
    // Interleaved rounds, so drift on a shared machine touches every row alike; the first rounds are not counted.
    for (let round = 0; round < WARMUP + N; round++) {
      for (const [i, o] of ops.entries()) {
        const t0 = performance.now();
        const { stdout } = await o.call();
        if (stdout !== 'hi\n') throw new Error(`${o.op}: unexpected output ${JSON.stringify(stdout)}`);
        if (round >= WARMUP) samples[i]!.push(performance.now() - t0);
      }
    }
    const wall = performance.now() - start;
    const rows: Row[] = ops.map((o, i) => ({ op: o.op, stats: summarize(samples[i]!, wall) }));
    const base = rows[2]!.stats.p50;
    const head = ['operation', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'p50 vs docker exec'];
    const lines = rows.map((r) => [
      r.op,
      String(r.stats.n),
      r.stats.p50.toFixed(1),
      r.stats.p99.toFixed(1),
      r.stats.mean.toFixed(1),
      `${(r.stats.p50 / base).toFixed(2)}x`,
    ]);
    process.stdout.write(formatTable(head, lines) + '\n');
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, JSON.stringify({ at: new Date().toISOString(), n: N, rows }, null, 2) + '\n');
  } finally {
    await kc('1.33', 'delete', 'pod', 'box', '--grace-period=0', '--force').catch(() => undefined);
    await dk.stop();
    await removeServerContainers(dk);
    await kubectl.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
