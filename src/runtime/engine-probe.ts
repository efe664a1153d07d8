// GET /_ping and /version against the Docker engine, over plain HTTP on its socket or TCP port (no dockerode: its
// import alone costs ~150 ms of start-up). Used by the start-up checks, `dockube version` and /readyz's engine check.
import http from 'node:http';
import type { DockerEndpoint } from './docker.js';

export type EngineProbe = { ok: true; version: string; apiVersion: string } | { ok: false; code: string; detail: string };

export type EngineAnswer =
  { ok: true; status: number; apiVersion: string | undefined; body: string } | { ok: false; code: string; detail: string };

/**
 * The request options for the engine. servername is empty because, without one, Node's http.Agent derives it (a TLS
 * notion plain HTTP never sends) by asking net.isIP() of the host, and the first isIPv6 call compiles Node's IPv6
 * pattern: 12-40 ms of every start-up (measured here), before the server could answer /readyz.
 */
const engineRequest = (ep: DockerEndpoint, options: http.RequestOptions): http.RequestOptions & { servername: string } => ({
  ...ep,
  ...options,
  servername: '',
});

/** One GET against the engine: its status, Api-Version header and body, or the error's code. */
export function engineGet(ep: DockerEndpoint, path: string, timeoutMs: number): Promise<EngineAnswer> {
  return new Promise((resolve) => {
    const req = http.get(engineRequest(ep, { path, timeout: timeoutMs }), (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const apiVersion = res.headers['api-version'];
        resolve({ ok: true, status: res.statusCode ?? 0, apiVersion: typeof apiVersion === 'string' ? apiVersion : undefined, body });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? 'EIO', detail: e.message }));
  });
}

const httpFailure = (a: { status: number; body: string }) => ({
  ok: false as const,
  code: `HTTP${a.status}`,
  detail: a.body.trim().slice(0, 200),
});

/** The engine's version (GET /version): for `dockube version` and `status`. */
export async function probeEngine(ep: DockerEndpoint, timeoutMs = 5000): Promise<EngineProbe> {
  const a = await engineGet(ep, '/version', timeoutMs);
  if (!a.ok) return a;
  if (a.status !== 200) return httpFailure(a);
  try {
    const v = JSON.parse(a.body) as { Version?: string; ApiVersion?: string };
    return { ok: true, version: v.Version ?? 'unknown', apiVersion: v.ApiVersion ?? 'unknown' };
  } catch {
    return { ok: false, code: 'EPROTO', detail: 'the answer is not a Docker engine version' };
  }
}

/**
 * Whether an engine answers (GET /_ping, the docker CLI's first call): what the start-up checks need. The engine
 * answers it at once, where /version first asks containerd (25-175 ms here, serial start-up time).
 */
export async function pingEngine(
  ep: DockerEndpoint,
  timeoutMs = 5000,
): Promise<{ ok: true; apiVersion: string } | { ok: false; code: string; detail: string }> {
  const a = await engineGet(ep, '/_ping', timeoutMs);
  if (!a.ok) return a;
  if (a.status !== 200) return httpFailure(a);
  // Every Docker-compatible engine names its API version on /_ping: an HTTP server without it is something else.
  if (a.apiVersion === undefined) return { ok: false, code: 'EPROTO', detail: 'the answer is not a Docker engine ping' };
  return { ok: true, apiVersion: a.apiVersion };
}

/** One engine API call (JSON in and out); rejects with the engine's message on a status >= 400. */
export function engineCall<T>(ep: DockerEndpoint, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      engineRequest(ep, {
        method,
        path,
        timeout: timeoutMs,
        headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {},
      }),
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 400) {
            let message = text.trim();
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              // not JSON: the text as it is
            }
            return reject(Object.assign(new Error(message), { statusCode: res.statusCode }));
          }
          resolve((text ? JSON.parse(text) : undefined) as T);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}
