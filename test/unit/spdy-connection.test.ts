// The server end of a SPDY connection over a real TCP socket, driven by a minimal client built from the same framer:
// streams are replied to before their data, FIN and RST end them, client PINGs are echoed, bad stream ids are reset,
// and (as spdystream keeps no windows) a megabyte flows with no WINDOW_UPDATE at all.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { SpdyConnection, type SpdyStream } from '../../src/api/streams/spdy/connection.js';
import { FLAG_FIN, FrameReader, RST, encodeFrame, type SpdyFrame } from '../../src/api/streams/spdy/frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from '../../src/api/streams/spdy/header-compression.js';

interface Pair {
  server: SpdyConnection;
  client: net.Socket;
  /** Frames the client received so far. */
  got: SpdyFrame[];
  headers: Map<number, SpdyHeaders>;
  waitFor(pred: (frames: SpdyFrame[]) => boolean): Promise<void>;
  open(id: number, streamType: string, flags?: number): Promise<void>;
  close(): void;
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function pair(): Promise<Pair> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const server = new SpdyConnection(await accepted);
  const reader = new FrameReader();
  const inflate = new HeaderDecompressor();
  const deflate = new HeaderCompressor();
  const got: SpdyFrame[] = [];
  const headers = new Map<number, SpdyHeaders>();
  const waiters: (() => void)[] = [];
  client.on('data', (c: Buffer) => {
    for (const f of reader.push(c)) {
      if (f.type === 'SYN_REPLY')
        void inflate.decompress(f.headerBlock).then(
          (h) => headers.set(f.streamId, h),
          () => undefined,
        );
      got.push(f);
    }
    waiters.forEach((w) => w());
  });
  client.on('close', () => waiters.forEach((w) => w()));
  const close = () => {
    client.destroy();
    server.destroy();
    srv.close();
    inflate.close();
    deflate.close();
  };
  cleanups.push(close);
  return {
    server,
    client,
    got,
    headers,
    close,
    waitFor: (pred) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(got.map((f) => f.type))}`)), 5000);
        const check = () => {
          if (pred(got)) {
            clearTimeout(t);
            resolve();
          }
        };
        waiters.push(check);
        check();
      }),
    open: async (id, streamType, flags = 0) => {
      const headerBlock = deflate.compress({ streamtype: [streamType] });
      client.write(encodeFrame({ type: 'SYN_STREAM', streamId: id, associatedStreamId: 0, priority: 0, slot: 0, flags, headerBlock }));
    },
  };
}

const streamsOf = (conn: SpdyConnection) => {
  const streams: SpdyStream[] = [];
  conn.on('stream', (s) => streams.push(s));
  return streams;
};

describe('SpdyConnection (server end)', () => {
  it('replies to each stream (empty headers) and hands it over with its headers', async () => {
    const p = await pair();
    const streams = streamsOf(p.server);
    await p.open(1, 'error');
    await p.open(3, 'stdout');
    await p.waitFor((g) => g.filter((f) => f.type === 'SYN_REPLY').length === 2);
    expect(p.got.map((f) => f.type === 'SYN_REPLY' && f.streamId)).toEqual([1, 3]);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.headers.get(1)).toEqual({});
    expect(streams.map((s) => [s.id, s.header('streamType')])).toEqual([
      [1, 'error'],
      [3, 'stdout'],
    ]);
  });

  it('delivers the client data in order and its FIN as the end; our end() is an empty DATA frame with FIN', async () => {
    const p = await pair();
    const streams = streamsOf(p.server);
    await p.open(1, 'stdin');
    const data: string[] = [];
    const ended = new Promise<void>((r) =>
      p.server.once('stream', (s) => (s.on('data', (d: Buffer) => data.push(d.toString())), s.on('end', r))),
    );
    p.client.write(encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: Buffer.from('abc') }));
    p.client.write(encodeFrame({ type: 'DATA', streamId: 1, flags: FLAG_FIN, data: Buffer.from('def') }));
    await ended;
    expect(data).toEqual(['abc', 'def']);
    streams[0].write(Buffer.from('out'));
    streams[0].end();
    await p.waitFor((g) => g.some((f) => f.type === 'DATA' && f.flags === FLAG_FIN));
    expect(p.got.filter((f) => f.type === 'DATA')).toEqual([
      { type: 'DATA', streamId: 1, flags: 0, data: Buffer.from('out') },
      { type: 'DATA', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) },
    ]);
    // Written after the end: dropped, never a frame on a closed stream.
    streams[0].write(Buffer.from('late'));
  });

  it('sends a megabyte on a stream with no WINDOW_UPDATE from the client (spdystream keeps no windows)', async () => {
    const p = await pair();
    const streams = streamsOf(p.server);
    await p.open(1, 'stdout');
    await p.waitFor((g) => g.length === 1);
    const big = Buffer.alloc(1024 * 1024, 7);
    let written = false;
    streams[0].write(big, () => (written = true));
    streams[0].end();
    await p.waitFor((g) => g.some((f) => f.type === 'DATA' && f.flags === FLAG_FIN));
    const data = p.got.flatMap((f) => (f.type === 'DATA' ? [f.data] : []));
    expect(Buffer.concat(data).equals(big)).toBe(true);
    expect(Math.max(...data.map((d) => d.length))).toBeLessThanOrEqual(32 * 1024);
    expect(written).toBe(true);
    expect(p.got.some((f) => f.type === 'WINDOW_UPDATE' || f.type === 'SETTINGS')).toBe(false);
  });

  it('ignores WINDOW_UPDATE and SETTINGS from the client, echoes its PINGs (odd ids) and sends none of its own', async () => {
    const p = await pair();
    p.client.write(encodeFrame({ type: 'SETTINGS', flags: 0, settings: [{ flags: 0, id: 7, value: 1 }] }));
    p.client.write(encodeFrame({ type: 'WINDOW_UPDATE', streamId: 1, delta: 10 }));
    p.client.write(encodeFrame({ type: 'PING', id: 2 }));
    p.client.write(encodeFrame({ type: 'PING', id: 5 }));
    await p.waitFor((g) => g.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.got).toEqual([{ type: 'PING', id: 5 }]);
  });

  it('resets streams with even or non-rising ids, and data on unknown streams', async () => {
    const p = await pair();
    await p.open(2, 'error');
    await p.open(3, 'stdout');
    await p.open(1, 'stdin');
    p.client.write(encodeFrame({ type: 'DATA', streamId: 9, flags: 0, data: Buffer.from('x') }));
    await p.waitFor((g) => g.length >= 4);
    expect(p.got.map((f) => [f.type, 'streamId' in f ? f.streamId : 0, 'status' in f ? f.status : 0])).toEqual([
      ['RST_STREAM', 2, RST.protocolError],
      ['SYN_REPLY', 3, 0],
      ['RST_STREAM', 1, RST.protocolError],
      ['RST_STREAM', 9, RST.invalidStream],
    ]);
  });

  it('a client RST ends the stream; the connection ending ends every stream', async () => {
    const p = await pair();
    const streams = streamsOf(p.server);
    await p.open(1, 'error');
    await p.open(3, 'stdout');
    await p.waitFor((g) => g.length === 2);
    const ends: number[] = [];
    streams.forEach((s) => s.on('end', () => ends.push(s.id)));
    p.client.write(encodeFrame({ type: 'RST_STREAM', streamId: 1, status: RST.cancel }));
    await new Promise((r) => setTimeout(r, 50));
    expect(ends).toEqual([1]);
    const closed = new Promise<void>((r) => p.server.once('close', r));
    p.client.end();
    await closed;
    expect(ends).toEqual([1, 3]);
    expect(p.server.isOpen).toBe(false);
  });

  it('answers a protocol error with GOAWAY and closes', async () => {
    const p = await pair();
    const errors: Error[] = [];
    p.server.on('error', (e) => errors.push(e));
    p.client.write(Buffer.from('800200060000000400000001', 'hex'));
    await p.waitFor((g) => g.some((f) => f.type === 'GOAWAY'));
    expect(p.got.at(-1)).toEqual({ type: 'GOAWAY', lastGoodStreamId: 0, status: 1 });
    await new Promise<void>((r) => (p.client.closed ? r() : p.client.once('close', () => r())));
    expect(errors[0].message).toMatch(/version 2/);
  });

  it("replays kubectl 1.29's captured exec -i bytes into streams and stdin data", async () => {
    const p = await pair();
    const types: string[] = [];
    let stdin = '';
    let stdinEnded = false;
    p.server.on('stream', (s) => {
      types.push(s.header('streamtype') ?? '');
      if (s.header('streamtype') === 'stdin') {
        s.on('data', (d: Buffer) => (stdin += d.toString()));
        s.on('end', () => (stdinEnded = true));
      }
    });
    // Captured bytes arrive as one chunk, as after an upgrade's head; replies are written as they would be for kubectl.
    p.server.receive(readFileSync('test/fixtures/spdy/exec-stdin.client.bin'));
    await p.waitFor((g) => g.filter((f) => f.type === 'SYN_REPLY').length === 4);
    expect(types).toEqual(['error', 'stdin', 'stdout', 'stderr']);
    expect(stdin).toBe('abc\ndef\n');
    expect(stdinEnded).toBe(true);
  });
});
