// One GET /version against the Docker engine, over plain HTTP on its socket or TCP port (no dockerode: its import
// alone costs ~150 ms of start-up). Used by the start-up checks and `dockube version`.
import http from 'node:http';
import type { DockerEndpoint } from '../runtime/docker.js';

export type EngineProbe = { ok: true; version: string; apiVersion: string } | { ok: false; code: string; detail: string };

export function probeEngine(ep: DockerEndpoint, timeoutMs = 5000): Promise<EngineProbe> {
  return new Promise((resolve) => {
    const req = http.get({ ...ep, path: '/version', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve({ ok: false, code: `HTTP${res.statusCode}`, detail: body.trim().slice(0, 200) });
        try {
          const v = JSON.parse(body) as { Version?: string; ApiVersion?: string };
          resolve({ ok: true, version: v.Version ?? 'unknown', apiVersion: v.ApiVersion ?? 'unknown' });
        } catch {
          resolve({ ok: false, code: 'EPROTO', detail: 'the answer is not a Docker engine version' });
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? 'EIO', detail: e.message }));
  });
}

/** One engine API call (JSON in and out); rejects with the engine's message on a status >= 400. */
export function engineCall<T>(ep: DockerEndpoint, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        ...ep,
        method,
        path,
        timeout: timeoutMs,
        headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {},
      },
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
