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

/** Two sides timed in paired rounds, each side `total` calls in all. */
export interface PairedRounds {
  stats: [Stats, Stats];
  /** Per round, side 0's wall time over side 1's: side 1's throughput relative to side 0's. */
  roundRatios: number[];
  /** Their median: a stall (GC, another process on the shared cores) moves one round, not the result. */
  medianRatio: number;
}

/** Runs `op` for side 0 and side 1 in `rounds` rounds, alternating which side goes first, so drift hits both alike. */
export async function pairedRounds(total: number, rounds: number, op: (side: 0 | 1) => Promise<void>): Promise<PairedRounds> {
  const samples: [number[], number[]] = [[], []];
  const wall = [0, 0];
  const roundRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const took = [0, 0];
    const count = Math.round((total * (r + 1)) / rounds) - Math.round((total * r) / rounds);
    for (const k of r % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      const start = performance.now();
      for (let j = 0; j < count; j++) {
        const t0 = performance.now();
        await op(k);
        samples[k].push(performance.now() - t0);
      }
      took[k] = performance.now() - start;
      wall[k]! += took[k]!;
    }
    roundRatios.push(took[0]! / took[1]!);
  }
  const sorted = [...roundRatios].sort((a, b) => a - b);
  return {
    stats: [summarize(samples[0], wall[0]!), summarize(samples[1], wall[1]!)],
    roundRatios,
    medianRatio: sorted[Math.floor(sorted.length / 2)]!,
  };
}
