// The server end of a SPDY/3.1 connection as moby/spdystream (client-go's httpstream/spdy) speaks it: the client opens
// streams (odd ids, rising) with SYN_STREAM and waits for a SYN_REPLY before it sends data; either side half-closes a
// stream with FIN; PINGs from the client are echoed. spdystream neither sends nor honours WINDOW_UPDATE or SETTINGS
// (its frame loop drops them), so no flow-control window is kept here either: a send window that waits for a
// WINDOW_UPDATE would stall every transfer past 64 KiB. Backpressure is TCP's (write callbacks, see SpdyStream.write).
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { FLAG_FIN, FrameReader, GOAWAY, RST, SpdyProtocolError, encodeFrame, type SpdyFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, SpdyHeaderError, type SpdyHeaders } from './header-compression.js';

/** The largest DATA frame sent: Go reads any size up to 2^24-1; small frames keep streams interleaved. */
export const MAX_SEND_CHUNK = 32 * 1024;

export class SpdyStream extends EventEmitter {
  /** The client half-closed (FIN) or reset the stream. */
  remoteEnded = false;
  /** We half-closed (FIN) or reset it. */
  localEnded = false;

  constructor(
    private readonly conn: SpdyConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super();
  }

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Sends data; `cb` runs once the bytes are handed to the socket (or dropped because the stream or socket is gone). */
  write(data: Buffer, cb?: () => void): void {
    if (this.localEnded) {
      cb?.();
      return;
    }
    for (let off = 0; off < data.length || off === 0; off += MAX_SEND_CHUNK) {
      const chunk = data.subarray(off, off + MAX_SEND_CHUNK);
      const last = off + MAX_SEND_CHUNK >= data.length;
      this.conn.send({ type: 'DATA', streamId: this.id, flags: 0, data: chunk }, last ? cb : undefined);
      if (last) break;
    }
  }

  /** Half-closes our side: an empty DATA frame with FIN, which the client reads as EOF. */
  end(): void {
    if (this.localEnded) return;
    this.localEnded = true;
    this.conn.send({ type: 'DATA', streamId: this.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
    this.conn.settle(this);
  }

  reset(status: number = RST.cancel): void {
    if (this.localEnded && this.remoteEnded) return;
    this.conn.send({ type: 'RST_STREAM', streamId: this.id, status });
    this.localEnded = true;
    this.remoteGone();
  }

  /** @internal */
  remoteData(data: Buffer): void {
    if (!this.remoteEnded && data.length) this.emit('data', data);
  }

  /** @internal the client's reset or the connection's end: 'reset' tells it from a FIN before 'end' follows. */
  aborted(): void {
    if (this.remoteEnded) return;
    this.localEnded = true;
    this.emit('reset');
    this.remoteGone();
  }

  /** @internal the client's FIN, a reset, or the connection's end. */
  remoteGone(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.emit('end');
    this.conn.settle(this);
  }
}

export interface SpdyConnectionEvents {
  stream: [SpdyStream];
  close: [];
  goaway: [];
  error: [Error];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private lastStreamId = 0;
  private goneAway = false;
  private closed = false;
  private pausers = 0;
  /** Frames are handled in order, though a header block inflates asynchronously (compressing ours is synchronous). */
  private inbound: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Stops reading from the client until resumeInput(), so TCP pushes back on it: for a consumer that is behind. Counted:
   * with several streams behind (port-forward's concurrent connections), reading resumes when none is.
   */
  pauseInput(): void {
    if (this.pausers++ === 0) this.socket.pause();
  }

  resumeInput(): void {
    if (this.pausers > 0 && --this.pausers === 0) this.socket.resume();
  }

  /** Feeds bytes that arrived before this object listened (the upgrade's head). */
  receive(chunk: Buffer): void {
    if (this.closed || !chunk.length) return;
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) {
      this.inbound = this.inbound.then(() => this.handle(f)).catch((e: Error) => this.fail(e));
    }
  }

  /** Queues a frame; `cb` runs once it is handed to the socket, or at once when the connection is gone. */
  send(frame: SpdyFrame, cb?: () => void): void {
    if (this.closed || !this.socket.writable) {
      cb?.();
      return;
    }
    this.socket.write(encodeFrame(frame), () => cb?.());
  }

  /** GOAWAY: no new streams; the ones open go on. */
  goAway(status: number = GOAWAY.ok): void {
    if (this.goneAway) return;
    this.goneAway = true;
    this.send({ type: 'GOAWAY', lastGoodStreamId: this.lastStreamId, status });
  }

  /** Ends the TCP connection after the frames already written. */
  end(): void {
    if (!this.closed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    this.shutdown();
  }

  /** @internal forgets a stream closed both ways. */
  settle(s: SpdyStream): void {
    if (s.localEnded && s.remoteEnded) this.streams.delete(s.id);
  }

  private async handle(f: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (f.type) {
      case 'SYN_STREAM': {
        // Headers are inflated even for a stream that is refused: the zlib context spans every frame.
        const headers = await this.decompressor.decompress(f.headerBlock);
        if (this.goneAway) return this.send({ type: 'RST_STREAM', streamId: f.streamId, status: RST.refusedStream });
        if (f.streamId % 2 !== 1 || f.streamId <= this.lastStreamId) {
          return this.send({ type: 'RST_STREAM', streamId: f.streamId, status: RST.protocolError });
        }
        this.lastStreamId = f.streamId;
        const stream = new SpdyStream(this, f.streamId, headers);
        this.streams.set(f.streamId, stream);
        // The reply goes before anything the handler sends on the stream: the client drops data on unreplied streams.
        this.send({ type: 'SYN_REPLY', streamId: f.streamId, flags: 0, headerBlock: this.compressor.compress({}) });
        this.emit('stream', stream);
        if (f.flags & FLAG_FIN) stream.remoteGone();
        return;
      }
      case 'DATA': {
        const s = this.streams.get(f.streamId);
        if (!s) return this.send({ type: 'RST_STREAM', streamId: f.streamId, status: RST.invalidStream });
        s.remoteData(f.data);
        if (f.flags & FLAG_FIN) s.remoteGone();
        return;
      }
      case 'RST_STREAM': {
        const s = this.streams.get(f.streamId);
        s?.aborted();
        return;
      }
      case 'HEADERS': {
        await this.decompressor.decompress(f.headerBlock);
        if (f.flags & FLAG_FIN) this.streams.get(f.streamId)?.remoteGone();
        return;
      }
      case 'SYN_REPLY':
        // We open no streams, so there is nothing to reply to; its headers still go through the zlib context.
        await this.decompressor.decompress(f.headerBlock);
        return;
      case 'PING':
        // Odd ids are the client's: echo them. Even ones would answer our own pings, and we send none.
        if (f.id % 2 === 1) this.send(f);
        return;
      case 'GOAWAY':
        this.goneAway = true;
        this.emit('goaway');
        return;
      case 'SETTINGS':
      case 'WINDOW_UPDATE':
        return;
    }
  }

  private fail(e: Error): void {
    if (this.closed) return;
    if ((e instanceof SpdyProtocolError || e instanceof SpdyHeaderError) && this.socket.writable) {
      this.socket.write(encodeFrame({ type: 'GOAWAY', lastGoodStreamId: this.lastStreamId, status: GOAWAY.protocolError }));
    }
    if (this.listenerCount('error')) this.emit('error', e);
    this.destroy();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.aborted();
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    this.emit('close');
  }
}
