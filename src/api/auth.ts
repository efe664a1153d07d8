// Authentication: who is calling, from the request's client certificate or bearer token. What they may do is
// src/authorization's.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { peerCertificate, type PeerCertificate } from './peer-certificate.js';
import { pemFingerprints, type RequestHeaderAuthenticator } from './request-header-auth.js';
import type { Pki } from '../pki/certs.js';
import { ADMIN_USER, MONITORING_USER, VIEWER_USER } from '../pki/identities.js';
import type { UserInfo } from '../machinery/api/user.js';

import { AUTHENTICATED } from '../authorization/authorizer.js';

export { ADMIN_USER, MONITORING_USER, VIEWER_USER, ANONYMOUS_USER } from '../pki/identities.js';

/** Synchronous for certificates and static tokens; a promise when a service account token needs store lookups. */
export type Authenticator = (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
/** Checks a bearer token that is not one of the static ones (service account JWTs). */
export type TokenAuthenticator = (token: string) => Promise<UserInfo | undefined>;

/** Browsers cannot set headers on WebSockets, so Kubernetes also takes the token as a subprotocol. */
const WS_TOKEN_PREFIX = 'base64url.bearer.authorization.k8s.io.';

const digest = (s: string) => createHash('sha256').update(s).digest();
const withAuthenticatedGroup = (u: UserInfo): UserInfo =>
  u.groups.includes(AUTHENTICATED) ? u : { ...u, groups: [...u.groups, AUTHENTICATED] };

/** The bearer token of a request: `Authorization: Bearer <t>`, or the WebSocket subprotocol form. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  if (header) {
    const [scheme, token] = header.split(/ +/, 3);
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',')) {
      const v = p.trim();
      if (v.startsWith(WS_TOKEN_PREFIX)) {
        const token = Buffer.from(v.slice(WS_TOKEN_PREFIX.length), 'base64url').toString('utf8');
        if (token) return token;
      }
    }
  }
  return undefined;
}

/** The user of a client certificate the cluster CA signed: CN is the name, O values the groups (x509 authenticator). */
function certificateUser(peer: PeerCertificate | undefined, clusterRoots: ReadonlySet<string>): UserInfo | undefined {
  // Like the x509 authenticator, accept only certificates meant for client authentication, chained to the client CA.
  if (!peer?.root || !clusterRoots.has(peer.root) || !peer.clientAuth || !peer.commonName) return undefined;
  return { name: peer.commonName, groups: peer.organizations };
}

/**
 * Authenticates a request as Kubernetes' union authenticator would: a front proxy's request headers, then a verified
 * client certificate, then a bearer token (dockube's own, then --token-auth-file's, then service account tokens). Undefined when neither identifies a user; the caller then answers 401,
 * or serves the request as system:anonymous on `isAnonymousAllowedPath` paths when no credentials were presented.
 */
export function createAuthenticator(
  pki: Pki,
  opts: {
    serviceAccountTokens?: TokenAuthenticator;
    staticTokens?: ReadonlyMap<string, UserInfo>;
    /** The front-proxy authenticator, asked first (kube-apiserver's order); read per request, as it comes later. */
    requestHeader?: () => RequestHeaderAuthenticator | undefined;
  } = {},
): Authenticator {
  const clusterRoots = pemFingerprints(pki.caCert ?? '');
  const table = (
    [
      [pki.tokens.admin, ADMIN_USER],
      [pki.tokens.viewer, VIEWER_USER],
      [pki.tokens.monitoring, MONITORING_USER],
    ] as const
  )
    .filter(([token]) => !!token)
    .map(([token, user]) => ({ hash: digest(token), user }));
  // --token-auth-file's users, by the token's digest (a map lookup reveals nothing a timing probe could use: the
  // digests of near tokens are unrelated).
  const fileTokens = new Map([...(opts.staticTokens ?? [])].map(([token, user]) => [digest(token).toString('hex'), user]));
  return (req) => {
    const peer = peerCertificate(req);
    const proxied = peer && opts.requestHeader?.()?.(req, peer);
    if (proxied) return withAuthenticatedGroup(proxied);
    const certUser = certificateUser(peer, clusterRoots);
    if (certUser) return withAuthenticatedGroup(certUser);

    const token = bearerToken(req);
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: UserInfo | undefined;
    // Compare against every entry without stopping early, so timing reveals nothing about which token is near.
    for (const entry of table) if (timingSafeEqual(entry.hash, presented)) found = entry.user;
    found ??= fileTokens.get(presented.toString('hex'));
    if (found) return withAuthenticatedGroup(found);
    // Then the service account token authenticator (after static tokens, as kube-apiserver's union orders them).
    return opts.serviceAccountTokens?.(token).then(
      (u) => u && withAuthenticatedGroup(u),
      () => undefined,
    );
  };
}

/** True when the request carries credentials at all (a bad token must get 401, never anonymous access). */
export function hasCredentials(req: IncomingMessage): boolean {
  return bearerToken(req) !== undefined || !!(req.socket as Partial<TLSSocket>).getPeerCertificate?.()?.subject;
}
