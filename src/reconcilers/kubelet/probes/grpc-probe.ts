// grpc probe: grpc.health.v1.Health/Check over plaintext HTTP/2 (kubelet's pkg/probe/grpc). The request and
// response messages are a single field each, so they are encoded by hand instead of pulling in a gRPC client.
import http2 from 'node:http2';
import { joinHostPort } from './net-errors.js';
import type { ProbeOutcome } from './types.js';

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const GRPC_UNIMPLEMENTED = '12';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A length-prefixed gRPC message holding HealthCheckRequest{service}. */
export function healthCheckFrame(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  const msg = s.length ? Buffer.concat([Buffer.from([0x0a, ...varint(s.length)]), s]) : Buffer.alloc(0);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

/** HealthCheckResponse.status (field 1, varint) out of the first framed message; 0 (UNKNOWN) when absent. */
export function healthStatusOf(frame: Buffer): number {
  if (frame.length < 5) return 0;
  const msg = frame.subarray(5, 5 + frame.readUInt32BE(1));
  let i = 0;
  while (i < msg.length) {
    const tag = msg[i++]!;
    const readVarint = () => {
      let v = 0,
        shift = 0,
        b: number;
      do {
        b = msg[i++] ?? 0;
        v |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80 && i < msg.length);
      return v;
    };
    const field = tag >> 3,
      wire = tag & 7;
    if (wire === 0) {
      const v = readVarint();
      if (field === 1) return v;
    } else if (wire === 2) {
      const len = readVarint();
      i += len;
    } else if (wire === 5) i += 4;
    else if (wire === 1) i += 8;
    else break;
  }
  return 0;
}

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const within = `${Math.round(timeoutMs / 1000)}s`;
  return new Promise((resolve) => {
    let done = false;
    let connected = false;
    const session = http2.connect(`http://${addr}`);
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () =>
        finish(
          connected
            ? { result: 'failure', output: `timeout: health rpc did not complete within ${within}` }
            : { result: 'failure', output: `timeout: failed to connect service "${addr}" within ${within}: context deadline exceeded` },
        ),
      timeoutMs,
    );
    session.on('error', (e) => finish({ result: 'failure', output: `error: failed to connect service at "${addr}": ${e.message}` }));
    session.on('connect', () => {
      connected = true;
    });
    const req = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': 'kube-probe',
    });
    const chunks: Buffer[] = [];
    let headerStatus: string | undefined;
    let headerMessage: string | undefined;
    req.on('response', (h) => {
      headerStatus = h['grpc-status'] as string | undefined;
      headerMessage = h['grpc-message'] as string | undefined;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('trailers', (t) => {
      trailers = t;
    });
    req.on('error', (e) => finish({ result: 'failure', output: `error: health rpc probe failed: ${e.message}` }));
    req.on('end', () => {
      const code = String(trailers['grpc-status'] ?? headerStatus ?? '0');
      const message = decodeURIComponent(String(trailers['grpc-message'] ?? headerMessage ?? ''));
      if (code === GRPC_UNIMPLEMENTED)
        return finish({
          result: 'failure',
          output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${message}`,
        });
      if (code !== '0')
        return finish({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${code} desc = ${message}` });
      const status = healthStatusOf(Buffer.concat(chunks));
      if (status !== 1)
        return finish({ result: 'failure', output: `service unhealthy (responded with "${STATUS_NAMES[status] ?? String(status)}")` });
      finish({ result: 'success', output: 'service healthy' });
    });
    req.end(healthCheckFrame(service));
  });
}
