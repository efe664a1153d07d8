// kube-aggregator's proxyHandler: a request under /apis/<group>/<version> of a remote APIService is authorized here
// (this server's authorizer, as the handler chain runs before the aggregator), then streamed to the extension
// server with the front-proxy identity; the client's credentials never go there. An APIService that is not
// Available, or whose Service has no endpoint, answers 503 `service unavailable` in plain text, as upstream.
import type { NextFunction, Request, Response } from 'express';
import type { OutgoingHttpHeaders } from 'node:http';
import type { UserInfo } from '../../machinery/api/user.js';
import type { Authorizer } from '../../authorization/types.js';
import { requireAuthorized } from '../../authorization/authorizer.js';
import type { FrontProxyCredentials } from '../../pki/front-proxy.js';
import type { ServiceResolver } from '../../webhook/service-resolver.js';
import { sendError } from '../respond.js';
import { backendOf, backendRequest, identityHeaders, isProxyOwnedHeader } from './backend.js';
import { isAvailable, type RemoteAPIs } from './remote-apis.js';
import { parseAggregatedPath, requestAttributes } from './request-info.js';

export interface AggregatorDeps {
  apis: RemoteAPIs;
  resolver: ServiceResolver;
  /** The front-proxy client certificate (created on first use). */
  credentials: () => Promise<FrontProxyCredentials>;
  authorizer: Authorizer;
}

/** Connection-level headers, never forwarded (RFC 9110's hop-by-hop list, as Go's reverse proxy drops them). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function proxyError(res: Response, code: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.status(code).setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`${message}\n`);
}

export function aggregatorProxy(deps: AggregatorDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const p = parseAggregatedPath(req.path);
    const apiService = p && deps.apis.find(p.group, p.version);
    if (!p || !apiService) return next();
    void (async () => {
      try {
        const query = new URL(req.originalUrl, 'http://x').searchParams;
        requireAuthorized(deps.authorizer, res.locals.user as UserInfo, requestAttributes(req.method, req.path, p, query));
      } catch (e) {
        return sendError(res, e);
      }
      if (!isAvailable(apiService)) return proxyError(res, 503, 'service unavailable');
      let backend;
      let creds;
      try {
        [backend, creds] = await Promise.all([backendOf(apiService, deps.resolver), deps.credentials()]);
      } catch {
        return proxyError(res, 503, 'service unavailable');
      }
      const headers: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || isProxyOwnedHeader(k) || HOP_BY_HOP.has(k) || k === 'host') continue;
        headers[k] = v;
      }
      Object.assign(headers, identityHeaders(res.locals.user as UserInfo));
      const out = backendRequest(backend, creds, { method: req.method, path: req.originalUrl, headers });
      out.on('response', (back) => {
        const answer: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(back.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) answer[k] = v;
        res.writeHead(back.statusCode ?? 502, answer);
        res.flushHeaders();
        back.pipe(res);
      });
      out.on('error', (err) => proxyError(res, 503, `error trying to reach service: ${err.message}`));
      // A client that goes away (an ended watch) ends the backend request too.
      res.on('close', () => out.destroy());
      req.pipe(out);
    })();
  };
}
