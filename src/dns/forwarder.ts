// Names that are not the cluster's go to the host's resolvers (CoreDNS's `forward . /etc/resolv.conf`): the query's
// bytes as they came, over the transport they came on, to each upstream in turn until one answers in time.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket, { type Answer, type RecordType } from 'dns-packet';
import { RCODE, rcodeOf } from './response.js';

export interface Upstream {
  host: string;
  port: number;
}

export type Transport = 'udp' | 'tcp';

/** How long one upstream gets before the next is tried (CoreDNS's forward waits up to 2 s a try). */
export const UPSTREAM_TIMEOUT_MS = 2000;

function viaUdp(u: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(u.host) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err: Error | undefined, msg?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => done(new Error(`no answer from ${u.host}:${u.port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    // Only the upstream's answer to this id counts (a stray datagram on the port is ignored).
    sock.on('message', (msg, rinfo) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id && rinfo.port === u.port) done(undefined, msg);
    });
    sock.send(query, u.port, u.host);
  });
}

function viaTcp(u: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: u.host, port: u.port });
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, msg?: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => done(new Error(`no answer from ${u.host}:${u.port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => done(new Error(`${u.host}:${u.port} closed the connection`)));
  });
}

export class Forwarder {
  constructor(
    readonly upstreams: Upstream[],
    private timeoutMs = UPSTREAM_TIMEOUT_MS,
  ) {}

  /** The first upstream's answer to the raw query; undefined when none answered in time (the caller's SERVFAIL). */
  async forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    for (const u of this.upstreams) {
      try {
        return await (transport === 'tcp' ? viaTcp : viaUdp)(u, query, this.timeoutMs);
      } catch {
        /* the next upstream */
      }
    }
    return undefined;
  }

  /** The answer records upstream has for a name (an ExternalName's target); none when it does not answer. */
  async lookup(name: string, type: RecordType): Promise<Answer[]> {
    const query = dnsPacket.encode({
      id: randomInt(0, 65536),
      type: 'query',
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
    });
    const raw = await this.forward(query, 'udp');
    if (!raw) return [];
    try {
      const res = dnsPacket.decode(raw);
      return rcodeOf(res) === RCODE.NOERROR ? (res.answers ?? []) : [];
    } catch {
      return [];
    }
  }
}
