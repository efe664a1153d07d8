// SPDY/3 header blocks: a name/value block (uint32 count, then uint32-length-prefixed names and values; several
// values of one name joined by NUL), compressed with zlib and the SPDY dictionary. Each direction of a connection is
// ONE zlib stream: every block is a Z_SYNC_FLUSH of the same context, never a fresh deflate per frame (Go's framer
// keeps one zlib reader and writer for the connection's life and fails on anything else).
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

/** Header names are lower case (Go's framer lowercases them); values in order. */
export type SpdyHeaders = Record<string, string[]>;

/** What one header block may inflate to: a client cannot make the server hold more (a zlib bomb). */
export const MAX_HEADER_BLOCK_BYTES = 256 * 1024;

export class SpdyHeaderError extends Error {}

export function encodeNameValueBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, values] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function parseNameValueBlock(block: Buffer): SpdyHeaders {
  let off = 0;
  const take = (n: number): Buffer => {
    if (off + n > block.length) throw new SpdyHeaderError('truncated header block');
    const b = block.subarray(off, off + n);
    off += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    (headers[name] ??= []).push(...value.split('\0'));
  }
  if (off !== block.length) throw new SpdyHeaderError('trailing bytes after the header block');
  return headers;
}

/**
 * The sending side: one zlib stream whose blocks are stored (uncompressed) deflate blocks, written here rather than by
 * zlib, each frame's ending as a Z_SYNC_FLUSH does (byte-aligned, then an empty stored block), so each frame's block
 * inflates on its own in the peer's context; a server's header blocks are a few empty SYN_REPLYs, so compressing them would save nothing. Doing
 * it by hand keeps it synchronous: with Node's zlib streams, which output belongs to which flush depends on when the
 * readable side emits it.
 */
export class HeaderCompressor {
  private started = false;
  compress(headers: SpdyHeaders): Buffer {
    const block = encodeNameValueBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(ZLIB_HEADER);
    }
    for (let off = 0; off < block.length || off === 0; off += 0xffff) {
      const data = block.subarray(off, off + 0xffff);
      const head = Buffer.alloc(5);
      // BFINAL 0, BTYPE 00 (stored), padded to the byte; LEN and its one's complement, little-endian.
      head.writeUInt16LE(data.length, 1);
      head.writeUInt16LE(~data.length & 0xffff, 3);
      parts.push(head, data);
      if (off + 0xffff >= block.length) break;
    }
    // Then an empty stored block, the marker Z_SYNC_FLUSH ends with: Go's inflater hands a block's bytes to the
    // reader only when it reaches one (or the next block), and the next frame is not there yet.
    parts.push(SYNC_MARKER);
    return Buffer.concat(parts);
  }
  close(): void {}
}

const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** zlib's header for a stream that uses the SPDY dictionary: CMF, FLG with FDICT, then the dictionary's Adler-32. */
const ZLIB_HEADER = zlib.deflateSync(Buffer.alloc(0), { dictionary: SPDY3_DICTIONARY }).subarray(0, 6);

/**
 * The receiving side: one inflate context for the connection. Blocks are taken from its output by their own framing
 * (a name/value block says how long it is), not by when a flush's callback runs, so output that is emitted late still
 * lands in the right block.
 */
export class HeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (h: SpdyHeaders) => void; reject: (e: Error) => void }[] = [];
  private broken: Error | undefined;

  constructor() {
    this.z.on('data', (c: Buffer) => {
      this.pending = this.pending.length ? Buffer.concat([this.pending, c]) : c;
      if (this.pending.length > MAX_HEADER_BLOCK_BYTES)
        this.fail(new SpdyHeaderError(`header block larger than ${MAX_HEADER_BLOCK_BYTES} bytes`));
      else this.deliver();
    });
    this.z.on('error', (e: Error) => this.fail(new SpdyHeaderError(`header block does not inflate: ${e.message}`)));
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      // A context that failed once is out of step with the peer's for good.
      if (this.broken) return reject(this.broken);
      this.waiting.push({ resolve, reject });
      this.z.write(block);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH);
    });
  }

  close(): void {
    this.fail(new SpdyHeaderError('connection closed'));
    this.z.close();
  }

  private deliver(): void {
    while (this.waiting.length) {
      let parsed: { headers: SpdyHeaders; length: number } | undefined;
      try {
        parsed = readNameValueBlock(this.pending);
      } catch (e) {
        return this.fail(e as Error);
      }
      if (!parsed) return;
      this.pending = this.pending.subarray(parsed.length);
      this.waiting.shift()!.resolve(parsed.headers);
    }
  }

  private fail(e: Error): void {
    this.broken ??= e;
    this.pending = Buffer.alloc(0);
    for (const w of this.waiting.splice(0)) w.reject(this.broken);
  }
}

/** The first name/value block in `buf` and its length, or undefined while it is incomplete. */
function readNameValueBlock(buf: Buffer): { headers: SpdyHeaders; length: number } | undefined {
  let off = 0;
  const u32At = () => (off + 4 <= buf.length ? buf.readUInt32BE(off) : undefined);
  const count = u32At();
  if (count === undefined) return undefined;
  off += 4;
  for (let i = 0; i < count * 2; i++) {
    const len = u32At();
    if (len === undefined || off + 4 + len > buf.length) {
      // A length no block could have is an error now, not a wait for output that will never come.
      if (len !== undefined && len > MAX_HEADER_BLOCK_BYTES) throw new SpdyHeaderError(`header of ${len} bytes is over the limit`);
      return undefined;
    }
    off += 4 + len;
  }
  return { headers: parseNameValueBlock(buf.subarray(0, off)), length: off };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
