// Lifecycle handlers (postStart / preStop): exec in the container, httpGet against the pod IP (the host
// reaches pod IPs on the bridge), or sleep. A failure throws with the handler's output, as kubelet's
// handler runner reports it.
import http from 'node:http';
import https from 'node:https';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import type { Container } from '../../translate/k8s-types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface HookTarget {
  runtime: Pick<ContainerRuntime, 'exec'>;
  containerId: string;
  podIP?: string;
  container: Container;
}

/** A named port of the container → its number (kubelet resolves httpGet ports the same way). */
function resolvePort(port: unknown, container: Container): number {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const named = (container.ports ?? []).find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${String(port)} in ${container.name}`);
  return named.containerPort;
}

function httpGet(target: HookTarget, action: J, timeoutMs: number): Promise<string> {
  const host = action.host || target.podIP;
  if (!host) return Promise.reject(new Error('no pod IP for an httpGet hook'));
  const port = resolvePort(action.port, target.container);
  const path = typeof action.path === 'string' && action.path ? (action.path.startsWith('/') ? action.path : `/${action.path}`) : '/';
  const headers = Object.fromEntries(((action.httpHeaders ?? []) as { name: string; value: string }[]).map((h) => [h.name, h.value]));
  const mod = action.scheme === 'HTTPS' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get({ host, port, path, headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (body.length < 10_240) body += c;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) resolve(body);
        else
          reject(new Error(`HTTP lifecycle hook (${path}) for Container "${target.container.name}" returned status code ${code}: ${body}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "http://${host}:${port}${path}": context deadline exceeded`)));
    req.on('error', reject);
  });
}

export async function runHandler(target: HookTarget, handler: J, timeoutMs: number): Promise<string> {
  if (handler.exec) {
    const cmd: string[] = handler.exec.command ?? [];
    const r = await target.runtime.exec(target.containerId, cmd, timeoutMs);
    if (r.timedOut) throw new Error(`command '${cmd.join(' ')}' timed out`);
    if (r.exitCode !== 0) throw new Error(`command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.output}`);
    return r.output;
  }
  if (handler.httpGet) return httpGet(target, handler.httpGet, timeoutMs);
  if (handler.sleep) {
    const ms = Math.min(Number(handler.sleep.seconds ?? 0) * 1000, timeoutMs);
    await new Promise((r) => setTimeout(r, ms));
    return '';
  }
  if (handler.tcpSocket) throw new Error('tcpSocket is not supported as a lifecycle handler');
  throw new Error('cannot run handler: no action defined');
}
