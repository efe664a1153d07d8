// The service CIDR's well-known addresses and arithmetic, shared by the allocator, the bootstrap objects, the kubelet,
// the service proxy and DNS. IPv4 only (the cluster is single-stack).
import { isIPv4 } from 'node:net';

/** A parsed IPv4 CIDR: `base` is the network address as an unsigned integer, `size` the number of addresses. */
export interface ServiceCidr {
  cidr: string;
  base: number;
  prefix: number;
  size: number;
}

export const ipToInt = (ip: string): number => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
export const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

const parsed = new Map<string, ServiceCidr>();

/** Parses (and normalises to its network address) an IPv4 CIDR such as 10.96.0.0/16; throws on anything else. */
export function parseServiceCidr(cidr: string): ServiceCidr {
  const hit = parsed.get(cidr);
  if (hit) return hit;
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || !isIPv4(m[1]!) || prefix < 1 || prefix > 30) throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - prefix);
  const base = ipToInt(m[1]!) - (ipToInt(m[1]!) % size);
  const out = { cidr: `${intToIp(base)}/${prefix}`, base, prefix, size };
  parsed.set(cidr, out);
  return out;
}

/** The address `index` places above the network address (upstream's GetIndexedIP). */
export function serviceIPAt(cidr: string, index: number): string {
  const c = parseServiceCidr(cidr);
  if (index < 0 || index >= c.size) throw new Error(`index ${index} outside ${c.cidr}`);
  return intToIp(c.base + index);
}

/** The `kubernetes` Service's ClusterIP: the first address of the range (e.g. 10.96.0.1). */
export const kubernetesServiceIP = (cidr: string): string => serviceIPAt(cidr, 1);

/** The `kube-dns` Service's ClusterIP: the tenth address of the range (e.g. 10.96.0.10), as kubeadm picks it. */
export const dnsServiceIP = (cidr: string): string => serviceIPAt(cidr, 10);

/** Whether `ip` is an allocatable address of the range (not the network or broadcast address). */
export function inServiceCidr(cidr: string, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const c = parseServiceCidr(cidr);
  const n = ipToInt(ip);
  return n > c.base && n < c.base + c.size - 1;
}
