// exec/attach over SPDY against a scripted session (the real engine is in conformance/scenarios/39-exec-streams.sh):
// the protocol negotiation, the 101, waiting for the streams the request asked for, stdin and its EOF, resize lines,
// output, the Status on the error stream per protocol version, FIN on our streams, and a client that goes away.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import type { SessionResult, StreamSession } from '../../src/node/types.js';
import { negotiateSpdyProtocol, switchingProtocols } from '../../src/api/streams/spdy/negotiate.js';
import { runSpdySession, type SpdySessionOptions } from '../../src/api/streams/spdy/session.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { SpdyTestClient } from '../support/spdy-client.js';
import { FrameReader, encodeFrame } from '../../src/api/streams/spdy/frames.js';

const req = (protocols?: string) =>
  ({ headers: { upgrade: 'SPDY/3.1', ...(protocols === undefined ? {} : { 'x-stream-protocol-version': protocols }) } }) as IncomingMessage;

describe('SPDY protocol negotiation', () => {
  it("takes the client's first protocol the kubelet speaks (kubectl 1.29 offers v5 first: v4 is chosen)", () => {
    const n = negotiateSpdyProtocol(req('v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io'));
    expect(n).toEqual({ protocol: 'v4.channel.k8s.io', announce: true });
    expect(switchingProtocols(n)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n',
    );
    expect(negotiateSpdyProtocol(req('v2.channel.k8s.io,v4.channel.k8s.io')).protocol).toBe('v2.channel.k8s.io');
  });

  it('a client offering nothing gets channel.k8s.io, unannounced; one offering none of ours gets 403', () => {
    expect(negotiateSpdyProtocol(req())).toEqual({ protocol: 'channel.k8s.io', announce: false });
    expect(switchingProtocols(negotiateSpdyProtocol(req()))).not.toContain('X-Stream-Protocol-Version');
    let err: unknown;
    try {
      negotiateSpdyProtocol(req('v5.channel.k8s.io, bogus'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(403);
    expect((err as StatusError).message).toMatch(/unable to negotiate protocol: client supports \[v5.channel.k8s.io bogus\]/);
  });
});

interface Fake {
  session: StreamSession;
  stdinData: Buffer[];
  stdinEnded: () => boolean;
  resizes: { width: number; height: number }[];
  closed: () => boolean;
  exit(result: SessionResult): void;
  stdout: PassThrough;
  stderr: PassThrough;
}

function fakeSession(tty = false): Fake {
  const stdin = new PassThrough();
  const stdinData: Buffer[] = [];
  let ended = false;
  stdin.on('data', (d: Buffer) => stdinData.push(d));
  stdin.on('end', () => (ended = true));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const resizes: { width: number; height: number }[] = [];
  let closed = false;
  let settle: (r: SessionResult) => void = () => undefined;
  const result = new Promise<SessionResult>((r) => (settle = r));
  return {
    session: { stdin, stdout, stderr: tty ? undefined : stderr, tty, resize: (s) => resizes.push(s), result, close: () => (closed = true) },
    stdinData,
    stdinEnded: () => ended,
    resizes,
    closed: () => closed,
    exit(r) {
      stdout.end();
      stderr.end();
      settle(r);
    },
    stdout,
    stderr,
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A server socket running the session, and a client past the 101. */
async function connect(fake: Fake, o: Partial<SpdySessionOptions>, requestHead = Buffer.alloc(0)) {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  let done: Promise<void> = Promise.resolve();
  srv.once('connection', (s) => {
    done = runSpdySession(s, requestHead, fake.session, {
      negotiated: { protocol: 'v4.channel.k8s.io', announce: true },
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
      command: ['sh', '-c', 'exit 3'],
      lingerMs: 200,
      ...o,
    });
  });
  const socket = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const client = new SpdyTestClient(socket);
  /** The response head the client reads (the 101). */
  let head = '';
  await new Promise<void>((resolve) => {
    const onData = (c: Buffer) => {
      const all = Buffer.concat([Buffer.from(head, 'latin1'), c]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return void (head = all.toString('latin1'));
      head = all.subarray(0, end).toString('latin1');
      socket.off('data', onData);
      socket.on('data', (d: Buffer) => client.receive(d));
      client.receive(all.subarray(end + 4));
      resolve();
    };
    socket.on('data', onData);
  });
  cleanups.push(() => {
    client.close();
    srv.close();
  });
  return { client, head, done: () => done };
}

describe('runSpdySession', () => {
  it('bridges stdin, stdout, stderr and ends with a v4 Status carrying the exit code, then FIN on its streams', async () => {
    const fake = fakeSession();
    const { client, head, done } = await connect(fake, {});
    expect(head).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\n/);
    await client.open(1, { streamtype: ['error'] });
    await client.open(3, { streamtype: ['stdin'] });
    // Input sent before the other streams exist reaches the process (it is already running).
    client.send({ type: 'DATA', streamId: 3, flags: 0, data: Buffer.from('in-0 ') });
    await client.open(5, { streamtype: ['stdout'] });
    // Output written before the last stream opens waits in the session's stream: nothing is lost.
    fake.stdout.write('early\n');
    await new Promise((r) => setTimeout(r, 30));
    expect(client.dataOf(5).data.length).toBe(0);
    await client.open(7, { streamtype: ['stderr'] });
    await client.waitFor(() => client.dataOf(5).data.toString() === 'early\n');
    client.send({ type: 'DATA', streamId: 3, flags: 0, data: Buffer.from('in-1 ') });
    client.send({ type: 'DATA', streamId: 3, flags: 1, data: Buffer.from('in-2') });
    fake.stderr.write('oops\n');
    await client.waitFor(() => fake.stdinEnded());
    expect(Buffer.concat(fake.stdinData).toString()).toBe('in-0 in-1 in-2');
    fake.exit({ exitCode: 3 });
    await client.waitFor(() => client.dataOf(1).fin && client.dataOf(5).fin && client.dataOf(7).fin);
    expect(client.dataOf(7).data.toString()).toBe('oops\n');
    expect(JSON.parse(client.dataOf(1).data.toString())).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    // A client that does not hang up is hung up on after the linger.
    await done();
    expect(fake.closed()).toBe(true);
  });

  it('v4 success is a Success Status; before v4 success is silence and failure a bare text', async () => {
    const ok = fakeSession();
    const a = await connect(ok, { stdin: false, stderr: false });
    await a.client.open(1, { streamtype: ['error'] });
    await a.client.open(3, { streamtype: ['stdout'] });
    await new Promise((r) => setTimeout(r, 20));
    ok.exit({ exitCode: 0 });
    await a.client.waitFor(() => a.client.dataOf(1).fin);
    expect(JSON.parse(a.client.dataOf(1).data.toString())).toEqual({ metadata: {}, status: 'Success' });

    const v2 = fakeSession();
    const b = await connect(v2, { stdin: false, stderr: false, negotiated: { protocol: 'v2.channel.k8s.io', announce: true } });
    await b.client.open(1, { streamtype: ['error'] });
    await b.client.open(3, { streamtype: ['stdout'] });
    await new Promise((r) => setTimeout(r, 20));
    v2.exit({ error: 'exec: "nope": executable file not found in $PATH' });
    await b.client.waitFor(() => b.client.dataOf(1).fin);
    expect(b.client.dataOf(1).data.toString()).toBe('exec: "nope": executable file not found in $PATH');
  });

  it('with a terminal: no stderr stream is awaited, resize lines reach the terminal (split or batched)', async () => {
    const fake = fakeSession(true);
    const { client } = await connect(fake, { tty: true });
    await client.open(1, { streamtype: ['error'] });
    await client.open(3, { streamtype: ['stdin'] });
    await client.open(5, { streamtype: ['stdout'] });
    await client.open(7, { streamtype: ['resize'] });
    client.send({ type: 'DATA', streamId: 7, flags: 0, data: Buffer.from('{"Width":80,"Hei') });
    client.send({
      type: 'DATA',
      streamId: 7,
      flags: 0,
      data: Buffer.from('ght":24}\n{"Width":100,"Height":40}\nnot json\n{"Width":0,"Height":0}\n'),
    });
    fake.stdout.write('prompt$ ');
    await client.waitFor(() => client.dataOf(5).data.toString() === 'prompt$ ');
    // The resize stream is read on its own: on a loaded host its lines may land after the stdout frame. Wait for the
    // two valid ones, then a moment for anything (wrongly) taken from the rest.
    await client.waitFor(() => fake.resizes.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.resizes).toEqual([
      { width: 80, height: 24 },
      { width: 100, height: 40 },
    ]);
  });

  it('refuses a stream of an unknown or repeated type; closes the session when the streams do not come in time', async () => {
    const fake = fakeSession();
    const { client, done } = await connect(fake, { streamCreationTimeoutMs: 300 });
    await client.open(1, { streamtype: ['error'] });
    await client.open(3, { streamtype: ['error'] });
    await client.open(5, { streamtype: ['bogus'] });
    await client.waitFor((g) => g.filter((f) => f.type === 'RST_STREAM').length === 2);
    await done();
    expect(fake.closed()).toBe(true);
    await client.waitFor(() => client.socket.destroyed || client.socket.readableEnded);
  });

  it('a process that reads stdin slowly pushes back on the client instead of the server buffering its input', async () => {
    const fake = fakeSession();
    const held: (() => void)[] = [];
    let taken = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        taken += chunk.length;
        held.push(cb);
      },
    });
    fake.session.stdin = slow;
    const { client } = await connect(fake, { stderr: false });
    client.open(1, { streamtype: ['error'] });
    client.open(3, { streamtype: ['stdin'] });
    client.open(5, { streamtype: ['stdout'] });
    await client.waitFor((g) => g.filter((f) => f.type === 'SYN_REPLY').length === 3);
    const total = 4 * 1024 * 1024;
    for (let off = 0; off < total; off += 32 * 1024) client.send({ type: 'DATA', streamId: 3, flags: 0, data: Buffer.alloc(32 * 1024, 1) });
    await new Promise((r) => setTimeout(r, 300));
    // Held by the process's stdin: what the socket had delivered before the pause, not the 4 MiB sent.
    expect(slow.writableLength).toBeLessThan(1024 * 1024);
    // Released, everything arrives.
    const release = setInterval(() => held.splice(0).forEach((cb) => cb()), 5);
    await client.waitFor(() => taken === total, 10_000);
    clearInterval(release);
  });

  it("kubectl 1.29's captured stream openings, arriving with the upgrade's head, start the session", async () => {
    // The three SYN_STREAMs of a captured `kubectl exec p -- echo hi` (error, stdout, stderr), without its ending.
    const frames = new FrameReader().push(readFileSync('test/fixtures/spdy/exec-echo.client.bin'));
    const head = Buffer.concat(frames.filter((f) => f.type === 'SYN_STREAM').map(encodeFrame));
    const fake = fakeSession();
    const { client } = await connect(fake, { stdin: false }, head);
    await client.waitFor((g) => g.filter((f) => f.type === 'SYN_REPLY').length === 3);
    fake.stdout.write('hi\n');
    fake.exit({ exitCode: 0 });
    await client.waitFor(() => client.dataOf(1).fin && client.dataOf(3).fin && client.dataOf(5).fin);
    expect(client.dataOf(3).data.toString()).toBe('hi\n');
    expect(JSON.parse(client.dataOf(1).data.toString())).toEqual({ metadata: {}, status: 'Success' });
  });

  it('a client that goes away mid-session closes the session', async () => {
    const fake = fakeSession();
    const { client, done } = await connect(fake, { stdin: false, stderr: false });
    await client.open(1, { streamtype: ['error'] });
    await client.open(3, { streamtype: ['stdout'] });
    fake.stdout.write('x');
    await client.waitFor(() => client.dataOf(3).data.length === 1);
    client.socket.destroy();
    await client.waitFor(() => fake.closed());
    fake.exit({ exitCode: 0 });
    await done();
  });
});
