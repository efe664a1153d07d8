// Frames a real kubectl 1.29 sent for exec over SPDY (recorded by test/fixtures/spdy/capture.ts): they decode with our
// framer and one inflate context per connection, and hold what the server relies on: one stream per streamType, opened
// in client-go's order with odd rising ids, stdin data then FIN, the resize stream's JSON, odd PING ids.
import { readFileSync } from 'node:fs';
import { FLAG_FIN, FrameReader, type SpdyFrame } from '../../src/api/streams/spdy/frames.js';
import { HeaderDecompressor } from '../../src/api/streams/spdy/header-compression.js';

const FIXTURES = 'test/fixtures/spdy';

interface Decoded {
  frames: SpdyFrame[];
  /** streamType by stream id, in the order the streams were opened. */
  streams: [number, string][];
  request: { url: string; headers: Record<string, string>; exit: number };
}

async function decode(name: string): Promise<Decoded> {
  const frames = new FrameReader().push(readFileSync(`${FIXTURES}/${name}.client.bin`));
  const d = new HeaderDecompressor();
  const streams: [number, string][] = [];
  for (const f of frames) {
    if (f.type !== 'SYN_STREAM') continue;
    const h = await d.decompress(f.headerBlock);
    expect(Object.keys(h)).toEqual(['streamtype']);
    streams.push([f.streamId, h.streamtype[0]]);
  }
  d.close();
  return { frames, streams, request: JSON.parse(readFileSync(`${FIXTURES}/${name}.request.json`, 'utf8')) };
}

const dataOf = (frames: SpdyFrame[], id: number) => frames.flatMap((f) => (f.type === 'DATA' && f.streamId === id ? [f] : []));

describe('frames captured from kubectl 1.29', () => {
  it('asks to upgrade to SPDY/3.1 offering v5 down to channel.k8s.io', async () => {
    const { request } = await decode('exec-echo');
    expect(request.headers.upgrade).toBe('SPDY/3.1');
    expect(request.headers.connection).toBe('Upgrade');
    expect(request.headers['x-stream-protocol-version'].split(', ')).toEqual([
      'v5.channel.k8s.io',
      'v4.channel.k8s.io',
      'v3.channel.k8s.io',
      'v2.channel.k8s.io',
      'channel.k8s.io',
    ]);
    expect(request.url).toBe('/api/v1/namespaces/default/pods/p/exec?command=echo&command=hi&container=main&stderr=true&stdout=true');
    expect(request.exit).toBe(0);
  });

  it('exec: error, stdout, stderr streams; at the end the client resets them and goes away', async () => {
    const { frames, streams } = await decode('exec-echo');
    expect(streams).toEqual([
      [1, 'error'],
      [3, 'stdout'],
      [5, 'stderr'],
    ]);
    for (const f of frames.filter((f) => f.type === 'SYN_STREAM'))
      expect(f).toMatchObject({ flags: 0, priority: 0, associatedStreamId: 0 });
    expect(
      frames
        .filter((f) => f.type === 'RST_STREAM')
        .map((f) => f.type === 'RST_STREAM' && f.streamId)
        .sort(),
    ).toEqual([1, 3, 5]);
    expect(frames.at(-1)).toEqual({ type: 'GOAWAY', lastGoodStreamId: 0, status: 0 });
  });

  it('exec -i: a stdin stream carrying the input, then FIN', async () => {
    const { frames, streams } = await decode('exec-stdin');
    expect(streams.map(([, t]) => t)).toEqual(['error', 'stdin', 'stdout', 'stderr']);
    const stdin = dataOf(frames, 3);
    expect(Buffer.concat(stdin.map((f) => (f.type === 'DATA' ? f.data : Buffer.alloc(0)))).toString()).toBe('abc\ndef\n');
    expect(stdin.at(-1)?.flags).toBe(FLAG_FIN);
  });

  it('a non-zero exit reached kubectl through the v4 Status (it exited 3)', async () => {
    const { streams, request } = await decode('exec-exit3');
    expect(streams.map(([, t]) => t)).toEqual(['error', 'stdout', 'stderr']);
    expect(request.exit).toBe(3);
  });

  it('exec -it: no stderr stream, a resize stream with JSON sizes, client PINGs with odd ids', async () => {
    const { frames, streams, request } = await decode('exec-tty');
    expect(request.url).toContain('tty=true');
    expect(streams).toEqual([
      [1, 'error'],
      [3, 'stdin'],
      [5, 'stdout'],
      [7, 'resize'],
    ]);
    const resize = dataOf(frames, 7).map((f) => (f.type === 'DATA' ? f.data.toString() : ''));
    expect(resize[0]).toMatch(/^\{"Width":\d+,"Height":\d+\}\n$/);
    const pings = frames.flatMap((f) => (f.type === 'PING' ? [f.id] : []));
    expect(pings.length).toBeGreaterThan(0);
    for (const id of pings) expect(id % 2).toBe(1);
  });

  it('header blocks only inflate in order, through one context', async () => {
    const frames = new FrameReader().push(readFileSync(`${FIXTURES}/exec-echo.client.bin`));
    const syns = frames.flatMap((f) => (f.type === 'SYN_STREAM' ? [f.headerBlock] : []));
    const d = new HeaderDecompressor();
    await expect(d.decompress(syns[1])).rejects.toThrow(/does not inflate/);
    d.close();
  });
});
