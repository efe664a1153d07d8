// Node's socket errors rendered the way Go's net package words them, since kubelet's probe output (and so
// the Unhealthy events users read) is Go's error text.

export const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

const SYSCALL_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ECONNRESET: 'read: connection reset by peer',
  EPIPE: 'write: broken pipe',
  ETIMEDOUT: 'i/o timeout',
};

/** `dial tcp 10.0.0.5:80: connect: connection refused`, as net.Dial reports a failed connect. */
export function dialErrorText(host: string, port: number, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  return `dial tcp ${joinHostPort(host, port)}: ${SYSCALL_TEXT[err.code ?? ''] ?? err.message}`;
}
