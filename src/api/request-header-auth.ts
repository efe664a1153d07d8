// Front-proxy (request header) authentication, as kube-apiserver's headerrequest authenticator: a client whose
// certificate chains to --requestheader-client-ca-file (and, when --requestheader-allowed-names lists any, whose CN is
// one of them) asserts the user in X-Remote-User, X-Remote-Group and X-Remote-Extra-<key> (the header names are
// flags). The headers it used are removed from the request once it authenticated, so nothing after sees them; the
// same headers from any other client are ignored (the other authenticators never read them).
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../machinery/api/user.js';
import type { PeerCertificate } from './peer-certificate.js';

/** The headers a front proxy asserts the user in (each default: REQUEST_HEADER_DEFAULTS). */
export interface RequestHeaderNames {
  usernameHeaders?: readonly string[];
  groupHeaders?: readonly string[];
  extraHeadersPrefixes?: readonly string[];
}

export interface RequestHeaderConfig {
  /** PEM bundle of the CAs that sign front proxies' client certificates. */
  clientCaPem: string;
  /** CNs a front proxy's certificate may have; empty: any. */
  allowedNames: readonly string[];
  usernameHeaders: readonly string[];
  groupHeaders: readonly string[];
  extraHeadersPrefixes: readonly string[];
}

/** The header names kubeadm gives kube-apiserver, and the aggregation layer sends. */
export const REQUEST_HEADER_DEFAULTS = {
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeadersPrefixes: ['X-Remote-Extra-'],
} as const;

/** The SHA-256 fingerprints (Node's colon form) of every certificate in a PEM bundle. */
export function pemFingerprints(pem: string): Set<string> {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return new Set(blocks.map((b) => new X509Certificate(b).fingerprint256));
}

const unescapeKey = (k: string) => {
  try {
    return decodeURIComponent(k);
  } catch {
    return k; // recorded even when malformed, as upstream
  }
};

/** Every value of a header, one per header line (Node would join repeated custom headers with ', '). */
const valuesOf = (req: IncomingMessage, name: string) => req.headersDistinct[name.toLowerCase()] ?? [];

/** Removes a header everywhere Node keeps it, so no later handler (or proxy) forwards it. */
function dropHeader(req: IncomingMessage, lower: string): void {
  delete req.headers[lower];
  delete req.headersDistinct[lower];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) if (req.rawHeaders[i]!.toLowerCase() === lower) req.rawHeaders.splice(i, 2);
}

export type RequestHeaderAuthenticator = (req: IncomingMessage, peer: PeerCertificate | undefined) => UserInfo | undefined;

export function requestHeaderAuthenticator(config: RequestHeaderConfig): RequestHeaderAuthenticator {
  const roots = pemFingerprints(config.clientCaPem);
  const nameHeaders = config.usernameHeaders.map((h) => h.trim().toLowerCase());
  const groupHeaders = config.groupHeaders.map((h) => h.trim().toLowerCase());
  const prefixes = config.extraHeadersPrefixes.map((h) => h.trim().toLowerCase());
  // A request may be authenticated twice (an upgrade's audit, then its handler): the headers are gone by then.
  const done = new WeakMap<IncomingMessage, UserInfo>();
  return (req, peer) => {
    const before = done.get(req);
    if (before) return before;
    // x509request.Verifier: a chain to the request-header CA, meant for client auth, with an allowed CN.
    if (!peer?.root || !roots.has(peer.root) || !peer.clientAuth) return undefined;
    if (config.allowedNames.length && !config.allowedNames.includes(peer.commonName ?? '')) return undefined;
    let name = '';
    for (const h of nameHeaders) {
      name = valuesOf(req, h)[0] ?? '';
      if (name) break;
    }
    if (!name) return undefined;
    const groups = groupHeaders.flatMap((h) => valuesOf(req, h).filter(Boolean));
    const extra: Record<string, string[]> = {};
    const extraHeaders = new Set<string>();
    // Prefix by prefix, so each key's values keep the order of the prefixes.
    for (const prefix of prefixes) {
      for (const [header, values] of Object.entries(req.headersDistinct)) {
        if (!header.startsWith(prefix) || !values) continue;
        const key = unescapeKey(header.slice(prefix.length));
        (extra[key] ??= []).push(...values);
        extraHeaders.add(header);
      }
    }
    for (const h of [...nameHeaders, ...groupHeaders, ...extraHeaders]) dropHeader(req, h);
    const user = { name, groups, ...(Object.keys(extra).length ? { extra } : {}) };
    done.set(req, user);
    return user;
  };
}
