// Docker's multiplexed stream framing (non-TTY logs, exec and attach): an 8-byte header — stream type (1 stdout,
// 2 stderr), three zero bytes, a big-endian uint32 payload length — then the payload. Chunks from the socket split
// frames anywhere, so the decoder buffers until a frame is whole.

export interface DockerFrame {
  stream: 1 | 2;
  data: Buffer;
}

export class DockerFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds one chunk; returns the frames it completes, in order. */
  push(chunk: Buffer): DockerFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: DockerFrame[] = [];
    let off = 0;
    while (this.pending.length - off >= 8) {
      const len = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off - 8 < len) break;
      const type = this.pending[off]!;
      // Stream 0 (stdin echo) does not occur in practice; it goes out with stdout like Docker's own demuxer does.
      frames.push({ stream: type === 2 ? 2 : 1, data: this.pending.subarray(off + 8, off + 8 + len) });
      off += 8 + len;
    }
    this.pending = this.pending.subarray(off);
    return frames;
  }
}
