// What the authenticators need of a connection's client certificate, read once per TLS socket: the subject, whether it
// is meant for client authentication, and the root the TLS layer verified its chain to. The listener trusts the
// cluster CA and the front-proxy CA alike (so clients offer certificates from either); which one a chain ends in is
// what tells a user's certificate from a front proxy's.
import type { IncomingMessage } from 'node:http';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

export interface PeerCertificate {
  commonName?: string;
  organizations: string[];
  /** Whether the certificate may be used for client authentication (no EKU, or clientAuth among them). */
  clientAuth: boolean;
  /** The SHA-256 fingerprint of the trusted root its chain was verified to; undefined when it was not verified. */
  root?: string;
}

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function read(socket: Partial<TLSSocket>): PeerCertificate | undefined {
  if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.subject) return undefined;
  let root: DetailedPeerCertificate | undefined;
  if (socket.authorized) {
    // The chain Node verified ends in the trusted root, which is its own issuer.
    root = peer;
    for (let i = 0; i < 10 && root.issuerCertificate && root.issuerCertificate !== root; i++) root = root.issuerCertificate;
  }
  return {
    commonName: list(peer.subject.CN)[0],
    organizations: list(peer.subject.O),
    clientAuth: !peer.ext_key_usage || peer.ext_key_usage.includes(CLIENT_AUTH_EKU),
    ...(root?.fingerprint256 ? { root: root.fingerprint256 } : {}),
  };
}

const bySocket = new WeakMap<object, PeerCertificate | null>();

/** The request's client certificate (the peer certificate cannot change on a kept-alive socket). */
export function peerCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  if (!socket) return undefined;
  let found = bySocket.get(socket);
  if (found === undefined) {
    found = read(socket) ?? null;
    bySocket.set(socket, found);
  }
  return found ?? undefined;
}
