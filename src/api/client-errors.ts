// Requests Node's HTTP parser refuses before any handler runs (a request line or headers past the size limit,
// malformed HTTP, a request that never finishes arriving) are answered with a metav1.Status too, not a bare line.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { StatusError, badRequest } from '../machinery/api/errors.js';
import { endWithStatus } from './socket-status.js';

function statusFor(err: NodeJS.ErrnoException): StatusError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new StatusError(
      431,
      'RequestHeaderFieldsTooLarge',
      'request header fields too large: the request line and headers are limited to 16 KiB',
    );
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new StatusError(408, 'Timeout', 'the request did not arrive in time');
  return badRequest(`malformed HTTP request (${err.code ?? err.message})`);
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the peer already dropped has nobody to answer.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    endWithStatus(socket, statusFor(err));
  });
}
