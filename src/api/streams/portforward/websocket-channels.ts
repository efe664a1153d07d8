// The kubelet's WebSocket port-forward (v4.channel.k8s.io, what @kubernetes/client-node speaks): the ports come in
// the query (`?ports=80`), and port i has channel 2i for data and 2i+1 for errors. Each channel's first message from
// the server is the port, a little-endian uint16. Every port gets one connection to the pod; the protocol has no
// half-close, so the session ends when all of them are over, or when the client closes the WebSocket.
import type { WebSocket } from 'ws';
import { frame } from '../channel-protocol.js';
import { HeldInput } from './held-input.js';
import { pipeForward, type ForwardChannel } from './pipe.js';
import type { Forwarder } from './spdy-streams.js';

/** The subprotocols served: v4 binary (the empty one is binary too: a client offering none gets it). */
export const PORTFORWARD_WS_PROTOCOLS = ['v4.channel.k8s.io'];

/** The ports of `?ports=` (repeated, or comma-separated as the kubelet splits them), or a message for the 400. */
export function parsePortsQuery(q: URLSearchParams): number[] | string {
  const values = q.getAll('ports');
  if (!values.length) return 'query parameter "ports" is required';
  const ports: number[] = [];
  for (const v of values) {
    if (!v) return 'query parameter "ports" cannot be empty';
    for (const p of v.split(',')) {
      if (!/^\d+$/.test(p) || Number(p) > 65535) return `unable to parse "${v}" as a port`;
      if (Number(p) < 1) return `port "${v}" must be > 0`;
      ports.push(Number(p));
    }
  }
  return ports;
}

/** Serves the ports until each is over or the client goes; the WebSocket is closed then. */
export async function servePortForwardChannels(ws: WebSocket, ports: number[], forward: Forwarder): Promise<void> {
  let pausers = 0;
  const pause = () => {
    if (pausers++ === 0) ws.pause();
  };
  const resume = () => {
    if (pausers > 0 && --pausers === 0) ws.resume();
  };
  const inputs = ports.map(() => new HeldInput(pause, resume));
  const send = (channel: number, data: Buffer, cb?: () => void) => {
    if (ws.readyState !== ws.OPEN) return cb?.();
    ws.send(frame(channel, data), { binary: true }, () => cb?.());
  };
  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
  });
  ws.on('message', (msg: Buffer, isBinary: boolean) => {
    if (!isBinary || msg.length < 1) return;
    const channel = msg[0]!;
    // Input on data channels only; what a client writes on an error channel is ignored, as by the kubelet.
    if (channel % 2 === 0) inputs[channel / 2]?.data(msg.subarray(1));
  });
  ws.on('close', () => inputs.forEach((i) => i.abort()));
  ws.on('error', () => undefined);

  await Promise.all(
    ports.map(async (port, i) => {
      const input = inputs[i]!;
      let target;
      try {
        target = await forward(port);
      } catch (e) {
        send(2 * i + 1, Buffer.from((e as Error).message));
        return;
      }
      if (input.aborted) {
        target.destroy();
        return;
      }
      const ch: ForwardChannel = {
        write: (d, cb) => send(2 * i, d, cb),
        // No half-close in v4: the pod's EOF ends the forwarded connection both ways, as the kubelet's forwarder
        // returns when the pod's side is over.
        end: () => input.end(),
        listen: (on) => input.listen(on),
        pauseInput: pause,
        resumeInput: resume,
      };
      await pipeForward(target, ch);
    }),
  );
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
