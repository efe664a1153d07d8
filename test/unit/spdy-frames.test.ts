// SPDY/3 frames as Go's framer lays them out: every type round-trips, frames reassemble across any chunk split, and
// what a peer may not send (another version, a zero stream id, an oversized frame) is refused.
import { FrameReader, SpdyProtocolError, encodeFrame, type SpdyFrame } from '../../src/api/streams/spdy/frames.js';

const FRAMES: SpdyFrame[] = [
  { type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 7, slot: 0, flags: 0x03, headerBlock: Buffer.from('hdrs') },
  { type: 'SYN_REPLY', streamId: 0x7fffffff, flags: 0x01, headerBlock: Buffer.from([0, 1, 2]) },
  { type: 'RST_STREAM', streamId: 5, status: 5 },
  { type: 'SETTINGS', flags: 0x01, settings: [{ flags: 0x02, id: 7, value: 0xffffffff }] },
  { type: 'PING', id: 0xfffffffe },
  { type: 'GOAWAY', lastGoodStreamId: 9, status: 1 },
  { type: 'HEADERS', streamId: 3, flags: 0, headerBlock: Buffer.alloc(0) },
  { type: 'WINDOW_UPDATE', streamId: 3, delta: 0x7fffffff },
  { type: 'DATA', streamId: 3, flags: 0x01, data: Buffer.from('hello') },
  { type: 'DATA', streamId: 7, flags: 0x80, data: Buffer.alloc(0) },
];

describe('SPDY/3 frames', () => {
  it('round-trips every frame type', () => {
    for (const f of FRAMES) expect(new FrameReader().push(encodeFrame(f))).toEqual([f]);
  });

  it('lays a control frame out as Go does: control bit, version 3, type, flags over a 24-bit length', () => {
    const wire = encodeFrame({ type: 'RST_STREAM', streamId: 5, status: 5 });
    expect(wire.toString('hex')).toBe('80030003' + '00000008' + '00000005' + '00000005');
    const data = encodeFrame({ type: 'DATA', streamId: 3, flags: 1, data: Buffer.from('a') });
    expect(data.toString('hex')).toBe('00000003' + '01000001' + '61');
  });

  it('reassembles frames split at every byte', () => {
    const all = Buffer.concat(FRAMES.map(encodeFrame));
    for (let cut = 1; cut < all.length; cut += 3) {
      const r = new FrameReader();
      expect([...r.push(all.subarray(0, cut)), ...r.push(all.subarray(cut))]).toEqual(FRAMES);
      expect(r.pending).toBe(0);
    }
    const r = new FrameReader();
    const out: SpdyFrame[] = [];
    for (const b of all) out.push(...r.push(Buffer.from([b])));
    expect(out).toEqual(FRAMES);
  });

  it('skips control frames of unknown types, as the draft asks', () => {
    const unknown = Buffer.from('8003000a0000000401020304', 'hex');
    const ping = encodeFrame({ type: 'PING', id: 1 });
    expect(new FrameReader().push(Buffer.concat([unknown, ping]))).toEqual([{ type: 'PING', id: 1 }]);
  });

  it('refuses another SPDY version, zero stream ids, malformed lengths and frames over the limit', () => {
    const v2 = Buffer.from('800200060000000400000001', 'hex');
    expect(() => new FrameReader().push(v2)).toThrow(/version 2/);
    const zeroPing = Buffer.from('800300060000000400000000', 'hex');
    expect(() => new FrameReader().push(zeroPing)).toThrow(SpdyProtocolError);
    const rstStatus0 = Buffer.from('80030003000000080000000100000000', 'hex');
    expect(() => new FrameReader().push(rstStatus0)).toThrow(/status 0/);
    const shortGoaway = Buffer.from('80030007000000040000000100', 'hex');
    expect(() => new FrameReader().push(shortGoaway)).toThrow(/length 4, not 8/);
    // The limit applies from the frame's header on, before its payload is buffered.
    const bigData = Buffer.from('00000001' + '00100000', 'hex');
    expect(() => new FrameReader(1024).push(bigData)).toThrow(/over the limit/);
    const bigControl = Buffer.from('80030001' + '00010001', 'hex');
    expect(() => new FrameReader().push(bigControl)).toThrow(/over the limit/);
  });
});
