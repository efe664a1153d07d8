// IP addresses and prefixes as Go's net/netip parses, prints and compares them (the IP and CIDR libraries are built on
// it upstream, so its acceptance rules and error texts are what users see): no leading zeros in IPv4 octets, zones
// split off, IPv6 printed in RFC 5952 form.
import { goQuote } from './go-quote.js';

export interface Addr {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  /** The IPv6 zone ("" when none). */
  readonly zone: string;
}

export class NetipError extends Error {}

const addrError = (input: string, msg: string, at?: string) =>
  new NetipError(`ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ''}`);

/** netip.ParseAddr. */
export function parseAddr(s: string): Addr {
  for (const c of s) {
    if (c === '.') return parseIPv4(s);
    if (c === ':') return parseIPv6(s);
    if (c === '%') throw addrError(s, 'missing IPv6 address');
  }
  throw addrError(s, 'unable to parse IP');
}

function parseIPv4(s: string): Addr {
  const fields = new Uint8Array(4);
  let val = 0;
  let pos = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) throw addrError(s, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (val > 255) throw addrError(s, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') throw addrError(s, 'IPv4 field must have at least one digit', s.slice(i));
      if (pos === 3) throw addrError(s, 'IPv4 address too long');
      fields[pos++] = val;
      val = 0;
      digits = 0;
    } else throw addrError(s, 'unexpected character', s.slice(i));
  }
  if (pos < 3) throw addrError(s, 'IPv4 address too short');
  fields[3] = val;
  return { bytes: fields, zone: '' };
}

const hexValue = (c: string | undefined) => (c === undefined ? -1 : /[0-9a-fA-F]/.test(c) ? parseInt(c, 16) : -1);

function parseIPv6(input: string): Addr {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (!zone) throw addrError(input, 'zone must be a non-empty string');
  }
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (!s) return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexValue(s[off]);
      if (h < 0) break;
      acc = acc * 16 + h;
      if (acc > 0xffff) throw addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) throw addrError(input, 'each colon-separated field must have at least one digit', s);
    if (s[off] === '.') {
      if (ellipsis < 0 && i !== 12) throw addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) throw addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      let v4: Addr;
      try {
        v4 = parseIPv4(s);
      } catch (e) {
        throw addrError(input, (e as Error).message, s);
      }
      ip.set(v4.bytes, i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (!s) break;
    if (s[0] !== ':') throw addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (!s) break;
    }
  }
  if (s) throw addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw addrError(input, 'address string too short');
    const n = 16 - i;
    ip.copyWithin(ellipsis + n, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) throw addrError(input, 'the :: must expand to at least one field of zeros');
  return { bytes: ip, zone };
}

export const is4 = (a: Addr) => a.bytes.length === 4;

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
export const is4In6 = (a: Addr) => !is4(a) && a.bytes.slice(0, 10).every((b) => b === 0) && a.bytes[10] === 0xff && a.bytes[11] === 0xff;

const word = (a: Addr, i: number) => (a.bytes[2 * i]! << 8) | a.bytes[2 * i + 1]!;

/** Addr.String: dotted quad, or RFC 5952 (the longest run of two or more zero groups as "::"). */
export function addrString(a: Addr): string {
  if (is4(a)) return [...a.bytes].join('.');
  let zs = -1;
  let ze = -1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && word(a, j) === 0) j++;
    if (j - i >= 2 && j - i > ze - zs) [zs, ze] = [i, j];
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zs) {
      out += '::';
      i = ze;
      if (i >= 8) break;
    } else if (i > 0) out += ':';
    out += word(a, i).toString(16);
  }
  if (is4In6(a)) out = `::ffff:${[...a.bytes.slice(12)].join('.')}`;
  return a.zone ? `${out}%${a.zone}` : out;
}

export const addrEqual = (a: Addr, b: Addr) =>
  a.bytes.length === b.bytes.length && a.zone === b.zone && a.bytes.every((x, i) => x === b.bytes[i]);

const allZero = (a: Addr) => a.bytes.every((b) => b === 0);

export const isUnspecified = (a: Addr) => allZero(a) && !a.zone;
export const isLoopback = (a: Addr) => (is4(a) ? a.bytes[0] === 127 : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1);
export const isMulticast = (a: Addr) => (is4(a) ? (a.bytes[0]! & 0xf0) === 0xe0 : a.bytes[0] === 0xff);
export const isLinkLocalMulticast = (a: Addr) =>
  is4(a) ? a.bytes[0] === 224 && a.bytes[1] === 0 && a.bytes[2] === 0 : (word(a, 0) & 0xff0f) === 0xff02;
export const isLinkLocalUnicast = (a: Addr) => (is4(a) ? a.bytes[0] === 169 && a.bytes[1] === 254 : (word(a, 0) & 0xffc0) === 0xfe80);
export function isGlobalUnicast(a: Addr): boolean {
  if (is4(a) && (allZero(a) || a.bytes.every((b) => b === 255))) return false;
  return !(allZero(a) && !is4(a)) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);
}

export interface Prefix {
  readonly addr: Addr;
  readonly bits: number;
}

const prefixError = (input: string, msg: string) => new NetipError(`netip.ParsePrefix(${goQuote(input)}): ${msg}`);

/** netip.ParsePrefix (host bits are kept: `masked()` clears them). */
export function parsePrefix(s: string): Prefix {
  const i = s.lastIndexOf('/');
  if (i < 0) throw prefixError(s, "no '/'");
  let addr: Addr;
  try {
    addr = parseAddr(s.slice(0, i));
  } catch (e) {
    throw prefixError(s, (e as Error).message);
  }
  if (addr.zone) throw prefixError(s, 'IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(i + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bitsStr)) throw prefixError(s, `bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits > addr.bytes.length * 8) throw prefixError(s, 'prefix length out of range');
  return { addr, bits };
}

function maskBytes(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export const masked = (p: Prefix): Prefix => ({ addr: { bytes: maskBytes(p.addr.bytes, p.bits), zone: '' }, bits: p.bits });

export const prefixString = (p: Prefix) => `${addrString(p.addr)}/${p.bits}`;

export const prefixEqual = (a: Prefix, b: Prefix) => a.bits === b.bits && addrEqual(a.addr, b.addr);

/** Prefix.Contains: same family, no zone, the first `bits` bits equal. */
export function prefixContains(p: Prefix, a: Addr): boolean {
  if (a.zone || a.bytes.length !== p.addr.bytes.length) return false;
  const x = maskBytes(p.addr.bytes, p.bits);
  const y = maskBytes(a.bytes, p.bits);
  return x.every((b, i) => b === y[i]);
}

/** Whether `outer` holds all of `inner`: `inner` is as long or longer and its address lies in `outer`. */
export const prefixContainsPrefix = (outer: Prefix, inner: Prefix) => outer.bits <= inner.bits && prefixContains(outer, inner.addr);
