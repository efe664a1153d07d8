// Sends fuzzed requests over real HTTP (keep-alive, loopback) and reports what came back. A response that streams
// on (a watch, a log) is cut once its first bytes are in; a request that gets no response at all is reported.
import http from 'node:http';
import type { FuzzRequest } from './requests.js';

export interface Outcome {
  status: number;
  contentType: string;
  body: Buffer;
  /** The body arrived in full (false when a stream was cut). */
  complete: boolean;
  /** Transport failure before any response (a reset, a hang). */
  error?: string;
}

/** How long a 2xx stream may run before it is cut, and how long any request may wait for its response. */
const STREAM_MS = 800;
const RESPONSE_MS = 20_000;
const MAX_BODY = 4 * 1024 * 1024;

export function fuzzClient(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  /**
   * A kept-alive socket the server closed just as it was reused fails with a reset before anything was sent back
   * (Node documents this race): that one is sent again, on a fresh connection. Any other reset is reported.
   */
  const send = async (req: FuzzRequest): Promise<Outcome> => {
    const first = await attempt(req, agent);
    return first.staleSocket ? attempt(req, false) : first;
  };
  const attempt = (req: FuzzRequest, via: http.Agent | false): Promise<Outcome & { staleSocket?: boolean }> =>
    new Promise((resolve) => {
      let settled = false;
      const done = (o: Outcome & { staleSocket?: boolean }) => {
        if (!settled) {
          settled = true;
          clearTimeout(hang);
          resolve(o);
        }
      };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body) headers['Content-Length'] = req.body.length;
      // An upgrade takes its own connection.
      const upgrade = 'Upgrade' in req.headers;
      const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: upgrade ? false : via });
      const hang = setTimeout(() => {
        done({ status: 0, contentType: '', body: Buffer.alloc(0), complete: false, error: `no response within ${RESPONSE_MS} ms` });
        r.destroy();
      }, RESPONSE_MS);
      r.on('upgrade', (res, socket) => {
        socket.destroy();
        done({ status: res.statusCode ?? 101, contentType: '', body: Buffer.alloc(0), complete: true });
      });
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        const finish = (complete: boolean) => done({ status, contentType, body: Buffer.concat(chunks), complete });
        // Successful streams are cut after a moment; errors are short and read in full.
        const cut =
          status < 400
            ? setTimeout(() => {
                finish(false);
                res.destroy();
              }, STREAM_MS)
            : undefined;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(cut);
          finish(true);
        });
        res.on('error', () => {
          clearTimeout(cut);
          finish(false);
        });
        res.on('close', () => {
          clearTimeout(cut);
          finish(false);
        });
      });
      r.on('error', (e: NodeJS.ErrnoException) =>
        done({
          status: 0,
          contentType: '',
          body: Buffer.alloc(0),
          complete: false,
          error: e.message,
          staleSocket: r.reusedSocket && (e.code === 'ECONNRESET' || e.message === 'socket hang up'),
        }),
      );
      r.end(req.body);
    });
  return { send, close: () => agent.destroy() };
}
