// httpGet probe (kubelet's pkg/probe/http): GET from the host to the pod, 200-399 is success. Redirects to the
// same host are followed (at most 10); a redirect elsewhere is not followed and counts as a success with a
// warning. TLS is not verified. The user-facing failure text carries the status code, never the body.
import http from 'node:http';
import https from 'node:https';
import { KUBE_MAJOR, KUBE_MINOR } from '../../../machinery/version.js';
import { dialErrorText, joinHostPort } from './net-errors.js';
import type { ProbeOutcome } from './types.js';

const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface HttpProbeRequest {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** path, possibly with a query */
  path: string;
  headers: { name: string; value: string }[];
}

/** The URL kubelet builds: scheme://host:port + path (a path that does not parse stays a plain path). */
export function probeURL(r: HttpProbeRequest): URL {
  const path = r.path.startsWith('/') ? r.path : `/${r.path}`;
  return new URL(`${r.scheme}://${joinHostPort(r.host, r.port)}${path}`);
}

/** Header names canonicalized as Go's http.Header does, with User-Agent and Accept defaults kubelet adds. */
function requestHeaders(list: { name: string; value: string }[]): { headers: Record<string, string[]>; hostOverride?: string } {
  // Header names are data (`constructor`, `__proto__` are valid tokens): no inherited members.
  const headers = Object.create(null) as Record<string, string[]>;
  for (const { name, value } of list) {
    const key = name.toLowerCase();
    (headers[key] ??= []).push(value);
  }
  headers['user-agent'] ??= [`kube-probe/${KUBE_MAJOR}.${KUBE_MINOR}`];
  headers.accept ??= ['*/*'];
  const hostOverride = headers.host?.[0];
  delete headers.host;
  return { headers, hostOverride };
}

interface Response {
  status: number;
  location?: string;
  body: string;
}

function getOnce(url: URL, headers: Record<string, string[]>, hostOverride: string | undefined, deadline: number): Promise<Response> {
  const mod = url.protocol === 'https:' ? https : http;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        method: 'GET',
        host,
        port,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: hostOverride ?? url.host, connection: 'close' },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < MAX_BODY) body += c.slice(0, MAX_BODY - body.length);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, body });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('deadline'), { code: 'DEADLINE' })),
      Math.max(0, deadline - Date.now()),
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'DEADLINE')
        reject(
          Object.assign(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), { code: 'DEADLINE' }),
        );
      else if (e.code && e.syscall === 'connect') reject(new Error(dialErrorText(host, port, e)));
      else reject(e);
    });
    req.end();
  });
}

export async function httpProbe(r: HttpProbeRequest, timeoutMs: number): Promise<ProbeOutcome> {
  const deadline = Date.now() + timeoutMs;
  const { headers, hostOverride } = requestHeaders(r.headers);
  const first = probeURL(r);
  let url = first;
  let res: Response;
  for (let redirects = 0; ; redirects++) {
    try {
      res = await getOnce(url, headers, hostOverride, deadline);
    } catch (e) {
      // Transport errors (refused, timeouts) are failures with Go's client error text, as kubelet reports them.
      return { result: 'failure', output: `Get "${url.href}": ${(e as Error).message}` };
    }
    if (!REDIRECTS.has(res.status) || !res.location) break;
    const next = new URL(res.location, url);
    if (next.hostname !== first.hostname) break; // a non-local redirect is not followed: its response counts
    if (redirects + 1 >= MAX_REDIRECTS)
      return { result: 'failure', output: `Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects` };
    url = next;
  }
  if (res.status >= 200 && res.status < 400) {
    if (res.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    return { result: 'success', output: res.body };
  }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
}
