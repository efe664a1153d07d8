// Pure computations over one Docker stats document (GET /containers/{id}/stats?stream=false): CPU as a rate over the
// window between the engine's two reads (precpu → cpu), memory as the working set, the figures the kubelet's cAdvisor
// gives metrics-server.

/** The parts of Docker's stats JSON used here (cgroup v1 and v2 engines fill different memory keys). */
export interface DockerStats {
  read?: string;
  preread?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  precpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** One container's usage over a window ending at `timestampNs`. */
export interface UsageSample {
  /** Unix time of the newer read, in nanoseconds. */
  timestampNs: bigint;
  windowNs: number;
  cpuNanoCores: number;
  memoryBytes: number;
}

/**
 * RFC 3339 time with up to nanosecond digits (Docker's `read`) as Unix nanoseconds; undefined for Go's zero time
 * (0001-01-01, what `preread` holds before the engine has a previous sample) or an unreadable string.
 */
export function parseTimeNs(s: string | undefined): bigint | undefined {
  if (!s) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** CPU usage rate in nanocores: the cumulative CPU time the container used between the two reads, per second. */
export function cpuNanoCores(stats: DockerStats): { nanocores: number; windowNs: number } | undefined {
  const read = parseTimeNs(stats.read);
  const preread = parseTimeNs(stats.preread);
  const now = stats.cpu_stats?.cpu_usage?.total_usage;
  const before = stats.precpu_stats?.cpu_usage?.total_usage;
  if (read === undefined || preread === undefined || now === undefined || before === undefined) return undefined;
  const windowNs = Number(read - preread);
  // A restarted cgroup (counter went back) or a zero window gives no rate.
  if (windowNs <= 0 || now < before) return undefined;
  return { nanocores: Math.round(((now - before) / windowNs) * 1e9), windowNs };
}

/**
 * The working set: usage minus inactive file cache (reclaimable page cache), as cAdvisor reports it; cgroup v1
 * engines report the hierarchical `total_inactive_file`, cgroup v2 ones `inactive_file`. Never below zero.
 */
export function memoryWorkingSet(stats: DockerStats): number | undefined {
  const usage = stats.memory_stats?.usage;
  if (usage === undefined) return undefined;
  const s = stats.memory_stats?.stats ?? {};
  const inactive = s.total_inactive_file ?? s.inactive_file ?? 0;
  return Math.max(0, usage - inactive);
}

/** A full sample, or undefined when the engine had no CPU window yet or no memory figure. */
export function usageFromStats(stats: DockerStats): UsageSample | undefined {
  const cpu = cpuNanoCores(stats);
  const memory = memoryWorkingSet(stats);
  const read = parseTimeNs(stats.read);
  if (!cpu || memory === undefined || read === undefined) return undefined;
  return { timestampNs: read, windowNs: cpu.windowNs, cpuNanoCores: cpu.nanocores, memoryBytes: memory };
}
