// resources → cgroup settings with kubelet's arithmetic (cgroup v1, CFS period 100 ms).
import { parseQuantity } from '../machinery/api/quantity.js';
import type { ResourceRequirements } from './k8s-types.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const MIN_QUOTA_US = 1_000;

/** A quantity in millicores, rounded up as Quantity.MilliValue does; undefined when unset. */
export function milliValue(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const n = parseQuantity(q)?.nanos;
  if (n === undefined) return undefined;
  return Number(n % 1_000_000n === 0n ? n / 1_000_000n : n / 1_000_000n + 1n);
}

/** A quantity in whole units (bytes for memory), rounded up as Quantity.Value does. */
export function integerValue(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const n = parseQuantity(q)?.nanos;
  if (n === undefined) return undefined;
  return Number(n % 1_000_000_000n === 0n ? n / 1_000_000_000n : n / 1_000_000_000n + 1n);
}

export function milliCpuToShares(milli: number): number {
  if (milli === 0) return MIN_SHARES;
  const shares = Math.floor((milli * 1024) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCpuToQuota(milli: number, period = CPU_PERIOD_US): number {
  if (milli === 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milli * period) / 1000));
}

export interface ResourceHostConfig {
  CpuShares: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
}

export function resourceHostConfig(res: ResourceRequirements | undefined): ResourceHostConfig {
  const cpuLimit = milliValue(res?.limits?.cpu) ?? 0;
  const cpuRequest = milliValue(res?.requests?.cpu) ?? 0;
  // Like kubelet: without a request but with a limit, shares follow the limit.
  const out: ResourceHostConfig = { CpuShares: milliCpuToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest) };
  if (cpuLimit > 0) {
    out.CpuQuota = milliCpuToQuota(cpuLimit);
    out.CpuPeriod = CPU_PERIOD_US;
  }
  const mem = integerValue(res?.limits?.memory);
  if (mem) {
    out.Memory = mem;
    out.MemorySwap = mem;
  } // MemorySwap = Memory: no swap, as in Kubernetes
  const memReq = integerValue(res?.requests?.memory);
  if (memReq) out.MemoryReservation = memReq;
  return out;
}
