// Bridges one exec/attach WebSocket to the node's session: channel 0 → the process's stdin, its stdout/stderr →
// channels 1/2, channel 4 → resize, channel 255 (v5) → stdin EOF; at the end one Status on channel 3, then close 1000.
import type { Readable } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import type { StreamSession } from '../../node/types.js';
import {
  CHANNEL,
  PROTOCOL_V5,
  exitCodeStatus,
  frame,
  internalErrorStatus,
  statusPayload,
  successStatus,
  type StreamStatus,
} from './channel-protocol.js';

/** Bytes of output sent to the client but not yet taken by its socket before the session's output pauses. */
const HIGH_WATER = 1024 * 1024;

/** `command` is exec's (for the exit-code Status); empty for attach. */
export async function runSession(ws: WebSocket, protocol: string, session: StreamSession, command: string[]): Promise<void> {
  // Output the client has not taken yet: past HIGH_WATER the session's output pauses until it drains, so a client
  // that reads slowly (or not at all) cannot make the server buffer without end.
  const outputs = [session.stdout, session.stderr].filter((s): s is Readable => !!s);
  let unsent = 0;
  let paused = false;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const f = frame(channel, data);
    unsent += f.length;
    ws.send(f, () => {
      unsent -= f.length;
      if (paused && unsent <= HIGH_WATER / 2) {
        paused = false;
        for (const o of outputs) o.resume();
      }
    });
    if (!paused && unsent > HIGH_WATER) {
      paused = true;
      for (const o of outputs) o.pause();
    }
  };
  const finish = (status: StreamStatus) => {
    const payload = statusPayload(protocol, status);
    if (payload) send(CHANNEL.error, payload);
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };

  const resize = (buf: Buffer) => {
    try {
      const { Width, Height } = JSON.parse(buf.toString('utf8')) as { Width?: number; Height?: number };
      if (Width && Height) session.resize({ width: Width, height: Height });
    } catch {
      /* a malformed resize message is ignored, as kubelet does */
    }
  };
  ws.on('message', (raw: RawData) => {
    const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
    if (!data.length) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case CHANNEL.stdin:
        if (session.stdin && !session.stdin.writableEnded && payload.length) session.stdin.write(payload);
        break;
      case CHANNEL.resize:
        if (session.tty) resize(payload);
        break;
      // Close signal: end stdin so the process sees EOF and can still answer.
      case CHANNEL.close:
        if (protocol === PROTOCOL_V5 && payload[0] === CHANNEL.stdin) session.stdin?.end();
        break;
    }
  });
  // A client that goes away (v4 clients close the socket to end stdin) takes the session with it.
  if (ws.readyState !== ws.OPEN) session.close();
  ws.on('close', () => session.close());

  const drained = outputs.map(
    (o) =>
      new Promise<void>((resolve) => {
        o.on('end', resolve);
        o.on('close', resolve);
        o.on('error', () => resolve());
      }),
  );
  session.stdout?.on('data', (d: Buffer) => send(CHANNEL.stdout, d));
  session.stderr?.on('data', (d: Buffer) => send(CHANNEL.stderr, d));
  const result = await session.result;
  await Promise.all(drained);
  if (ws.readyState !== ws.OPEN) return;
  if (result.error !== undefined) finish(internalErrorStatus(result.error));
  else finish(result.exitCode ? exitCodeStatus(command, result.exitCode) : successStatus());
}
