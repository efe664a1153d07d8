// SPDY/3 frames on the wire, as Go's framer (golang.org/x/net/spdy, vendored by moby/spdystream) reads and writes
// them. A control frame: 1 bit set, 15-bit version (3), 16-bit type, 8-bit flags, 24-bit length, payload. A data
// frame: 1 bit clear, 31-bit stream id, 8-bit flags, 24-bit length, data. Header blocks stay compressed here; the
// connection owns the zlib contexts (header-compression.ts) because their state spans frames.

export const SPDY_VERSION = 3;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RST = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
  frameTooLarge: 11,
} as const;

export const GOAWAY = { ok: 0, protocolError: 1, internalError: 2 } as const;

const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;

export interface Setting {
  flags: number;
  id: number;
  value: number;
}

export type SpdyFrame =
  | { type: 'SYN_STREAM'; streamId: number; associatedStreamId: number; priority: number; slot: number; flags: number; headerBlock: Buffer }
  | { type: 'SYN_REPLY'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'RST_STREAM'; streamId: number; status: number }
  | { type: 'SETTINGS'; flags: number; settings: Setting[] }
  | { type: 'PING'; id: number }
  | { type: 'GOAWAY'; lastGoodStreamId: number; status: number }
  | { type: 'HEADERS'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'WINDOW_UPDATE'; streamId: number; delta: number }
  | { type: 'DATA'; streamId: number; flags: number; data: Buffer };

/** Frames carry at most 2^24-1 bytes of payload. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export class SpdyProtocolError extends Error {
  constructor(
    message: string,
    readonly streamId = 0,
  ) {
    super(message);
  }
}

const STREAM_ID = 0x7fffffff;

export function encodeFrame(f: SpdyFrame): Buffer {
  switch (f.type) {
    case 'DATA': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError('data frame too large', f.streamId);
      const out = Buffer.allocUnsafe(8 + f.data.length);
      out.writeUInt32BE(f.streamId & STREAM_ID, 0);
      out.writeUInt32BE(flagsAnd(f.flags, f.data.length), 4);
      f.data.copy(out, 8);
      return out;
    }
    case 'SYN_STREAM': {
      const p = Buffer.allocUnsafe(10);
      p.writeUInt32BE(f.streamId & STREAM_ID, 0);
      p.writeUInt32BE(f.associatedStreamId & STREAM_ID, 4);
      p[8] = (f.priority & 0x7) << 5;
      p[9] = f.slot & 0xff;
      return control(TYPE.SYN_STREAM, f.flags, p, f.headerBlock);
    }
    case 'SYN_REPLY':
      return control(TYPE.SYN_REPLY, f.flags, u32(f.streamId & STREAM_ID), f.headerBlock);
    case 'HEADERS':
      return control(TYPE.HEADERS, f.flags, u32(f.streamId & STREAM_ID), f.headerBlock);
    case 'RST_STREAM':
      return control(TYPE.RST_STREAM, 0, u32(f.streamId & STREAM_ID), u32(f.status));
    case 'SETTINGS': {
      const p = Buffer.allocUnsafe(4 + 8 * f.settings.length);
      p.writeUInt32BE(f.settings.length, 0);
      f.settings.forEach((s, i) => {
        p.writeUInt32BE(flagsAnd(s.flags, s.id & 0xffffff), 4 + 8 * i);
        p.writeUInt32BE(s.value >>> 0, 8 + 8 * i);
      });
      return control(TYPE.SETTINGS, f.flags, p);
    }
    case 'PING':
      return control(TYPE.PING, 0, u32(f.id >>> 0));
    case 'GOAWAY':
      return control(TYPE.GOAWAY, 0, u32(f.lastGoodStreamId & STREAM_ID), u32(f.status));
    case 'WINDOW_UPDATE':
      return control(TYPE.WINDOW_UPDATE, 0, u32(f.streamId & STREAM_ID), u32(f.delta & STREAM_ID));
  }
}

function control(type: number, flags: number, ...payload: Buffer[]): Buffer {
  const length = payload.reduce((n, p) => n + p.length, 0);
  if (length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError('control frame too large');
  const head = Buffer.allocUnsafe(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(flagsAnd(flags, length), 4);
  return Buffer.concat([head, ...payload]);
}

/** 8 bits of flags over a 24-bit field, unsigned. */
const flagsAnd = (flags: number, low: number) => (((flags & 0xff) << 24) | (low & 0xffffff)) >>> 0;

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * Cuts a byte stream into frames. `maxPayload` bounds what one frame can make the reader hold (a control frame's
 * bound is smaller: only header blocks are large, and a Go client's are a few dozen bytes).
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxDataPayload = MAX_FRAME_PAYLOAD,
    private readonly maxControlPayload = 64 * 1024,
  ) {}

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const isControl = (this.buf[0] & 0x80) !== 0;
      const flags = this.buf[4];
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (length > (isControl ? this.maxControlPayload : this.maxDataPayload))
        throw new SpdyProtocolError(`frame of ${length} bytes is over the limit`);
      if (this.buf.length < 8 + length) break;
      const payload = this.buf.subarray(8, 8 + length);
      const word = this.buf.readUInt32BE(0);
      const frame = isControl
        ? decodeControl(this.buf.readUInt16BE(0) & 0x7fff, this.buf.readUInt16BE(2), flags, payload)
        : ({ type: 'DATA', streamId: word & STREAM_ID, flags, data: Buffer.from(payload) } as const);
      this.buf = this.buf.subarray(8 + length);
      if (frame) frames.push(frame);
    }
    if (!this.buf.length) this.buf = Buffer.alloc(0);
    return frames;
  }

  /** Bytes of an incomplete frame still held. */
  get pending(): number {
    return this.buf.length;
  }
}

/** One control frame's payload; unknown types are skipped (undefined), as the SPDY/3 draft asks. */
export function decodeControl(version: number, type: number, flags: number, p: Buffer): SpdyFrame | undefined {
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const need = (n: number) => {
    if (p.length < n) throw new SpdyProtocolError(`control frame of type ${type} too short`);
  };
  const exactly = (n: number) => {
    if (p.length !== n) throw new SpdyProtocolError(`control frame of type ${type} has length ${p.length}, not ${n}`);
  };
  const nonZero = (id: number) => {
    if (id === 0) throw new SpdyProtocolError('stream id zero is disallowed');
    return id;
  };
  switch (type) {
    case TYPE.SYN_STREAM:
      need(10);
      return {
        type: 'SYN_STREAM',
        streamId: nonZero(p.readUInt32BE(0) & STREAM_ID),
        associatedStreamId: p.readUInt32BE(4) & STREAM_ID,
        priority: p[8] >> 5,
        slot: p[9],
        flags,
        headerBlock: Buffer.from(p.subarray(10)),
      };
    case TYPE.SYN_REPLY:
    case TYPE.HEADERS:
      need(4);
      return {
        type: type === TYPE.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS',
        streamId: nonZero(p.readUInt32BE(0) & STREAM_ID),
        flags,
        headerBlock: Buffer.from(p.subarray(4)),
      };
    case TYPE.RST_STREAM: {
      exactly(8);
      const status = p.readUInt32BE(4);
      if (status === 0) throw new SpdyProtocolError('RST_STREAM with status 0');
      return { type: 'RST_STREAM', streamId: nonZero(p.readUInt32BE(0) & STREAM_ID), status };
    }
    case TYPE.SETTINGS: {
      need(4);
      const count = p.readUInt32BE(0);
      exactly(4 + 8 * count);
      const settings: Setting[] = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + 8 * i);
        settings.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      }
      return { type: 'SETTINGS', flags, settings };
    }
    case TYPE.PING:
      exactly(4);
      return { type: 'PING', id: nonZero(p.readUInt32BE(0)) };
    case TYPE.GOAWAY:
      exactly(8);
      return { type: 'GOAWAY', lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID, status: p.readUInt32BE(4) };
    case TYPE.WINDOW_UPDATE:
      exactly(8);
      return { type: 'WINDOW_UPDATE', streamId: p.readUInt32BE(0) & STREAM_ID, delta: p.readUInt32BE(4) & STREAM_ID };
    default:
      return undefined;
  }
}
