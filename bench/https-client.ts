// A bare keep-alive HTTPS client (node:https only), so the measured path holds no client-library work.
import https from 'node:https';

export interface Tls {
  ca: string;
  cert: string;
  key: string;
}
export interface Reply {
  status: number;
  body: Buffer;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** One connection reused for every sequential request, as kubectl and client-go keep theirs. */
export function keepAliveAgent(tls: Tls): https.Agent {
  return new https.Agent({ ...tls, keepAlive: true, maxSockets: 1 });
}

export function request(
  agent: https.Agent,
  origin: string,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request(new URL(path, origin), { method, agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Like request, but throws unless the status is `want`. */
export async function expectStatus(want: number | number[], ...args: Parameters<typeof request>): Promise<Reply> {
  const r = await request(...args);
  if (!(Array.isArray(want) ? want : [want]).includes(r.status))
    throw new Error(`${args[2]} ${args[3]}: HTTP ${r.status} (want ${want}): ${r.body.toString().slice(0, 300)}`);
  return r;
}
