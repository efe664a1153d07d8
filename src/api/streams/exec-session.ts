// Bridges one exec/attach WebSocket to a Docker exec or attach: channel 0 → the process's stdin, its output →
// channels 1/2, channel 4 → resize, channel 255 (v5) → stdin EOF; at the end one Status on channel 3, then close 1000.
import type Dockerode from 'dockerode';
import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { DockerFrameDecoder } from '../../runtime/docker-frames.js';
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

export interface SessionOptions {
  kind: 'exec' | 'attach';
  containerId: string;
  /** exec only. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** exec: the requested TTY; attach: whether the container itself has one (that decides the framing). */
  tty: boolean;
}

/** Docker reports an exec whose executable cannot start as output text plus exit code 126/127. */
const EXEC_FAILED = /^OCI runtime exec failed: /;
/** Bytes of output sent to the client but not yet taken by its socket before the container's stream pauses. */
const HIGH_WATER = 1024 * 1024;
export function execFailureMessage(text: string): string {
  // The useful part follows the last runtime prefix: `OCI runtime exec failed: exec failed: unable to start container process: <why>: unknown`.
  let why = text.trim();
  for (const prefix of ['OCI runtime exec failed: ', 'exec failed: ', 'unable to start container process: ']) {
    if (why.startsWith(prefix)) why = why.slice(prefix.length);
  }
  return why.replace(/: unknown$/, '');
}

interface Resizer {
  resize(opts: { h: number; w: number }): Promise<unknown>;
}

export async function runSession(ws: WebSocket, protocol: string, docker: Dockerode, o: SessionOptions): Promise<void> {
  const container = docker.getContainer(o.containerId);
  // Listen at once: messages (kubectl's first resize, piped stdin) may arrive while the exec is still being created.
  const early: Buffer[] = [];
  let onMessage: ((data: Buffer) => void) | undefined;
  let clientGone = false;
  ws.on('message', (raw: RawData) => {
    const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
    if (!data.length) return;
    if (onMessage) onMessage(data);
    else early.push(data);
  });
  ws.on('close', () => {
    clientGone = true;
  });
  let stream: Duplex;
  let exec: Dockerode.Exec | undefined;
  let resizer: Resizer;
  // Output the client has not taken yet: past HIGH_WATER the container's stream is paused until it drains, so a
  // client that reads slowly (or not at all) cannot make the server buffer without end.
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
        stream.resume();
      }
    });
    // Only the container's output gets this far (before its stream exists, nothing but a short status is sent).
    if (!paused && unsent > HIGH_WATER) {
      paused = true;
      stream.pause();
    }
  };
  const finish = (status: StreamStatus) => {
    const payload = statusPayload(protocol, status);
    if (payload) send(CHANNEL.error, payload);
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };

  try {
    if (o.kind === 'exec') {
      exec = await container.exec({
        Cmd: o.command,
        AttachStdin: o.stdin,
        AttachStdout: o.stdout,
        AttachStderr: o.stderr && !o.tty,
        Tty: o.tty,
      });
      stream = (await exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty })) as unknown as Duplex;
      resizer = exec as unknown as Resizer;
    } else {
      stream = (await container.attach({
        stream: true,
        hijack: true,
        stdin: o.stdin,
        stdout: o.stdout,
        stderr: o.stderr,
      })) as unknown as Duplex;
      resizer = container as unknown as Resizer;
    }
  } catch (e) {
    finish(internalErrorStatus((e as { json?: { message?: string } }).json?.message ?? (e as Error).message));
    return;
  }

  // Resize is best effort: the engine refuses it once the process is gone.
  const resize = (buf: Buffer) => {
    try {
      const { Width, Height } = JSON.parse(buf.toString('utf8')) as { Width?: number; Height?: number };
      if (Width && Height) void resizer.resize({ h: Height, w: Width }).catch(() => undefined);
    } catch {
      /* a malformed resize message is ignored, as kubelet does */
    }
  };

  onMessage = (data: Buffer) => {
    const payload = data.subarray(1);
    switch (data[0]) {
      case CHANNEL.stdin:
        if (o.stdin && payload.length) stream.write(payload);
        break;
      case CHANNEL.resize:
        if (o.tty) resize(payload);
        break;
      // Close signal: half-close the hijacked connection so the process sees EOF and can still answer.
      case CHANNEL.close:
        if (protocol === PROTOCOL_V5 && payload[0] === CHANNEL.stdin && o.stdin) stream.end();
        break;
    }
  };
  for (const data of early.splice(0)) onMessage(data);
  // A client that goes away (v4 clients close the socket to end stdin) takes the Docker stream with it.
  if (clientGone) stream.destroy();
  ws.on('close', () => stream.destroy());

  // The first output chunk may be Docker's "OCI runtime exec failed" text: hold it until the exit code says.
  let held: { channel: number; data: Buffer } | undefined;
  let first = true;
  const out = (channel: number, data: Buffer) => {
    if (first) {
      first = false;
      if (o.kind === 'exec' && EXEC_FAILED.test(data.toString('utf8', 0, 40))) {
        held = { channel, data };
        return;
      }
    }
    if (held) {
      send(held.channel, held.data);
      held = undefined;
    }
    send(channel, data);
  };
  const decoder = new DockerFrameDecoder();
  stream.on('data', (chunk: Buffer) => {
    if (o.tty) out(CHANNEL.stdout, chunk);
    else for (const f of decoder.push(chunk)) out(f.stream === 2 ? CHANNEL.stderr : CHANNEL.stdout, f.data);
  });

  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  if (ws.readyState !== ws.OPEN) return;

  if (!exec) {
    finish(successStatus());
    return;
  }
  const exitCode = await exitCodeOf(exec);
  if (held && (exitCode === 126 || exitCode === 127)) {
    finish(internalErrorStatus(execFailureMessage(held.data.toString('utf8'))));
    return;
  }
  if (held) send(held.channel, held.data);
  finish(exitCode ? exitCodeStatus(o.command, exitCode) : successStatus());
}

/** The exec's exit code; the engine may need a moment after the stream ends to record it. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? 0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return 0;
}
