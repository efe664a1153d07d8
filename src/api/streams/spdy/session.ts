// Bridges one exec/attach over SPDY to the node's session, as the kubelet's remotecommand server does: the client
// opens one stream per streamType (error, stdin, stdout, stderr, resize); once those the request asked for are there,
// stdin flows to the process (its FIN is EOF), output to stdout/stderr, resize messages (JSON {Width, Height}, one per
// line) to the terminal; at the end the Status goes on the error stream (JSON for v4, a bare error text before) and
// every stream of ours is half-closed, which is what the client waits for.
import type { Duplex, Readable } from 'node:stream';
import type { StreamSession } from '../../../node/types.js';
import { exitCodeStatus, internalErrorStatus, statusPayload, successStatus, type StreamStatus } from '../channel-protocol.js';
import { SpdyConnection, type SpdyStream } from './connection.js';
import { RST } from './frames.js';
import { switchingProtocols, type SpdyNegotiation } from './negotiate.js';

export interface SpdySessionOptions {
  negotiated: SpdyNegotiation;
  /** What the request asked for: the streams the client opens. */
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** exec's command (for the exit-code Status); empty for attach. */
  command: string[];
  /** How long the client has to open its streams (the kubelet's stream creation timeout). */
  streamCreationTimeoutMs?: number;
  /** How long a client that has everything may keep the connection before the server ends it. */
  lingerMs?: number;
}

/** Bytes of output sent but not yet taken by the socket before the session's output pauses (as over WebSocket). */
const HIGH_WATER = 1024 * 1024;
const STREAM_TYPES = new Set(['error', 'stdin', 'stdout', 'stderr', 'resize']);

/** Answers 101 and runs the session; settles when it is over. */
export async function runSpdySession(socket: Duplex, head: Buffer, session: StreamSession, o: SpdySessionOptions): Promise<void> {
  socket.write(switchingProtocols(o.negotiated));
  const conn = new SpdyConnection(socket);
  conn.on('error', () => undefined);
  const streams = new Map<string, SpdyStream>();
  // With a terminal there is no stderr: the client opens none (the kubelet drops it the same way).
  const required = ['error', ...(o.stdin ? ['stdin'] : []), ...(o.stdout ? ['stdout'] : []), ...(o.stderr && !o.tty ? ['stderr'] : [])];

  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), o.streamCreationTimeoutMs ?? 30_000);
    const check = () => {
      if (required.every((t) => streams.has(t))) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    conn.on('stream', (s) => {
      const type = s.header('streamType') ?? '';
      if (!STREAM_TYPES.has(type) || streams.has(type)) {
        s.reset(RST.protocolError);
        return;
      }
      streams.set(type, s);
      // Input is wired as soon as its stream exists (the process is already running); output waits for all of them.
      if (type === 'stdin') wireStdin(s, session, conn);
      if (type === 'resize') wireResize(s, session);
      check();
    });
    conn.on('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    // What arrived with the upgrade request (a client that did not wait for the 101) goes first, now that it is heard.
    conn.receive(head);
  });
  if (!ready) {
    session.close();
    conn.destroy();
    return;
  }
  conn.on('close', () => session.close());

  const outputs = [session.stdout, session.stderr].filter((s): s is Readable => !!s);
  let unsent = 0;
  let paused = false;
  const send = (stream: SpdyStream | undefined, data: Buffer) => {
    if (!stream || !conn.isOpen) return;
    unsent += data.length;
    stream.write(data, () => {
      unsent -= data.length;
      if (paused && unsent <= HIGH_WATER / 2) {
        paused = false;
        for (const out of outputs) out.resume();
      }
    });
    if (!paused && unsent > HIGH_WATER) {
      paused = true;
      for (const out of outputs) out.pause();
    }
  };
  const drained = outputs.map(
    (out) =>
      new Promise<void>((resolve) => {
        out.on('end', resolve);
        out.on('close', resolve);
        out.on('error', () => resolve());
      }),
  );
  session.stdout?.on('data', (d: Buffer) => send(streams.get('stdout'), d));
  session.stderr?.on('data', (d: Buffer) => send(streams.get('stderr'), d));

  const result = await session.result;
  await Promise.all(drained);
  if (!conn.isOpen) return;
  const status: StreamStatus =
    result.error !== undefined
      ? internalErrorStatus(result.error)
      : result.exitCode
        ? exitCodeStatus(o.command, result.exitCode)
        : successStatus();
  const payload = statusPayload(o.negotiated.protocol, status);
  if (payload) send(streams.get('error'), payload);
  for (const t of ['stdout', 'stderr', 'error']) streams.get(t)?.end();
  // The client closes the connection once it has read everything; one that does not is closed for it.
  const lingerMs = o.lingerMs ?? 10_000;
  const linger = setTimeout(() => conn.end(), lingerMs);
  const kill = setTimeout(() => conn.destroy(), lingerMs + 5_000);
  await new Promise<void>((resolve) => (conn.isOpen ? conn.once('close', resolve) : resolve()));
  clearTimeout(linger);
  clearTimeout(kill);
}

/**
 * stdin to the process, its FIN as EOF. A process that reads slower than the client sends (kubectl cp's tar of a large
 * file) pauses the connection, so its input waits in TCP's buffers and the client's, never in ours.
 */
function wireStdin(s: SpdyStream, session: StreamSession, conn: SpdyConnection): void {
  let waiting = false;
  s.on('data', (d: Buffer) => {
    const sink = session.stdin;
    if (!sink || sink.writableEnded || sink.write(d) || waiting) return;
    waiting = true;
    conn.pauseInput();
    sink.once('drain', () => {
      waiting = false;
      conn.resumeInput();
    });
  });
  s.on('end', () => session.stdin?.end());
}

/** Resize messages are JSON objects, one per line (Go's json.Encoder); malformed ones are ignored, as by the kubelet. */
function wireResize(s: SpdyStream, session: StreamSession): void {
  let pending = '';
  s.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    if (pending.length > 64 * 1024) pending = '';
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const { Width, Height } = JSON.parse(line) as { Width?: number; Height?: number };
        if (session.tty && Width && Height) session.resize({ width: Width, height: Height });
      } catch {
        /* ignored */
      }
    }
  });
}
