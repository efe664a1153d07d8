// Subject alternative names for the serving certificate: which names and addresses clients may dial.
import { ipVersion, isUnspecifiedIp } from '../machinery/ip-literal.js';
import { hostname, networkInterfaces } from 'node:os';

export interface SanSet {
  dnsNames: string[];
  ips: string[];
}

/** Always served: the loopback names a local kubectl uses. */
const ALWAYS: string[] = ['localhost', '127.0.0.1', '::1'];

/** Splits host strings into DNS names and IPs (canonical form), adds the loopback ones and drops unusable entries. */
export function sanSetOf(hosts: string[]): SanSet {
  const dnsNames = new Set<string>();
  const ips = new Set<string>();
  for (const raw of [...ALWAYS, ...hosts]) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1'); // tolerate bracketed IPv6
    if (!host) continue;
    if (ipVersion(host)) {
      if (!isUnspecifiedIp(host)) ips.add(canonicalIp(host));
    } else {
      dnsNames.add(host.toLowerCase());
    }
  }
  return { dnsNames: [...dnsNames], ips: [...ips] };
}

/** The hosts to put in the serving certificate for a bind address: loopback, the host name, and the bind address
 * itself, or every local interface address when binding to all of them. */
export function defaultSanHosts(bindAddress: string): string[] {
  const hosts = ['localhost', hostname(), '127.0.0.1', '::1'];
  if (isUnspecifiedIp(bindAddress)) {
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) if (!a.address.includes('%')) hosts.push(a.address);
    }
  } else {
    hosts.push(bindAddress);
  }
  return hosts;
}

/** Network-order bytes of an IPv4 or IPv6 address (IPv4-embedded IPv6 included), as the iPAddress SAN holds it. */
export function ipToBytes(ip: string): Buffer {
  const addr = ip.replace(/%.*$/, '');
  const version = ipVersion(addr);
  if (version === 4) return Buffer.from(addr.split('.').map(Number));
  if (version !== 6) throw new Error(`not an IP address: ${ip}`);
  let text = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** One spelling per address, so `::1` and `0:0::1` are recognised as the same SAN. */
export function canonicalIp(ip: string): string {
  const bytes = ipToBytes(ip);
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups, as inet_ntop does.
  let best = -1,
    bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
