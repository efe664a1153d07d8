// Kubernetes' CIDR library (k8s.io/apiserver/pkg/cel/library/cidr.go): cidr(), isCIDR(), containsIP/containsCIDR
// (a string or a parsed value), ip(), masked(), prefixLength(), string(cidr) and equality. Host bits are allowed
// (`masked()` clears them); containsCIDR compares masked addresses, as since kubernetes#130450 (1.33).
import type { Environment } from '@marcbachmann/cel-js';
import { goQuote } from './go-quote.js';
import { CelIP, IP_TYPE, parseIP } from './ip.js';
import * as netip from './netip.js';
import { registerFunctions } from './register.js';

export const CIDR_TYPE = 'net.CIDR';

/** A CIDR (address and prefix length) as a CEL value. */
export class CelCIDR {
  static readonly celTypeName = CIDR_TYPE;
  constructor(readonly prefix: netip.Prefix) {}
  toString(): string {
    return netip.prefixString(this.prefix);
  }
}

const PARSE_ERROR = 'network address parse error during conversion from string';

/** parseCIDR (upstream wraps netip's error twice in the same words, which its messages show). */
export function parseCIDR(s: string): netip.Prefix {
  let p: netip.Prefix;
  try {
    p = netip.parsePrefix(s);
  } catch (e) {
    throw new Error(`${PARSE_ERROR}: ${PARSE_ERROR}: ${(e as Error).message}`);
  }
  if (netip.is4In6(p.addr)) throw new Error(`${PARSE_ERROR}: IPv4-mapped IPv6 address ${goQuote(s)} is not allowed`);
  return p;
}

const valid = (s: string) => {
  try {
    parseCIDR(s);
    return true;
  } catch {
    return false;
  }
};

export function registerCIDRLibrary(env: Environment): void {
  env.registerType(CIDR_TYPE, CelCIDR);
  registerFunctions(env, [
    { name: 'cidr', returnType: CIDR_TYPE, params: ['string'], handler: (s: string) => new CelCIDR(parseCIDR(s)) },
    { name: 'isCIDR', returnType: 'bool', params: ['string'], handler: valid },
    {
      name: 'containsIP',
      receiverType: CIDR_TYPE,
      returnType: 'bool',
      params: ['string'],
      handler: (c: CelCIDR, s: string) => netip.prefixContains(c.prefix, parseIP(s)),
    },
    {
      name: 'containsIP',
      receiverType: CIDR_TYPE,
      returnType: 'bool',
      params: [IP_TYPE],
      handler: (c: CelCIDR, ip: CelIP) => netip.prefixContains(c.prefix, ip.addr),
    },
    {
      name: 'containsCIDR',
      receiverType: CIDR_TYPE,
      returnType: 'bool',
      params: ['string'],
      handler: (c: CelCIDR, s: string) => netip.prefixContainsPrefix(c.prefix, parseCIDR(s)),
    },
    {
      name: 'containsCIDR',
      receiverType: CIDR_TYPE,
      returnType: 'bool',
      params: [CIDR_TYPE],
      handler: (c: CelCIDR, o: CelCIDR) => netip.prefixContainsPrefix(c.prefix, o.prefix),
    },
    { name: 'ip', receiverType: CIDR_TYPE, returnType: IP_TYPE, params: [], handler: (c: CelCIDR) => new CelIP(c.prefix.addr) },
    {
      name: 'masked',
      receiverType: CIDR_TYPE,
      returnType: CIDR_TYPE,
      params: [],
      handler: (c: CelCIDR) => new CelCIDR(netip.masked(c.prefix)),
    },
    { name: 'prefixLength', receiverType: CIDR_TYPE, returnType: 'int', params: [], handler: (c: CelCIDR) => BigInt(c.prefix.bits) },
    { name: 'string', returnType: 'string', params: [CIDR_TYPE], handler: (c: CelCIDR) => c.toString() },
  ]);
  env.registerOperator(`${CIDR_TYPE} == ${CIDR_TYPE}`, (a: CelCIDR, b: CelCIDR) => netip.prefixEqual(a.prefix, b.prefix));
}
