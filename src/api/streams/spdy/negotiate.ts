// The SPDY upgrade of exec/attach as the kubelet answers it (httpstream.Handshake, then the SPDY upgrader): the
// stream protocol is the first of the client's X-Stream-Protocol-Version values the server speaks; a client that
// offers none gets the original channel.k8s.io; one that offers only others is refused with 403.
import type { IncomingMessage } from 'node:http';
import { forbidden } from '../../../machinery/api/errors.js';
import { PROTOCOL_V4 } from '../channel-protocol.js';

/** Over SPDY, as the kubelet: v4 down to v1 (v5 is the WebSocket one; kubectl 1.29 offers it first and takes v4). */
export const SPDY_STREAM_PROTOCOLS = [PROTOCOL_V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
export const PROTOCOL_V1 = 'channel.k8s.io';

export const isSpdyUpgrade = (req: IncomingMessage) => (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';

export interface SpdyNegotiation {
  protocol: string;
  /** Whether the 101 names it (only when the client offered any). */
  announce: boolean;
}

/** The protocol to run, or a 403 StatusError. Several header lines arrive joined with commas. */
export function negotiateSpdyProtocol(req: IncomingMessage): SpdyNegotiation {
  const offered = String(req.headers['x-stream-protocol-version'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!offered.length) return { protocol: PROTOCOL_V1, announce: false };
  const chosen = offered.find((p) => SPDY_STREAM_PROTOCOLS.includes(p));
  if (!chosen) {
    throw forbidden(
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${SPDY_STREAM_PROTOCOLS.join(' ')}]`,
    );
  }
  return { protocol: chosen, announce: true };
}

/** The 101 the Go client checks: Connection and Upgrade, and the protocol it is to speak. */
export function switchingProtocols(n: SpdyNegotiation): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
    (n.announce ? `X-Stream-Protocol-Version: ${n.protocol}\r\n` : '') +
    '\r\n'
  );
}
