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

/**
 * One UDP socket per upstream, shared by the queries in flight (as CoreDNS's forward keeps its connections): each
 * query goes out under an id of its own, free among those pending, and its answer comes back under the client's id.
 */
class UdpUpstream {
  private sock?: dgram.Socket;
  private pending = new Map<number, { id: number; done: (err?: Error, msg?: Buffer) => void }>();

  constructor(private u: Upstream) {}

  private socket(): dgram.Socket {
    if (this.sock) return this.sock;
    const s = dgram.createSocket(net.isIPv6(this.u.host) ? 'udp6' : 'udp4');
    s.on('message', (msg, rinfo) => {
      if (msg.length < 12 || rinfo.port !== this.u.port) return;
      const p = this.pending.get(msg.readUInt16BE(0));
      if (!p) return; // late, or not ours
      const out = Buffer.from(msg);
      out.writeUInt16BE(p.id, 0);
      p.done(undefined, out);
    });
    s.on('error', (e) => {
      if (this.sock === s) this.sock = undefined;
      s.close();
      for (const p of [...this.pending.values()]) p.done(e);
    });
    s.unref();
    return (this.sock = s);
  }

  send(query: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let wire = randomInt(0, 65536);
      while (this.pending.has(wire)) wire = randomInt(0, 65536);
      const timer = setTimeout(() => done(new Error(`no answer from ${this.u.host}:${this.u.port} in ${timeoutMs} ms`)), timeoutMs);
      const done = (err?: Error, msg?: Buffer) => {
        clearTimeout(timer);
        this.pending.delete(wire);
        if (err) reject(err);
        else resolve(msg!);
      };
      this.pending.set(wire, { id: query.readUInt16BE(0), done });
      const out = Buffer.from(query);
      out.writeUInt16BE(wire, 0);
      this.socket().send(out, this.u.port, this.u.host, (e) => e && done(e));
    });
  }

  close(): void {
    this.sock?.close();
    this.sock = undefined;
  }
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
  private udp: UdpUpstream[];
  constructor(
    readonly upstreams: Upstream[],
    private timeoutMs = UPSTREAM_TIMEOUT_MS,
  ) {
    this.udp = upstreams.map((u) => new UdpUpstream(u));
  }

  /** The first upstream's answer to the raw query; undefined when none answered in time (the caller's SERVFAIL). */
  async forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    for (const [i, u] of this.upstreams.entries()) {
      try {
        return await (transport === 'tcp' ? viaTcp(u, query, this.timeoutMs) : this.udp[i]!.send(query, this.timeoutMs));
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

  close(): void {
    this.udp.forEach((u) => u.close());
  }
}
