// The channel.k8s.io WebSocket subprotocols of exec/attach: every binary message starts with a channel byte.
// v4 sends a metav1.Status on the error channel at the end; v5 adds channel 255 (a client closing one of its
// streams, i.e. stdin EOF); v3 added the resize channel; v1/v2 carry only an error text on channel 3.

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Most preferred first. */
export const CHANNEL_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The highest protocol version the client offers, or undefined when it offers none of ours. */
export function selectProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return CHANNEL_PROTOCOLS.find((p) => set.has(p));
}

export const statusIsJson = (protocol: string) => protocol === PROTOCOL_V5 || protocol === PROTOCOL_V4;

export function frame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = channel;
  payload.copy(out, 1);
  return out;
}

/** The metav1.Status of the error channel (no kind/apiVersion: this is what kubelet writes and kubectl reads). */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

export const successStatus = (): StreamStatus => ({ metadata: {}, status: 'Success' });

/** kubectl exits with the code in the ExitCode cause. */
export function exitCodeStatus(command: string[], exitCode: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The process could not be started at all (no such executable...): kubectl prints `error: <message>` and exits 1. */
export function internalErrorStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** The error-channel payload for a protocol: Status JSON for v4+, a bare error text (nothing on success) before. */
export function statusPayload(protocol: string, status: StreamStatus): Buffer | undefined {
  if (statusIsJson(protocol)) return Buffer.from(JSON.stringify(status));
  return status.status === 'Success' ? undefined : Buffer.from(status.message ?? '');
}
