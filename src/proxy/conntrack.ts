// Stale UDP conntrack entries (pkg/proxy/conntrack): a UDP "connection" stays pinned to the endpoint it was first
// DNATed to, so when that endpoint goes its entries must be deleted, and when a service gains its first endpoint the
// entries that recorded "no service" (un-NATed) must go too. Pure: which `conntrack -D` calls a change needs.
import { categorize } from './state.js';
import { servicePortName, type ProxyServicePort, type ProxyState } from './types.js';

const key = (p: ProxyServicePort) => `${servicePortName(p)}/${p.protocol}`;
const usedIPs = (p: ProxyServicePort) => {
  const { cluster, local } = categorize(p.endpoints);
  return new Set([...cluster, ...local].map((e) => e.ip));
};

/** `conntrack` argument lists (each to run as `conntrack <args>`), in a stable order. */
export function staleConntrackDeletes(before: ProxyState, after: ProxyState): string[][] {
  const out: string[][] = [];
  const now = new Map(after.ports.filter((p) => p.protocol === 'UDP').map((p) => [key(p), p]));
  const then = new Map(before.ports.filter((p) => p.protocol === 'UDP').map((p) => [key(p), p]));
  for (const [k, old] of then) {
    const cur = now.get(k);
    const keep = cur && cur.clusterIP === old.clusterIP ? usedIPs(cur) : new Set<string>();
    for (const ip of [...usedIPs(old)].filter((ip) => !keep.has(ip)).sort()) {
      out.push(['-D', '--orig-dst', old.clusterIP, '--dst-nat', ip, '-p', 'udp']);
      if (old.nodePort) out.push(['-D', '-p', 'udp', '--dport', String(old.nodePort), '--dst-nat', ip]);
    }
  }
  for (const [k, cur] of now) {
    const old = then.get(k);
    if (!usedIPs(cur).size || (old && old.clusterIP === cur.clusterIP && usedIPs(old).size)) continue;
    out.push(['-D', '--orig-dst', cur.clusterIP, '-p', 'udp']);
    if (cur.nodePort) out.push(['-D', '-p', 'udp', '--dport', String(cur.nodePort)]);
  }
  return out;
}
