// The node's own usage, read from the host the engine runs on (the kubelet reports the root cgroup): cumulative CPU
// time and the memory working set. Tried in the order cAdvisor would see them: cgroup v1 root, cgroup v2 root, then
// /proc (all CPUs' busy time; MemTotal - MemAvailable).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture dockube runs on. */
const JIFFY_NS = 10_000_000;

/** Busy CPU time (everything but idle and iowait) of the `cpu` line of /proc/stat, in nanoseconds. */
export function procStatBusyNs(text: string): number | undefined {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * JIFFY_NS;
}

/** `key value` lines (memory.stat, cpu.stat) as numbers. */
export function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of text.split('\n')) {
    const [k, v] = l.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/** /proc/meminfo's MemTotal - MemAvailable, in bytes. */
export function meminfoUsedBytes(text: string): number | undefined {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return total === undefined || available === undefined ? undefined : Math.max(0, total - available);
}

export interface HostPaths {
  cgroupRoot: string;
  procRoot: string;
}
const DEFAULT_PATHS: HostPaths = { cgroupRoot: '/sys/fs/cgroup', procRoot: '/proc' };

const read = (f: string) => readFile(f, 'utf8').catch(() => undefined);

/** Cumulative CPU time of the whole host in nanoseconds, or undefined when nothing is readable. */
export async function hostCpuNs(paths: HostPaths = DEFAULT_PATHS): Promise<number | undefined> {
  const v1 = await read(join(paths.cgroupRoot, 'cpuacct', 'cpuacct.usage'));
  if (v1 && Number.isFinite(Number(v1.trim()))) return Number(v1.trim());
  const v2 = await read(join(paths.cgroupRoot, 'cpu.stat'));
  const usec = v2 ? parseKeyValues(v2).usage_usec : undefined;
  if (usec !== undefined) return usec * 1000;
  const stat = await read(join(paths.procRoot, 'stat'));
  return stat ? procStatBusyNs(stat) : undefined;
}

/** The host's memory working set in bytes (root cgroup usage minus inactive file cache), or undefined. */
export async function hostMemoryWorkingSet(paths: HostPaths = DEFAULT_PATHS): Promise<number | undefined> {
  const usage = await read(join(paths.cgroupRoot, 'memory', 'memory.usage_in_bytes'));
  const stat = await read(join(paths.cgroupRoot, 'memory', 'memory.stat'));
  if (usage && stat && Number.isFinite(Number(usage.trim()))) {
    const inactive = parseKeyValues(stat).total_inactive_file ?? 0;
    return Math.max(0, Number(usage.trim()) - inactive);
  }
  const meminfo = await read(join(paths.procRoot, 'meminfo'));
  return meminfo ? meminfoUsedBytes(meminfo) : undefined;
}
