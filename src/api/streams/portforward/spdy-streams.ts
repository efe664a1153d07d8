// port-forward over one SPDY connection (plain, or tunnelled in a WebSocket), as the kubelet's httpstream handler
// serves it: per forwarded connection the client opens an error and a data stream carrying the same requestID and
// port; once both are there the data stream is piped to the pod's port and any failure is written, as text, to the
// error stream, which is then closed. Any number of pairs run at once over the connection.
import type { Duplex } from 'node:stream';
import type { SpdyConnection, SpdyStream } from '../spdy/connection.js';
import { RST } from '../spdy/frames.js';
import { HeldInput } from './held-input.js';
import { pipeForward, type ForwardChannel } from './pipe.js';

/** Opens the node's connection to the pod's port; its error's message is what the client is told. */
export type Forwarder = (port: number) => Promise<Duplex>;

export interface SpdyForwardOptions {
  /** How long a pair may stay incomplete (the kubelet's stream creation timeout). */
  streamCreationTimeoutMs?: number;
}

interface Pair {
  data?: SpdyStream;
  /** The data stream's input from its arrival on, until the pod's connection takes it. */
  input?: HeldInput;
  error?: SpdyStream;
  timer?: NodeJS.Timeout;
}

/** The stream's headers as the kubelet checks them on arrival; a message when it is refused. */
export function checkForwardStream(s: SpdyStream): string | undefined {
  const port = s.header('port');
  if (!port) return `"port" header is required`;
  if (!/^\d+$/.test(port) || Number(port) > 65535) return `unable to parse "${port}" as a port`;
  if (Number(port) < 1) return `port "${port}" must be > 0`;
  const type = s.header('streamType');
  if (type !== 'data' && type !== 'error') return `invalid stream type "${type ?? ''}"`;
  return undefined;
}

/**
 * The pair a stream belongs to. Clients older than the requestID header open a pair's streams back to back, error
 * first: the kubelet's best effort pairs a data stream with the stream two ids before it.
 */
function requestIdOf(s: SpdyStream): string {
  const id = s.header('requestID');
  if (id) return id;
  return String(s.header('streamType') === 'data' ? s.id - 2 : s.id);
}

/** Serves the connection's pairs until it closes. */
export function servePortForwardStreams(conn: SpdyConnection, forward: Forwarder, o: SpdyForwardOptions = {}): Promise<void> {
  const pairs = new Map<string, Pair>();
  const timeoutMs = o.streamCreationTimeoutMs ?? 30_000;
  conn.on('stream', (s) => {
    if (checkForwardStream(s)) {
      s.reset(RST.cancel);
      return;
    }
    const id = requestIdOf(s);
    const type = s.header('streamType') as 'data' | 'error';
    let pair = pairs.get(id);
    if (!pair) {
      const created: Pair = {};
      pair = created;
      pairs.set(id, created);
      created.timer = setTimeout(() => {
        pairs.delete(id);
        failPair(created, 'timed out waiting for streams');
      }, timeoutMs);
    }
    if (pair[type]) {
      // A second stream of a type: the kubelet reports it on the pair's error stream.
      const msg = `error processing stream for request ${id}: ${type} stream already assigned`;
      if (pair.error && type === 'data') pair.error.write(Buffer.from(msg));
      s.reset(RST.cancel);
      return;
    }
    pair[type] = s;
    if (type === 'data') {
      const input = new HeldInput(
        () => conn.pauseInput(),
        () => conn.resumeInput(),
      );
      s.on('data', (d: Buffer) => input.data(d));
      s.on('reset', () => input.abort());
      s.on('end', () => input.end());
      pair.input = input;
    }
    if (pair.data && pair.error && pair.input) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      void forwardPair(pair.data, pair.input, pair.error, conn, forward);
    }
  });
  return new Promise((resolve) => {
    conn.on('close', () => {
      for (const p of pairs.values()) clearTimeout(p.timer);
      pairs.clear();
      // The client's FIN ends the session: the socket is half-open (the HTTP server's), so ours goes too.
      conn.destroy();
      resolve();
    });
  });
}

function failPair(p: Pair, message: string): void {
  p.error?.write(Buffer.from(message));
  p.error?.end();
  p.data?.end();
}

async function forwardPair(data: SpdyStream, input: HeldInput, error: SpdyStream, conn: SpdyConnection, forward: Forwarder): Promise<void> {
  const port = Number(data.header('port'));
  let target: Duplex;
  try {
    target = await forward(port);
  } catch (e) {
    failPair({ data, error }, (e as Error).message);
    return;
  }
  if (input.aborted) {
    // Reset, or the connection lost, while the node was connecting.
    target.destroy();
    return;
  }
  await pipeForward(target, spdyChannel(data, input, conn), () => error.end());
  error.end();
}

function spdyChannel(s: SpdyStream, input: HeldInput, conn: SpdyConnection): ForwardChannel {
  return {
    write: (d, cb) => s.write(d, cb),
    end: () => s.end(),
    listen: (on) => input.listen(on),
    pauseInput: () => conn.pauseInput(),
    resumeInput: () => conn.resumeInput(),
  };
}
