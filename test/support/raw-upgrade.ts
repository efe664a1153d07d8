// An upgrade request on a raw socket, for protocols no client library here speaks (SPDY/3.1, or a WebSocket
// subprotocol the ws client refuses to offer): the response head parsed, the socket and what followed the head kept.
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';

export interface RawUpgrade {
  status: number;
  headers: Record<string, string>;
  /** The body of a refusal (the socket is closed then). */
  body: string;
  socket: net.Socket;
  /** Bytes after the head of a 101. */
  rest: Buffer;
}

/** `ca`: over TLS, trusting that CA (the real server); plain TCP without. */
export function rawUpgrade(port: number, method: string, path: string, headers: Record<string, string>, ca?: string): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = ca ? tls.connect({ host: '127.0.0.1', port, ca, servername: '127.0.0.1' }) : net.connect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = got.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const h: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = got.subarray(end + 4);
      if (status === 101) {
        socket.removeListener('data', onData);
        socket.pause();
        resolve({ status, headers: h, body: '', socket, rest });
        return;
      }
      socket.removeListener('data', onData);
      let body = rest.toString('utf8');
      socket.on('data', (c: Buffer) => (body += c.toString('utf8')));
      socket.on('close', () => resolve({ status, headers: h, body, socket, rest: Buffer.alloc(0) }));
    };
    socket.on('data', onData);
    socket.on('error', reject);
    const head = Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'Upgrade', ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n`);
  });
}

/** A WebSocket client over a socket whose handshake was done by hand (ws's client mode: its frames masked). */
export function clientWebSocket(socket: net.Socket, head: Buffer): WebSocket {
  // ws's own adoption path (`new WebSocket(null)`, as its server does), which its types do not declare.
  const ws = new (WebSocket as unknown as new (a: null, p: undefined, o: object) => WebSocket)(null, undefined, {});
  // ws takes an adopted socket as a server's; a client masks what it sends, so the side is switched before adoption.
  (ws as unknown as { _isServer: boolean })._isServer = false;
  (ws as unknown as { setSocket(s: net.Socket, h: Buffer, o: { maxPayload: number }): void }).setSocket(socket, head, {
    maxPayload: 0,
  });
  socket.resume();
  return ws;
}
