// The pure parts of metrics.k8s.io: Quantity/duration strings as metrics-server serves them, CPU rate and memory
// working set from Docker stats JSON, host usage parsers, and the PodMetrics/NodeMetrics builders.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCpu, formatDuration, formatMemory, quantityValue } from '../../src/metrics/quantity.js';
import { cpuNanoCores, memoryWorkingSet, parseTimeNs, usageFromStats, type DockerStats } from '../../src/metrics/container-stats.js';
import { hostCpuNs, hostMemoryWorkingSet, meminfoUsedBytes, parseKeyValues, procStatBusyNs } from '../../src/metrics/host-usage.js';
import { buildNodeMetrics, buildPodMetrics } from '../../src/metrics/builders.js';
import { podMetricsTable, nodeMetricsTable, sumUsage } from '../../src/metrics/tables.js';
import type { ContainerUsage } from '../../src/metrics/collector.js';
import type { KObject } from '../../src/machinery/api/meta.js';

// A one-shot stats document from a cgroup v1 engine (a busy loop under a 200m CPU limit), trimmed.
const V1_STATS: DockerStats = {
  read: '2026-11-22T01:52:54.751599279Z',
  preread: '2026-11-22T01:52:53.747586161Z',
  cpu_stats: { cpu_usage: { total_usage: 651155462 } },
  precpu_stats: { cpu_usage: { total_usage: 450784398 } },
  memory_stats: { usage: 9_000_000, stats: { cache: 4_000_000, inactive_file: 1_000, total_inactive_file: 2_500_000, rss: 61440 } },
};

describe('quantities', () => {
  test('CPU nanocores in canonical decimal form', () => {
    expect(formatCpu(0)).toBe('0');
    expect(formatCpu(199570165)).toBe('199570165n');
    expect(formatCpu(200_000_000)).toBe('200m');
    expect(formatCpu(1_500_000)).toBe('1500u');
    expect(formatCpu(2_000_000_000)).toBe('2');
    expect(formatCpu(12_340)).toBe('12340n');
    expect(formatCpu(-5)).toBe('0');
  });

  test('memory bytes in canonical binary form', () => {
    expect(formatMemory(0)).toBe('0');
    expect(formatMemory(1000)).toBe('1000');
    expect(formatMemory(2048)).toBe('2Ki');
    expect(formatMemory(1_000_000)).toBe('1000000');
    expect(formatMemory(6_500_000 - 2_500_000 + 96)).toBe('4000096');
    expect(formatMemory(3 * 1024 * 1024)).toBe('3Mi');
    expect(formatMemory(1536 * 1024)).toBe('1536Ki');
  });

  test('quantity values parse back', () => {
    expect(quantityValue('200m')).toBeCloseTo(0.2);
    expect(quantityValue('12345n')).toBeCloseTo(12345e-9);
    expect(quantityValue('2Ki')).toBe(2048);
    expect(quantityValue('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(Number.isNaN(quantityValue('abc'))).toBe(true);
  });

  test('durations as Go prints them', () => {
    expect(formatDuration(1_004_013_118)).toBe('1.004013118s');
    expect(formatDuration(10e9)).toBe('10s');
    expect(formatDuration(90.5e9)).toBe('1m30.5s');
    expect(formatDuration(3600e9 + 2e9)).toBe('1h0m2s');
    expect(formatDuration(250e6)).toBe('250ms');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('container stats', () => {
  test('timestamps keep nanoseconds', () => {
    expect(parseTimeNs('2026-11-22T01:52:54.751599279Z')! - parseTimeNs('2026-11-22T01:52:53.747586161Z')!).toBe(1_004_013_118n);
    expect(parseTimeNs('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseTimeNs('yesterday')).toBeUndefined();
  });

  test('CPU is the usage delta over the window between the two reads', () => {
    // (651155462 - 450784398) ns of CPU in 1.004013118 s
    expect(cpuNanoCores(V1_STATS)).toEqual({ nanocores: 199570165, windowNs: 1_004_013_118 });
  });

  test('no rate without a previous read or with a counter that went back', () => {
    expect(cpuNanoCores({ ...V1_STATS, preread: '0001-01-01T00:00:00Z' })).toBeUndefined();
    expect(cpuNanoCores({ ...V1_STATS, precpu_stats: {} })).toBeUndefined();
    expect(cpuNanoCores({ ...V1_STATS, precpu_stats: { cpu_usage: { total_usage: 9e12 } } })).toBeUndefined();
  });

  test('memory working set subtracts the hierarchical inactive file cache on cgroup v1', () => {
    expect(memoryWorkingSet(V1_STATS)).toBe(9_000_000 - 2_500_000);
  });

  test('memory working set on cgroup v2 uses inactive_file, and never goes negative', () => {
    expect(memoryWorkingSet({ memory_stats: { usage: 5_000_000, stats: { inactive_file: 1_000_000, anon: 3 } } })).toBe(4_000_000);
    expect(memoryWorkingSet({ memory_stats: { usage: 100, stats: { inactive_file: 1_000 } } })).toBe(0);
    expect(memoryWorkingSet({ memory_stats: {} })).toBeUndefined();
  });

  test('a full sample', () => {
    expect(usageFromStats(V1_STATS)).toEqual({
      timestampNs: parseTimeNs(V1_STATS.read),
      windowNs: 1_004_013_118,
      cpuNanoCores: 199570165,
      memoryBytes: 6_500_000,
    });
    expect(usageFromStats({ ...V1_STATS, memory_stats: undefined })).toBeUndefined();
  });
});

describe('host usage', () => {
  test('/proc/stat busy time counts everything but idle and iowait', () => {
    const stat = 'cpu  100 5 20 9999 7 1 2 3 0 0\ncpu0 50 0 10 5000 0 0 0 0 0 0\nintr 1\n';
    expect(procStatBusyNs(stat)).toBe((100 + 5 + 20 + 1 + 2 + 3) * 10_000_000);
    expect(procStatBusyNs('intr 5\n')).toBeUndefined();
  });

  test('meminfo used = total - available', () => {
    expect(meminfoUsedBytes('MemTotal:       1000 kB\nMemFree:  10 kB\nMemAvailable:    400 kB\n')).toBe(600 * 1024);
    expect(meminfoUsedBytes('MemTotal: 1000 kB\n')).toBeUndefined();
  });

  test('key/value files', () => {
    expect(parseKeyValues('usage_usec 42\nuser_usec 10\nbogus\n')).toEqual({ usage_usec: 42, user_usec: 10 });
  });

  test('readers prefer the cgroup v1 root, then cgroup v2, then /proc', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metrics-host-'));
    try {
      const cg = join(dir, 'cg');
      const proc = join(dir, 'proc');
      mkdirSync(join(cg, 'cpuacct'), { recursive: true });
      mkdirSync(join(cg, 'memory'));
      mkdirSync(proc);
      writeFileSync(join(proc, 'stat'), 'cpu  1 0 1 100 0 0 0 0 0 0\n');
      writeFileSync(join(proc, 'meminfo'), 'MemTotal: 2000 kB\nMemAvailable: 500 kB\n');
      const paths = { cgroupRoot: cg, procRoot: proc };
      // Only /proc: jiffies and MemTotal - MemAvailable.
      expect(await hostCpuNs(paths)).toBe(2 * 10_000_000);
      expect(await hostMemoryWorkingSet(paths)).toBe(1500 * 1024);
      // cgroup v2 root.
      writeFileSync(join(cg, 'cpu.stat'), 'usage_usec 777\nuser_usec 700\n');
      expect(await hostCpuNs(paths)).toBe(777_000);
      // cgroup v1 root wins.
      writeFileSync(join(cg, 'cpuacct', 'cpuacct.usage'), '123456789\n');
      writeFileSync(join(cg, 'memory', 'memory.usage_in_bytes'), '10000000\n');
      writeFileSync(join(cg, 'memory', 'memory.stat'), 'cache 5\ntotal_inactive_file 4000000\n');
      expect(await hostCpuNs(paths)).toBe(123456789);
      expect(await hostMemoryWorkingSet(paths)).toBe(6_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('builders and tables', () => {
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'ns1', uid: 'u-1', labels: { app: 'web' }, resourceVersion: '5' },
    spec: { containers: [{ name: 'main' }, { name: 'sidecar' }, { name: 'notrunning' }] },
  };
  const at = parseTimeNs('2026-01-02T03:04:05.900Z')!;
  const usage = (container: string, podUid: string, cpu: number, mem: number, windowNs = 1e9, ts = at): ContainerUsage => ({
    podUid,
    container,
    cpuNanoCores: cpu,
    memoryBytes: mem,
    windowNs,
    timestampNs: ts,
  });
  const now = new Date('2026-01-02T03:04:07.123Z');

  test('PodMetrics: one entry per app container with usage, in spec order, with the pod labels', () => {
    const m = buildPodMetrics(
      pod,
      [
        usage('sidecar', 'u-1', 1_000_000, 4096, 1.2e9),
        usage('main', 'u-1', 200_000_000, 3 * 1024 * 1024),
        usage('main', 'other-pod', 5, 5),
        usage('POD', 'u-1', 1, 1),
      ],
      now,
    );
    expect(m).toEqual({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'web', namespace: 'ns1', creationTimestamp: '2026-01-02T03:04:07Z', labels: { app: 'web' } },
      timestamp: '2026-01-02T03:04:05Z',
      window: '1.2s',
      containers: [
        { name: 'main', usage: { cpu: '200m', memory: '3Mi' } },
        { name: 'sidecar', usage: { cpu: '1m', memory: '4Ki' } },
      ],
    });
  });

  test('PodMetrics: none for a pod without usage', () => {
    expect(buildPodMetrics(pod, [usage('main', 'someone-else', 1, 1)], now)).toBeUndefined();
  });

  test('NodeMetrics and the tables', () => {
    const node: KObject = { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } };
    const nm = buildNodeMetrics(node, { cpuNanoCores: 1_250_000_000, memoryBytes: 2 * 2 ** 30, windowNs: 1e9, timestampNs: at }, now);
    expect(nm).toMatchObject({
      kind: 'NodeMetrics',
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
      usage: { cpu: '1250m', memory: '2Gi' },
      window: '1s',
    });
    expect(nm.metadata.namespace).toBeUndefined();
    expect(nodeMetricsTable.cells(nm, now)).toEqual(['n1', '1250m', '2Gi', '1s']);
    const pm = buildPodMetrics(pod, [usage('main', 'u-1', 200_000_000, 1024), usage('sidecar', 'u-1', 12_345, 1024)], now)!;
    expect(podMetricsTable.columns.map((c) => c.name)).toEqual(['Name', 'cpu', 'memory', 'Window']);
    expect(podMetricsTable.cells(pm, now)).toEqual(['web', '200012345n', '2Ki', '1s']);
    expect(sumUsage([])).toEqual({ cpu: '0', memory: '0' });
  });
});
