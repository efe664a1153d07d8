// The DNS server's sockets: UDP and TCP on one address and one port (clients retry a truncated UDP answer over TCP
// at the same port). The port asked for when it is free, else an ephemeral one both transports get.
import dgram from 'node:dgram';
import net from 'node:net';
import { ipVersion } from '../machinery/ip-literal.js';
import type { Transport } from './forwarder.js';

export type MessageHandler = (raw: Buffer, transport: Transport) => Promise<Buffer | undefined>;

export interface DnsListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** A TCP client idle this long is disconnected (RFC 7766 suggests seconds). */
const TCP_IDLE_MS = 10_000;
/** Bytes a TCP client may have sent without a whole message among them. */
const TCP_MAX_PENDING = 2 + 65535;

function serveTcpConnection(sock: net.Socket, handle: MessageHandler): void {
  let pending = Buffer.alloc(0);
  // Answers go back in the order the queries came, though they are computed concurrently (forwarding waits).
  let chain: Promise<void> = Promise.resolve();
  sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (d) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + msg.length);
      const answer = handle(Buffer.from(msg), 'tcp').catch(() => undefined);
      chain = chain.then(async () => {
        const out = await answer;
        if (!out || sock.destroyed) return;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        sock.write(Buffer.concat([len, out]));
      });
    }
    if (pending.length > TCP_MAX_PENDING) sock.destroy();
  });
}

const bindUdp = (host: string, port: number) =>
  new Promise<dgram.Socket>((resolve, reject) => {
    const s = dgram.createSocket(ipVersion(host) === 6 ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });

const listenTcp = (server: net.Server, host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** Binds UDP then TCP on the same port: `port` if both get it, else the first ephemeral port free for both. */
export async function listenDns(host: string, port: number, handle: MessageHandler): Promise<DnsListener> {
  const attempts = [...(port ? [port] : []), 0, 0, 0, 0, 0];
  let lastError: unknown;
  for (const p of attempts) {
    let udp: dgram.Socket | undefined;
    try {
      udp = await bindUdp(host, p);
      const bound = udp.address().port;
      const conns = new Set<net.Socket>();
      const tcp = net.createServer((sock) => {
        conns.add(sock);
        sock.on('close', () => conns.delete(sock));
        serveTcpConnection(sock, handle);
      });
      await listenTcp(tcp, host, bound);
      const u = udp;
      u.on('error', () => undefined);
      u.on('message', (msg, rinfo) => {
        void handle(msg, 'udp')
          .catch(() => undefined)
          .then((out) => {
            if (out) u.send(out, rinfo.port, rinfo.address);
          });
      });
      return {
        host,
        port: bound,
        close: async () => {
          await new Promise<void>((resolve) => u.close(() => resolve()));
          const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
          for (const c of conns) c.destroy();
          await closed;
        },
      };
    } catch (e) {
      lastError = e;
      udp?.close();
    }
  }
  throw lastError;
}
