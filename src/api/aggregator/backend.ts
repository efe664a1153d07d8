// Reaching an extension API server as kube-aggregator does: its Service resolved to an endpoint (aggregator routing),
// TLS with `<svc>.<ns>.svc` as server name verified against the APIService's caBundle (or not at all with
// insecureSkipTLSVerify), the front-proxy client certificate presented, and the user named in request headers
// (X-Remote-User, X-Remote-Uid, X-Remote-Group, X-Remote-Extra-<key>) that the extension server trusts from it alone.
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { UserInfo } from '../../machinery/api/user.js';
import type { FrontProxyCredentials } from '../../pki/front-proxy.js';
import type { ServiceResolver } from '../../webhook/service-resolver.js';
import type { APIService } from './remote-apis.js';

export interface Backend {
  host: string;
  port: number;
  servername: string;
  caBundle?: string;
  insecure: boolean;
}

export async function backendOf(apiService: APIService, resolver: ServiceResolver): Promise<Backend> {
  const s = apiService.spec.service!;
  const port = s.port ?? 443;
  const ep = await resolver.resolve(s.namespace, s.name, port);
  return {
    host: ep.host,
    port: ep.port,
    servername: `${s.name}.${s.namespace}.svc`,
    ...(apiService.spec.caBundle ? { caBundle: apiService.spec.caBundle } : {}),
    insecure: !!apiService.spec.insecureSkipTLSVerify,
  };
}

/** transport.SetAuthProxyHeaders: the user as request headers (extra keys path-escaped, as upstream). */
export function identityHeaders(user: UserInfo): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { 'X-Remote-User': user.name };
  if (user.uid) h['X-Remote-Uid'] = user.uid;
  if (user.groups.length) h['X-Remote-Group'] = [...user.groups];
  for (const [k, vs] of Object.entries(user.extra ?? {})) h[`X-Remote-Extra-${encodeURIComponent(k)}`] = [...vs];
  return h;
}

/** The headers the front proxy owns: a client's own are dropped, as the authentication filter drops them upstream. */
export const isProxyOwnedHeader = (name: string) => /^(authorization|impersonate-.*|x-remote-.*)$/i.test(name);

const decodeBundle = (b: string) => Buffer.from(b, 'base64').toString('utf8');

export function backendRequest(
  backend: Backend,
  creds: FrontProxyCredentials,
  opts: { method: string; path: string; headers: OutgoingHttpHeaders; timeoutMs?: number },
) {
  return https.request({
    host: backend.host,
    port: backend.port,
    method: opts.method,
    path: opts.path,
    servername: backend.servername,
    headers: { ...opts.headers, host: `${backend.servername}:${backend.port}` },
    cert: creds.clientCert,
    key: creds.clientKey,
    rejectUnauthorized: !backend.insecure,
    ...(backend.caBundle && !backend.insecure ? { ca: decodeBundle(backend.caBundle) } : {}),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    agent: false,
  });
}

/** A GET answered as JSON, for discovery and the availability check; rejects on a non-2xx answer. */
export function getJson(backend: Backend, creds: FrontProxyCredentials, path: string, user: UserInfo, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = backendRequest(backend, creds, {
      method: 'GET',
      path,
      headers: { accept: 'application/json', ...identityHeaders(user) },
      timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) return reject(new StatusCodeError(code));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.end();
  });
}

export class StatusCodeError extends Error {
  constructor(readonly statusCode: number) {
    super(`status ${statusCode}`);
  }
}
