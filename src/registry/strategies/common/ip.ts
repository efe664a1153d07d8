// IP parsing and CIDR membership for Service clusterIPs and endpoint addresses.
import { invalid, type Errs } from './field.js';
import { goStringSlice } from './gorender.js';
import { isIP } from 'node:net';

export const IP_EXAMPLE = '(e.g. 10.9.8.7 or 2001:db8::ffff)';

/** Address as a BigInt with its family, or null. */
export function ipToBigInt(ip: string): { v: bigint; family: 4 | 6 } | null {
  const fam = isIP(ip);
  if (fam === 4) {
    // Kubernetes rejects leading zeros in IPv4 octets (ambiguous octal).
    if (ip.split('.').some((o) => o.length > 1 && o.startsWith('0'))) return null;
    return { v: ip.split('.').reduce((a, o) => (a << 8n) + BigInt(Number(o)), 0n), family: 4 };
  }
  if (fam === 6) {
    let s = ip;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    if (v4) {
      const n = ipToBigInt(v4[1]);
      if (!n) return null;
      s = s.slice(0, -v4[1].length) + `${(n.v >> 16n).toString(16)}:${(n.v & 0xffffn).toString(16)}`;
    }
    const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return { v: groups.reduce((a, g) => (a << 16n) + BigInt(parseInt(g || '0', 16)), 0n), family: 6 };
  }
  return null;
}

export function parseCIDR(cidr: string): { base: bigint; bits: number; family: 4 | 6 } | null {
  const [addr, len] = cidr.split('/');
  const ip = ipToBigInt(addr ?? '');
  const bits = Number(len);
  const max = ip?.family === 4 ? 32 : 128;
  if (!ip || len === undefined || !/^\d+$/.test(len) || bits > max) return null;
  const mask = ((1n << BigInt(max)) - 1n) ^ ((1n << BigInt(max - bits)) - 1n);
  return { base: ip.v & mask, bits, family: ip.family };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCIDR(cidr);
  const a = ipToBigInt(ip);
  if (!c || !a || c.family !== a.family) return false;
  const max = c.family === 4 ? 32 : 128;
  return a.v >> BigInt(max - c.bits) === c.base >> BigInt(max - c.bits);
}

export const isValidIP = (ip: unknown) => typeof ip === 'string' && ipToBigInt(ip) !== null;

/** The allocator's refusal of a clusterIP outside the service CIDR (`spec.clusterIPs`). */
export function validateClusterIPInRange(ip: string, cidr: string, field = 'spec.clusterIPs'): Errs {
  if (ip === 'None' || ip === '') return [];
  if (cidrContains(cidr, ip)) return [];
  return [
    {
      type: 'FieldValueInvalid',
      field,
      detail: `${goStringSlice([ip])}: failed to allocate IP ${ip}: provided IP (${ip}) is not in the valid range. The range of valid IPs is ${cidr}`,
    },
  ];
}

/** ValidateIPAddress-like check with Kubernetes' message. */
export function validateIP(ip: unknown, field: string): Errs {
  return isValidIP(ip) ? [] : [invalid(field, ip ?? '', `must be a valid IP address, ${IP_EXAMPLE}`)];
}
