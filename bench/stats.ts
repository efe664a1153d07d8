// Latency samples → the figures the report prints (p50, p99, mean in ms; ops/s over the whole timed loop).

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  opsPerSec: number;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samplesMs: number[], wallMs: number): Stats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, opsPerSec: (sorted.length / wallMs) * 1000 };
}

/** Runs `op` `n` times one after another; returns each call's latency and the wall time of the loop. */
export async function timeSequential(n: number, op: (i: number) => Promise<void>): Promise<Stats> {
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
  }
  return summarize(samples, performance.now() - start);
}
