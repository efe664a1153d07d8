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
