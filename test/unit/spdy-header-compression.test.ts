// SPDY header blocks: the name/value block layout, and zlib with the SPDY/3 dictionary as one stream per direction
// (a block only inflates in the context of every block before it), bounded on the receiving side.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../src/api/streams/spdy/dictionary.js';
import {
  HeaderCompressor,
  HeaderDecompressor,
  MAX_HEADER_BLOCK_BYTES,
  encodeNameValueBlock,
  parseNameValueBlock,
} from '../../src/api/streams/spdy/header-compression.js';

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

  it('compresses every block in one zlib context: later blocks refer back to earlier ones', async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    const headers = { streamtype: ['stdout'], 'x-long-header-name-for-this-test': ['some value that repeats'] };
    const first = await c.compress(headers);
    const second = await c.compress(headers);
    expect(second.length).toBeLessThan(first.length / 2);
    expect(await d.decompress(first)).toEqual(headers);
    expect(await d.decompress(second)).toEqual(headers);
    // A fresh context cannot read the second block alone: per-frame deflates would not interoperate.
    const fresh = new HeaderDecompressor();
    await expect(fresh.decompress(second)).rejects.toThrow();
    for (const z of [c, d, fresh]) z.close();
  });

  it('keeps many blocks in order through one context', async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    const sent = Array.from({ length: 50 }, (_, i) => ({
      streamtype: [['error', 'stdin', 'stdout', 'stderr', 'resize'][i % 5]],
      n: [String(i)],
    }));
    const blocks = await Promise.all(sent.map((h) => c.compress(h)));
    const got = await Promise.all(blocks.map((b) => d.decompress(b)));
    expect(got).toEqual(sent);
    c.close();
    d.close();
  });

  it('refuses a block that inflates past the bound (a zlib bomb) without holding it', async () => {
    const c = new HeaderCompressor();
    const bomb = await c.compress({ big: ['a'.repeat(MAX_HEADER_BLOCK_BYTES + 10)] });
    expect(bomb.length).toBeLessThan(2048);
    const d = new HeaderDecompressor();
    await expect(d.decompress(bomb)).rejects.toThrow(/larger than/);
    c.close();
    d.close();
  });
});
