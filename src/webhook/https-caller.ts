// Calling a webhook over HTTPS the way kube-apiserver's webhook client does (k8s.io/apiserver/pkg/util/webhook):
// a POST of JSON to the webhook's URL or to its Service (dialled at the address the ServiceResolver gives, with
// `<svc>.<ns>.svc` as TLS server name and Host), the server certificate verified against the caBundle,
// `?timeout=<n>s` added as the apiserver's REST client adds it, and the call abandoned at that timeout. Failures are
// WebhookCallErrors worded as upstream's ErrCallingWebhook reasons, for the caller's failurePolicy to weigh.
import https from 'node:https';
import { isIP } from 'node:net';
import { displayUrl, serviceServerName, type WebhookClientConfig } from './client-config.js';
import { goTransportError } from './go-errors.js';
import type { ServiceResolver } from './service-resolver.js';

/** The largest response read (the apiserver's request body limit). */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** A call that did not produce a decodable 2xx answer; `message` is the reason after `failed calling webhook "<name>": `. */
export class WebhookCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status the webhook answered, when it answered one. */
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface WebhookCallOptions {
  timeoutSeconds: number;
}

interface Target {
  host: string;
  port: number;
  path: string;
  servername?: string;
  hostHeader: string;
}

export class WebhookCaller {
  /** One keep-alive agent per CA bundle, so repeated calls reuse connections as Go's transport cache does. */
  private readonly agents = new Map<string, https.Agent>();

  constructor(private readonly resolver?: ServiceResolver) {}

  /** POSTs `body` as JSON and resolves to the decoded JSON answer; rejects with a WebhookCallError. */
  async post(cfg: WebhookClientConfig, body: unknown, opts: WebhookCallOptions): Promise<unknown> {
    const url = displayUrl(cfg);
    const timeout = `${opts.timeoutSeconds}s`;
    const shown = `Post "${withTimeout(url, timeout)}"`;
    let target: Target;
    try {
      target = await this.target(cfg);
    } catch (e) {
      throw new WebhookCallError(`failed to call webhook: ${shown}: ${(e as Error).message}`);
    }
    const payload = Buffer.from(JSON.stringify(body));
    const agent = this.agent(cfg.caBundle ?? '');
    return new Promise<unknown>((resolve, reject) => {
      const fail = (reason: string, statusCode?: number) => reject(new WebhookCallError(`failed to call webhook: ${reason}`, statusCode));
      const req = https.request(
        {
          host: target.host,
          port: target.port,
          path: withTimeout(target.path, timeout),
          method: 'POST',
          agent,
          ...(target.servername ? { servername: target.servername } : {}),
          headers: {
            host: target.hostHeader,
            'content-type': 'application/json',
            accept: 'application/json, */*',
            'content-length': payload.length,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy();
              fail(`${shown}: response body larger than ${MAX_RESPONSE_BYTES} bytes`);
              return;
            }
            chunks.push(c);
          });
          res.on('error', (e) => fail(`${shown}: ${e.message}`));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            if (code < 200 || code > 299) {
              fail(statusText(code, text), code);
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (e) {
              fail(`${shown}: ${(e as Error).message}`);
            }
          });
        },
      );
      // Go's context deadline: the whole call, connection and answer included.
      const timer = setTimeout(() => {
        req.destroy();
        fail(`${shown}: context deadline exceeded`);
      }, opts.timeoutSeconds * 1000);
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(`${shown}: ${goTransportError(e, target.host, target.port)}`);
      });
      req.end(payload);
    });
  }

  /** Closes the pooled connections (server shutdown, tests). */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private agent(caBundle: string): https.Agent {
    let a = this.agents.get(caBundle);
    if (!a) {
      const ca = caBundle ? Buffer.from(caBundle, 'base64').toString('utf8') : undefined;
      a = new https.Agent({ keepAlive: true, maxSockets: 64, ...(ca ? { ca } : {}) });
      this.agents.set(caBundle, a);
    }
    return a;
  }

  private async target(cfg: WebhookClientConfig): Promise<Target> {
    if (cfg.url) {
      const u = new URL(cfg.url);
      const host = u.hostname.replace(/^\[|\]$/g, '');
      const port = u.port ? Number(u.port) : 443;
      return { host, port, path: `${u.pathname}${u.search}`, servername: isIP(host) ? undefined : host, hostHeader: u.host };
    }
    const s = cfg.service;
    if (!s) throw new Error('neither url nor service is set');
    if (!this.resolver) throw new Error('no service resolver');
    const port = s.port ?? 443;
    const ep = await this.resolver.resolve(s.namespace, s.name, port);
    const path = s.path ? (s.path.startsWith('/') ? s.path : `/${s.path}`) : '/';
    const name = serviceServerName(s);
    return { host: ep.host, port: ep.port, path, servername: name, hostHeader: `${name}:${port}` };
  }
}

function withTimeout(url: string, timeout: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}timeout=${timeout}`;
}

/** client-go's words for a non-2xx answer: a Status body's message, else the bare status code. */
function statusText(code: number, text: string): string {
  try {
    const s = JSON.parse(text) as { kind?: string; message?: string };
    if (s.kind === 'Status' && s.message) return s.message;
  } catch {
    // not a Status
  }
  return `the server responded with the status code ${code} but did not return more information`;
}
