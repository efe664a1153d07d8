// SPDY header blocks: the name/value block layout, and one zlib stream per direction with the SPDY/3 dictionary. What
// we send is stored deflate blocks (each frame's block stands alone, byte-aligned, as after Z_SYNC_FLUSH); what we
// receive is real compression whose later blocks refer back to earlier ones, so only one context reads them, in order.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../src/api/streams/spdy/dictionary.js';
import {
  HeaderCompressor,
  HeaderDecompressor,
  MAX_HEADER_BLOCK_BYTES,
  encodeNameValueBlock,
  parseNameValueBlock,
  type SpdyHeaders,
} from '../../src/api/streams/spdy/header-compression.js';

/**
 * A peer's frames for a sequence of blocks, in one zlib stream: the first truly compressed with the dictionary and
 * sync-flushed (deflateSync cannot flush mid-stream, so later blocks are stored ones). Captured kubectl frames
 * (spdy-captured.test.ts) cover blocks that refer back to earlier ones.
 */
function peerBlocks(blocks: SpdyHeaders[]): Buffer[] {
  const [first, ...rest] = blocks.map(encodeNameValueBlock);
  return [
    zlib.deflateSync(first, { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
    ...rest.map((b) => {
      const head = Buffer.alloc(5);
      head.writeUInt16LE(b.length, 1);
      head.writeUInt16LE(~b.length & 0xffff, 3);
      return Buffer.concat([head, b]);
    }),
  ];
}

describe('SPDY header blocks', () => {
  it('the dictionary is the SPDY/3 one (zlib names it by its Adler-32, which Go clients send: e3c6a7c2)', () => {
    const head = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY3_DICTIONARY });
    expect(head.subarray(2, 6).toString('hex')).toBe('e3c6a7c2');
    expect(SPDY3_DICTIONARY.length).toBe(1423);
  });

  it('round-trips a name/value block, lowercasing names and joining repeated values with NUL', () => {
    const block = encodeNameValueBlock({ StreamType: ['stdout'], 'x-multi': ['a', 'b'], empty: [''] });
    expect(block.readUInt32BE(0)).toBe(3);
    expect(block.includes(Buffer.from('a\0b'))).toBe(true);
    expect(parseNameValueBlock(block)).toEqual({ streamtype: ['stdout'], 'x-multi': ['a', 'b'], empty: [''] });
    expect(() => parseNameValueBlock(block.subarray(0, block.length - 1))).toThrow(/truncated/);
    expect(() => parseNameValueBlock(Buffer.concat([block, Buffer.from([0])]))).toThrow(/trailing/);
  });

  it('what we send is one zlib stream: a header naming the dictionary, then one stored block per frame', async () => {
    const c = new HeaderCompressor();
    const first = c.compress({});
    const second = c.compress({ streamtype: ['stdout'] });
    expect(first.subarray(0, 6).toString('hex')).toBe('78bbe3c6a7c2');
    // A stored block (LEN 4, NLEN), the 4-byte block, then the empty stored block a sync flush ends with.
    expect(first.subarray(6).toString('hex')).toBe('00' + '0400' + 'fbff' + '00000000' + '000000ffff');
    // zlib itself (which Go's reader follows) reads the stream so far.
    const inflated = zlib.inflateSync(Buffer.concat([first, second]), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    expect(inflated).toEqual(Buffer.concat([encodeNameValueBlock({}), encodeNameValueBlock({ streamtype: ['stdout'] })]));
    // Our own reader takes them in order; a fresh context cannot start at the second.
    const d = new HeaderDecompressor();
    expect(await d.decompress(first)).toEqual({});
    expect(await d.decompress(second)).toEqual({ streamtype: ['stdout'] });
    const fresh = new HeaderDecompressor();
    await expect(fresh.decompress(second)).rejects.toThrow(/does not inflate/);
    d.close();
    fresh.close();
  });

  it('reads many blocks through one context, in order, however the inflated output is cut', async () => {
    const sent = Array.from({ length: 50 }, (_, i) => ({
      streamtype: [['error', 'stdin', 'stdout', 'stderr', 'resize'][i % 5]],
      n: [String(i)],
    }));
    const blocks = peerBlocks(sent);
    const d = new HeaderDecompressor();
    expect(await Promise.all(blocks.map((b) => d.decompress(b)))).toEqual(sent);
    d.close();
  });

  it('refuses a block that inflates past the bound (a zlib bomb) without holding it, and every block after', async () => {
    const bomb = peerBlocks([{ big: ['a'.repeat(MAX_HEADER_BLOCK_BYTES + 10)] }, {}]);
    expect(bomb[0].length).toBeLessThan(2048);
    const d = new HeaderDecompressor();
    await expect(d.decompress(bomb[0])).rejects.toThrow(/larger than|over the limit/);
    await expect(d.decompress(bomb[1])).rejects.toThrow(/larger than|over the limit/);
    d.close();
  });
});
