// Kubernetes' IP library (k8s.io/apiserver/pkg/cel/library/ip.go): ip(), isIP(), ip.isCanonical(), family() and the
// address-kind tests, string(ip) and equality. Zones and IPv4-mapped IPv6 addresses are refused, as upstream.
import type { Environment } from '@marcbachmann/cel-js';
import { goQuote } from './go-quote.js';
import * as netip from './netip.js';
import { registerFunctions, registerNamespace, type CelFunction } from './register.js';

export const IP_TYPE = 'net.IP';

/** An IP address as a CEL value. */
export class CelIP {
  static readonly celTypeName = IP_TYPE;
  constructor(readonly addr: netip.Addr) {}
  toString(): string {
    return netip.addrString(this.addr);
  }
}

/** parseIPAddr: netip's parse plus upstream's two refusals. */
export function parseIP(s: string): netip.Addr {
  let addr: netip.Addr;
  try {
    addr = netip.parseAddr(s);
  } catch (e) {
    throw new Error(`IP Address ${goQuote(s)} parse error during conversion from string: ${(e as Error).message}`);
  }
  if (addr.zone) throw new Error(`IP address ${goQuote(s)} with zone value is not allowed`);
  if (netip.is4In6(addr)) throw new Error(`IPv4-mapped IPv6 address ${goQuote(s)} is not allowed`);
  return addr;
}

const valid = (s: string) => {
  try {
    parseIP(s);
    return true;
  } catch {
    return false;
  }
};

const test = (name: string, f: (a: netip.Addr) => boolean): CelFunction => ({
  name,
  receiverType: IP_TYPE,
  returnType: 'bool',
  params: [],
  handler: (ip: CelIP) => f(ip.addr),
});

export function registerIPLibrary(env: Environment): void {
  env.registerType(IP_TYPE, CelIP);
  const ns = registerNamespace(env, 'ip');
  registerFunctions(env, [
    { name: 'ip', returnType: IP_TYPE, params: ['string'], handler: (s: string) => new CelIP(parseIP(s)) },
    { name: 'isIP', returnType: 'bool', params: ['string'], handler: valid },
    {
      name: 'isCanonical',
      receiverType: ns,
      returnType: 'bool',
      params: ['string'],
      // Addr.String is the one canonical form, so a string is canonical when it prints back the same.
      handler: (_: unknown, s: string) => netip.addrString(parseIP(s)) === s,
    },
    { name: 'family', receiverType: IP_TYPE, returnType: 'int', params: [], handler: (ip: CelIP) => (netip.is4(ip.addr) ? 4n : 6n) },
    test('isUnspecified', netip.isUnspecified),
    test('isLoopback', netip.isLoopback),
    test('isLinkLocalMulticast', netip.isLinkLocalMulticast),
    test('isLinkLocalUnicast', netip.isLinkLocalUnicast),
    test('isGlobalUnicast', netip.isGlobalUnicast),
    { name: 'string', returnType: 'string', params: [IP_TYPE], handler: (ip: CelIP) => ip.toString() },
  ]);
  env.registerOperator(`${IP_TYPE} == ${IP_TYPE}`, (a: CelIP, b: CelIP) => netip.addrEqual(a.addr, b.addr));
}
