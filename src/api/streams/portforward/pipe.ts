// One forwarded connection: the bytes between a client's data stream (a SPDY stream, or a channel of the v4 WebSocket
// protocol) and the node's TCP connection to the pod, both ways, as the kubelet's port forwarder copies them. Half-close
// travels (the client's FIN ends our writes to the pod; the pod's EOF ends the data stream), and neither side is
// buffered whole: a pod faster than the client pauses until the client has taken its bytes, a client faster than the
// pod pauses the client's connection (TCP pushes back on it).
import type { Duplex } from 'node:stream';

/** The client's side of one forwarded connection. */
export interface ForwardChannel {
  /** Sends to the client; `cb` runs once the bytes have left for the client's connection. */
  write(data: Buffer, cb: () => void): void;
  /** Half-closes towards the client (the pod sent EOF). */
  end(): void;
  /** Bytes from the client, its half-close, and its going away without one (reset, connection lost). */
  listen(on: ForwardListener): void;
  pauseInput(): void;
  resumeInput(): void;
}

export interface ForwardListener {
  data(d: Buffer): void;
  end(): void;
  abort(): void;
}

/** Bytes sent to the client but not yet on its connection before the pod's side pauses. */
export const FORWARD_HIGH_WATER = 1024 * 1024;

/**
 * Copies until both directions are over or either side goes away; settles then, the pod connection destroyed.
 * `onOutputOver` runs when the pod has nothing more to send: the kubelet's forwarder returns then and closes the error
 * stream, which kubectl waits for before it closes its local connection (and so sends its own FIN).
 */
export function pipeForward(
  target: Duplex,
  ch: ForwardChannel,
  onOutputOver: () => void = () => undefined,
  highWater = FORWARD_HIGH_WATER,
): Promise<void> {
  return new Promise((resolve) => {
    let inDone = false;
    let outDone = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (inputPaused) {
        inputPaused = false;
        ch.resumeInput();
      }
      target.destroy();
      resolve();
    };
    const maybeFinish = () => {
      if (inDone && outDone) finish();
    };

    // client → pod
    let inputPaused = false;
    ch.listen({
      data: (d) => {
        if (finished || target.writableEnded) return;
        if (target.write(d) || inputPaused) return;
        inputPaused = true;
        ch.pauseInput();
        target.once('drain', () => {
          if (!inputPaused) return;
          inputPaused = false;
          ch.resumeInput();
        });
      },
      end: () => {
        inDone = true;
        if (!finished && !target.writableEnded) target.end();
        maybeFinish();
      },
      abort: finish,
    });

    // pod → client
    let unsent = 0;
    let outputPaused = false;
    target.on('data', (d: Buffer) => {
      unsent += d.length;
      ch.write(d, () => {
        unsent -= d.length;
        if (outputPaused && unsent <= highWater / 2) {
          outputPaused = false;
          target.resume();
        }
      });
      if (!outputPaused && unsent > highWater) {
        outputPaused = true;
        target.pause();
      }
    });
    const outputOver = () => {
      if (outDone) return;
      outDone = true;
      ch.end();
      onOutputOver();
      maybeFinish();
    };
    target.on('end', outputOver);
    // A reset or a failed write: nothing more flows either way; the client sees the data stream end.
    target.on('error', () => undefined);
    target.on('close', () => {
      outputOver();
      finish();
    });
  });
}
