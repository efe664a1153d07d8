// Whether a string is an IP address literal, as net.isIP answers, without net.isIPv6: its first call compiles Node's
// IPv6 pattern, 12-40 ms measured here, and the start-up path (certificate names, the kubeconfig's URL, the node's
// addresses) asked it of names such as "localhost" before the server could answer /readyz. IPv6 is checked by the
// WHATWG URL parser (native code) instead.
import { isIP, isIPv4 } from 'node:net';

/** 4 or 6 for an IPv4 or IPv6 address literal, 0 for anything else (net.isIP's contract). */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (isIPv4(s)) return 4;
  if (!s.includes(':')) return 0;
  // A zone index (fe80::1%eth0) is valid for net.isIP, not inside a URL: rare enough to ask Node.
  if (s.includes('%')) return isIP(s) === 6 ? 6 : 0;
  // The URL parser takes a bracketed host only when it is an IPv6 address; anything else in the brackets throws.
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return 0;
  try {
    new URL(`http://[${s}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** Whether an address literal is the unspecified address (0.0.0.0, or :: in any spelling): "every interface". */
export const isUnspecifiedIp = (s: string): boolean => s === '0.0.0.0' || (/^[0:]+$/.test(s) && ipVersion(s) === 6);
