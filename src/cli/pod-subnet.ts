// IPv4 ranges for a cluster's pod network (--cluster-cidr): parsing, overlap, and the first free /16 of the ranges
// dockube picks from when none is given (10.244.0.0/16 first, flannel's and kubeadm's usual cluster CIDR).
import { parseResolvConf } from '../translate/resolv-conf.js';

/** [first, last] addresses of an IPv4 CIDR as numbers; undefined when malformed or with host bits set. */
export function cidrRange(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) return undefined;
  const bits = Number(m[5]);
  if (bits > 32) return undefined;
  const base = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  return base % size === 0 ? [base, base + size - 1] : undefined;
}

export const overlaps = (a: string, b: string): boolean => {
  const x = cidrRange(a);
  const y = cidrRange(b);
  return !!x && !!y && x[0] <= y[1] && y[0] <= x[1];
};

const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** The gateway of a pod subnet: its first host address (the host holds it on the bridge). */
export const gatewayOf = (cidr: string) => ip(cidrRange(cidr)![0] + 1);

/** Candidates in order: 10.244-10.255, then 10.200-10.243 (each a /16). */
export function candidateSubnets(): string[] {
  const seconds = [...Array(12).keys()].map((i) => 244 + i).concat([...Array(44).keys()].map((i) => 200 + i));
  return seconds.map((s) => `10.${s}.0.0/16`);
}

/** The first candidate overlapping none of `used` (Docker networks' subnets, the service range, host routes, the
 * host's DNS servers). */
export function firstFreeSubnet(used: string[]): string | undefined {
  return candidateSubnets().find((c) => !used.some((u) => overlaps(c, u)));
}

/** Routes of /proc/net/route as CIDRs (the default route left out: it overlaps everything). */
export function routedCidrs(procNetRoute: string): string[] {
  const out: string[] = [];
  for (const line of procNetRoute.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const le = (hex: string) => {
      const n = parseInt(hex, 16);
      return ((n & 255) << 24) + (((n >>> 8) & 255) << 16) + (((n >>> 16) & 255) << 8) + ((n >>> 24) & 255);
    };
    const dest = le(f[1]!) >>> 0;
    const mask = le(f[7]!) >>> 0;
    if (mask === 0) continue;
    const bits = mask.toString(2).replace(/0+$/, '').length;
    out.push(`${ip(dest)}/${bits}`);
  }
  return out;
}

/**
 * The IPv4 DNS servers of a resolv.conf as /32 ranges. A bridge or a service route over one of them would take the
 * host's own name lookups (Docker's bridge driver avoids its nameservers too): a host whose resolver is 10.255.255.53
 * lost DNS once a cluster took 10.255.0.0/16, and `npm install` after it hung on EAI_AGAIN.
 */
export function nameserverCidrs(resolvConf: string): string[] {
  return parseResolvConf(resolvConf)
    .servers.filter((s) => cidrRange(`${s}/32`))
    .map((s) => `${s}/32`);
}

/** A --cluster-cidr value: an IPv4 CIDR from /8 to /24 without host bits. */
export function validClusterCidr(cidr: string): boolean {
  const bits = Number(cidr.split('/')[1]);
  return cidrRange(cidr) !== undefined && bits >= 8 && bits <= 24;
}
