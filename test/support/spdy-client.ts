// A minimal SPDY/3 client for tests, built from the server's own framer and header contexts: opens streams, writes
// frames, and collects what the server sends (SYN_REPLY headers inflated in order, asynchronously). waitFor polls as well, for
// conditions on state outside the frames.
import type net from 'node:net';
import { FrameReader, encodeFrame, type SpdyFrame } from '../../src/api/streams/spdy/frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from '../../src/api/streams/spdy/header-compression.js';

export class SpdyTestClient {
  readonly got: SpdyFrame[] = [];
  readonly replyHeaders = new Map<number, SpdyHeaders>();
  private readonly reader = new FrameReader();
  private readonly inflate = new HeaderDecompressor();
  private readonly deflate = new HeaderCompressor();
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    socket.on('close', () => this.waiters.forEach((w) => w()));
  }

  /** Feeds bytes from the server (after any HTTP response head). */
  receive(chunk: Buffer): void {
    for (const f of this.reader.push(chunk)) {
      // The context keeps blocks in order itself; the headers land a moment later.
      if (f.type === 'SYN_REPLY')
        void this.inflate.decompress(f.headerBlock).then(
          (h) => this.replyHeaders.set(f.streamId, h),
          () => undefined,
        );
      this.got.push(f);
    }
    this.waiters.forEach((w) => w());
  }

  open(id: number, headers: SpdyHeaders, flags = 0): void {
    const headerBlock = this.deflate.compress(headers);
    this.socket.write(encodeFrame({ type: 'SYN_STREAM', streamId: id, associatedStreamId: 0, priority: 0, slot: 0, flags, headerBlock }));
  }

  send(f: SpdyFrame): void {
    this.socket.write(encodeFrame(f));
  }

  /** The data the server sent on a stream, and whether it has half-closed it. */
  dataOf(id: number): { data: Buffer; fin: boolean } {
    const frames = this.got.flatMap((f) => (f.type === 'DATA' && f.streamId === id ? [f] : []));
    return { data: Buffer.concat(frames.map((f) => f.data)), fin: frames.some((f) => f.flags & 1) };
  }

  waitFor(pred: (frames: SpdyFrame[]) => boolean, ms = 5000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pred(this.got)) return;
        stop();
        resolve();
      };
      const poll = setInterval(check, 20);
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out; got ${JSON.stringify(this.got.map((f) => f.type))}`));
      }, ms);
      const stop = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.socket.destroy();
    this.inflate.close();
    this.deflate.close();
  }
}
