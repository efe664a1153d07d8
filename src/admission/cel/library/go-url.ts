// The parts of Go's net/url that Kubernetes' URL library and `format.uri()` rest on: Parse and ParseRequestURI (what
// they accept and their error texts), Hostname/Port, EscapedPath and Query. Go works on bytes; here non-ASCII
// characters are passed through as Go passes bytes >= 0x80, and percent-encoding is over UTF-8.
import { goQuote } from './go-quote.js';

export interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  /** The path as written, when it differs from the path's default encoding (Go's RawPath). */
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** shouldEscape: whether a byte must be percent-encoded in the given part of a URL. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

class ParseError extends Error {}

/** unescape: percent-decoding with Go's refusals (bad escapes; in hosts, characters a host cannot hold). */
function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) throw new ParseError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      if (mode === 'host' && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25')
        throw new ParseError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode))
      throw new ParseError(`invalid character ${goQuote(c)} in host name`);
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (ch === '+' && mode === 'queryComponent') bytes.push(0x20);
    else bytes.push(...enc.encode(ch));
    i += ch.length;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** escape: percent-encode the UTF-8 bytes that shouldEscape says must be. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, mode) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** validEncoded: whether a path as written is a valid encoding of some path (so EscapedPath may return it). */
function validEncoded(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, 'path')) return false;
  }
  return true;
}

/** getScheme: letters first, then letters, digits, '+', '-', '.' up to ':'. */
function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
    } else if (c === ':') {
      if (i === 0) throw new ParseError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    } else return ['', raw];
  }
  return ['', raw];
}

/** validOptionalPort: "" or ':' followed by digits only. */
const validOptionalPort = (p: string) => p === '' || /^:[0-9]*$/.test(p);

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new ParseError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new ParseError(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new ParseError(`invalid port ${goQuote(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

const validUserinfo = (s: string) => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);

function parseAuthority(authority: string): string {
  const i = authority.lastIndexOf('@');
  if (i < 0) return parseHost(authority);
  if (!validUserinfo(authority.slice(0, i))) throw new ParseError('net/url: invalid userinfo');
  return parseHost(authority.slice(i + 1));
}

function parse(raw: string, viaRequest: boolean): GoURL {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new ParseError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new ParseError('empty url');
  const u: GoURL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  if (raw === '*') return { ...u, path: '*' };
  let rest: string;
  [u.scheme, rest] = getScheme(raw);
  u.scheme = u.scheme.toLowerCase();
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (u.scheme) return { ...u, opaque: rest };
    if (viaRequest) throw new ParseError('invalid URI for request');
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) throw new ParseError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    u.host = parseAuthority(authority);
  }
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

const wrap = (raw: string, f: () => GoURL): GoURL => {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParseError) throw new Error(`parse ${goQuote(raw)}: ${e.message}`);
    throw e;
  }
};

/** url.ParseRequestURI: an absolute URI or an absolute path; a fragment is not split off. */
export const parseRequestURI = (raw: string): GoURL => wrap(raw, () => parse(raw, true));

/** url.Parse: any URL reference, the fragment split off. */
export function parseURL(raw: string): GoURL {
  const hash = raw.indexOf('#');
  const [rest, frag] = hash < 0 ? [raw, undefined] : [raw.slice(0, hash), raw.slice(hash + 1)];
  return wrap(raw, () => ({ ...parse(rest, false), fragment: frag === undefined ? '' : unescape(frag, 'fragment') }));
}

/** splitHostPort of URL.Hostname/Port: the port when the text after the last ':' is one; brackets dropped. */
function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

export const hostname = (u: GoURL) => splitHostPort(u.host)[0];
export const port = (u: GoURL) => splitHostPort(u.host)[1];

/** URL.EscapedPath: the path as written when that is a valid encoding of it, else its default encoding. */
export function escapedPath(u: GoURL): string {
  if (u.rawPath && validEncoded(u.rawPath)) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to the default encoding
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

/** URL.Query (url.ParseQuery, errors skipped): keys and values unescaped, a repeated key gathering its values. */
export function query(u: GoURL): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of u.rawQuery.split('&')) {
    if (!part || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const [k, v] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    let key: string;
    let value: string;
    try {
      key = unescape(k, 'queryComponent');
      value = unescape(v, 'queryComponent');
    } catch {
      continue;
    }
    m.set(key, [...(m.get(key) ?? []), value]);
  }
  return m;
}
