// Endpoints: NAME ENDPOINTS AGE. ENDPOINTS lists up to three ip:port pairs, then "+ N more...".
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, num, str } from './columns.js';

/** net.JoinHostPort: IPv6 addresses get brackets. */
const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

export function formatEndpoints(subsets: unknown): string {
  const sets = arr(subsets);
  if (sets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of sets) {
    const addrs = arr(ss.addresses);
    const ports = arr(ss.ports);
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(str(a.ip));
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(joinHostPort(str(a.ip), num(p.port)));
    }
  }
  const ret = list.join(',');
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsTable: TableDef = {
  columns: [nameColumn(), column('Endpoints', 'string', 'The addresses and ports of the endpoints (subsets).'), ageColumn()],
  cells: (ep, now) => [nameOf(ep), formatEndpoints(ep.subsets), ageOf(ep, now)],
};
