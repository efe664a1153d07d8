// Answers on a raw socket (an upgrade, or a request Node's HTTP parser refused) with a metav1.Status, then closes it:
// the places express never reaches get the same JSON errors as every other request.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { StatusError, internal } from '../machinery/api/errors.js';

export function endWithStatus(socket: Duplex, err: unknown): void {
  const se = err instanceof StatusError ? err : internal((err as Error)?.message ?? String(err));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(se.toStatus());
  socket.end(
    `HTTP/1.1 ${se.code} ${STATUS_CODES[se.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
