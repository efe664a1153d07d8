// DNS bench helpers: a UDP client that times one query at a time on one socket, and the floor to compare with — a
// minimal dns-packet responder on this host (bench/dns-floor.ts), the least any JavaScript DNS server does.
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import { stopChild } from './child.js';

const FLOOR = join(dirname(fileURLToPath(import.meta.url)), 'dns-floor.js');

export interface DnsTarget {
  host: string;
  port: number;
}

const QUERY_TIMEOUT_MS = 1000;

/** Sequential queries over one UDP socket; each resolves with the decoded answer. */
export class DnsClient {
  private sock = dgram.createSocket('udp4');
  private id = 0;
  private waiting = new Map<number, (p: DecodedPacket) => void>();

  constructor(private target: DnsTarget) {
    this.sock.on('message', (m) => {
      const p = dnsPacket.decode(m);
      const done = this.waiting.get(p.id ?? -1);
      this.waiting.delete(p.id ?? -1);
      done?.(p);
    });
  }

  query(name: string, type: RecordType = 'A'): Promise<DecodedPacket> {
    const id = (this.id = (this.id + 1) & 0xffff);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer from ${this.target.host}:${this.target.port} for ${name} in ${QUERY_TIMEOUT_MS} ms`));
      }, QUERY_TIMEOUT_MS);
      this.waiting.set(id, (p) => {
        clearTimeout(t);
        resolve(p);
      });
      this.sock.send(
        dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }),
        this.target.port,
        this.target.host,
      );
    });
  }

  close(): void {
    this.sock.close();
  }
}

/**
 * The floor: a responder answering every question with one A record, in a process of its own (as the server is), on
 * 127.0.0.1 at an ephemeral port (bench/dns-floor.ts).
 */
export async function minimalResponder(): Promise<DnsTarget & { close(): Promise<void> }> {
  const child = spawn(process.execPath, [FLOOR], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`dns-floor exited (${code})`)));
  });
  return { host: '127.0.0.1', port, close: () => stopChild(child) };
}

/** Times `n` sequential queries: the latency of each answered one in ms, and how many got no answer in time. */
export async function timeQueries(
  client: DnsClient,
  name: string,
  n: number,
  type: RecordType = 'A',
): Promise<{ ms: number[]; lost: number }> {
  const ms: number[] = [];
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      await client.query(name, type);
      ms.push(performance.now() - t0);
    } catch {
      lost++;
    }
  }
  return { ms, lost };
}
