// Chain names, as kube-proxy names them (KUBE-SVC-<hash> ...) but under a per-instance prefix so that several dockube
// servers on one host never touch each other's rules: `DK<6 hex of the instance>-SVC-<12 base32>`, at most 25
// characters (iptables allows 28).
import { createHash } from 'node:crypto';
import { servicePortName, type ProxyServicePort } from './types.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (upstream's base32.StdEncoding), without padding. */
function base32(buf: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

const hash = (s: string) => base32(createHash('sha256').update(s).digest()).slice(0, 12);

/** The instance's chain prefix: `DK` + the first 6 hex digits of its instance id. */
export const chainPrefix = (instance: string) => `DK${instance.slice(0, 6)}`;

/** The fixed chains of one instance, per table. */
export function fixedChains(prefix: string) {
  return {
    nat: {
      services: `${prefix}-SERVICES`,
      nodePorts: `${prefix}-NODEPORTS`,
      postrouting: `${prefix}-POSTROUTING`,
      markMasq: `${prefix}-MARK-MASQ`,
    },
    filter: {
      input: `${prefix}-INPUT`,
      forward: `${prefix}-FORWARD`,
      output: `${prefix}-OUTPUT`,
      services: `${prefix}-SERVICES`,
      externalServices: `${prefix}-EXTERNAL-SERVICES`,
      proxyFirewall: `${prefix}-PROXY-FIREWALL`,
      firewall: `${prefix}-FIREWALL`,
      forwardRules: `${prefix}-FORWARD-RULES`,
    },
  };
}

/** The per-service-port chains (upstream's servicePortPolicyClusterChain & co): the same hash, a different kind. */
export function servicePortChains(prefix: string, p: ProxyServicePort) {
  const h = hash(servicePortName(p) + p.protocol.toLowerCase());
  return { svc: `${prefix}-SVC-${h}`, svl: `${prefix}-SVL-${h}`, ext: `${prefix}-EXT-${h}`, fw: `${prefix}-FW-${h}` };
}

/** An endpoint's chain (upstream's servicePortEndpointChainName). */
export const endpointChain = (prefix: string, p: ProxyServicePort, endpoint: string) =>
  `${prefix}-SEP-${hash(servicePortName(p) + p.protocol.toLowerCase() + endpoint)}`;

/** Where each table's fixed chains are jumped to from the built-in chains (one rule each, inserted first). */
export function builtinJumps(prefix: string): { table: 'nat' | 'filter'; chain: string; target: string }[] {
  const c = fixedChains(prefix);
  return [
    { table: 'nat', chain: 'PREROUTING', target: c.nat.services },
    { table: 'nat', chain: 'OUTPUT', target: c.nat.services },
    { table: 'nat', chain: 'POSTROUTING', target: c.nat.postrouting },
    { table: 'filter', chain: 'INPUT', target: c.filter.input },
    { table: 'filter', chain: 'FORWARD', target: c.filter.forward },
    { table: 'filter', chain: 'OUTPUT', target: c.filter.output },
  ];
}
