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

/** Runs one chunk through a persistent zlib context and flushes it, returning what came out. */
class ZlibPipe {
  private readonly out: Buffer[] = [];
  private size = 0;
  private failed: Error | undefined;
  private limit = Infinity;
  /** A broken stream never calls the flush back: its error ends the block in progress. */
  private onError: ((e: Error) => void) | undefined;
  // One block at a time: a block's output is what arrives between its write and its flush.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly z: zlib.Deflate | zlib.Inflate) {
    z.on('data', (c: Buffer) => {
      // Past the limit the output is dropped (and the block refused): it is never held.
      this.size += c.length;
      if (this.size <= this.limit) this.out.push(c);
    });
    z.on('error', (e: Error) => {
      this.failed = e;
      this.onError?.(e);
    });
  }

  run(input: Buffer, limit: number): Promise<Buffer> {
    const next = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.limit = limit;
          this.onError = reject;
          this.z.write(input);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.onError = undefined;
            const result = Buffer.concat(this.out.splice(0));
            const size = this.size;
            this.size = 0;
            if (this.failed) reject(this.failed);
            else if (size > limit) reject(new SpdyHeaderError(`header block larger than ${limit} bytes`));
            else resolve(result);
          });
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}

/** The sending side's context: one per connection. */
export class HeaderCompressor {
  private readonly pipe = new ZlibPipe(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: zlib.constants.Z_BEST_COMPRESSION }));
  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.pipe.run(encodeNameValueBlock(headers), Infinity);
  }
  close(): void {
    this.pipe.close();
  }
}

/** The receiving side's context: one per connection. */
export class HeaderDecompressor {
  private readonly pipe = new ZlibPipe(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  async decompress(block: Buffer): Promise<SpdyHeaders> {
    return parseNameValueBlock(await this.pipe.run(block, MAX_HEADER_BLOCK_BYTES));
  }
  close(): void {
    this.pipe.close();
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
