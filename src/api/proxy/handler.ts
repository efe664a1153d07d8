// The proxy subresources (pods/proxy, services/proxy, nodes/proxy) as the apiserver's ProxyREST and
// UpgradeAwareHandler serve them: authorization on `<resource>/proxy` with the request's verb, CONNECT admission with
// the request's Pod/Service/NodeProxyOptions, the backend found as ResourceLocation finds it, the request streamed
// there with http-proxy-3 (any method, the body never read here) minus the client's credentials (the apiserver's
// authentication filter drops Authorization), X-Forwarded-Uri set, Location headers and the links of HTML pages
// brought back under the proxy prefix, CORS headers dropped, and a GET of the bare `/proxy` redirected to `/proxy/`
// (issue 4958's hack). A backend that cannot be reached is a 503 "error trying to reach service".
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
// The proxy's own response passes (status, headers, hop-by-hop fixes), run here because the proxy hands every response
// over (selfHandleResponse) so that an HTML body can be piped through the rewriter.
import { OUTGOING_PASSES } from 'http-proxy-3/dist/lib/http-proxy/passes/web-outgoing.js';
import type { UserInfo } from '../../machinery/api/user.js';
import { badRequest, forbidden } from '../../machinery/api/errors.js';
import type { Authorizer } from '../../authorization/types.js';
import { requireAuthorized, type RequestAttributes } from '../../authorization/authorizer.js';
import type { ApiDeps } from '../context.js';
import { sendError } from '../respond.js';
import { endWithStatus } from '../socket-status.js';
import { parseProxyPath, proxyVerb, type ProxyRequestPath } from './proxy-path.js';
import { podLocation, serviceLocation, serviceUnavailable, type BackendLocation } from './locations.js';
import { removeCorsHeaders, rewriteLocation } from './rewrite.js';
import { pipeRewrittenHtml, rewritesHtml } from './html-response.js';
import { serveNodeProxy } from './node-proxy.js';
import { admitConnect, proxyOptions } from '../../admission/connect.js';

/** Request headers that carry the client's identity to the API server, never to a backend. */
const CREDENTIAL_HEADERS = /^(authorization|impersonate-.*)$/i;

const rawPathOf = (url: string) => url.split('?')[0]!;

function authorizeProxy(authorizer: Authorizer, user: UserInfo, method: string, p: ProxyRequestPath): void {
  const attrs: RequestAttributes = {
    verb: proxyVerb(method),
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: p.resource,
    subresource: 'proxy',
    namespace: p.namespace,
    name: p.id,
  };
  requireAuthorized(authorizer, user, attrs);
}

/** CONNECT admission with the request's Pod/Service/NodeProxyOptions, after authorization and before the backend. */
function admitProxy(deps: ProxyDeps, user: UserInfo, p: ProxyRequestPath): Promise<void> {
  return admitConnect(deps.service.admission, {
    target: `${p.resource}/proxy`,
    version: 'v1',
    namespace: p.namespace ?? '',
    name: p.id,
    user,
    options: proxyOptions(p.path),
  });
}

async function locate(deps: Pick<ApiDeps, 'service' | 'registry'>, p: ProxyRequestPath): Promise<BackendLocation> {
  if (p.resource === 'pods') return podLocation(deps.service, deps.registry, p.namespace!, p.id);
  return serviceLocation(deps.service, deps.registry, p.namespace!, p.id);
}

const hostPort = (l: BackendLocation) => (l.port ? `${l.host}:${l.port}` : l.host);

export interface ProxyHandlers {
  /** Express middleware for plain requests: serves proxy paths, passes every other path on. */
  web: (req: Request, res: Response, next: NextFunction) => void;
  /** Upgrades (WebSocket) to a proxy path; false when the path is not one. */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, user: UserInfo) => boolean;
}

export type ProxyDeps = Pick<ApiDeps, 'service' | 'registry' | 'nodes'>;

export function createProxyHandlers(deps: ProxyDeps): ProxyHandlers {
  const proxy = createProxyServer({ xfwd: false, prependPath: false, ws: true, selfHandleResponse: true });
  proxy.on('proxyRes', (proxyRes, req, res) => {
    const info = (req as IncomingMessage & { proxied?: Proxied }).proxied;
    const rewriteUrl = info && ((url: string) => rewriteLocation(url, info.backendHost, info.requestHost, info.prefix));
    if (rewriteUrl) {
      const location = proxyRes.headers.location;
      if (location) proxyRes.headers.location = rewriteUrl(location);
      removeCorsHeaders(proxyRes.headers as Record<string, unknown>);
    }
    const html = rewriteUrl && rewritesHtml(req.method, proxyRes);
    if (html) delete proxyRes.headers['content-length'];
    if (!res.headersSent) for (const pass of Object.values(OUTGOING_PASSES)) pass(req, res, proxyRes as never, {} as never);
    if (res.writableEnded) return void proxyRes.resume();
    if (!html) return void proxyRes.pipe(res);
    pipeRewrittenHtml(proxyRes, res, rewriteUrl, (err) => {
      if (err) res.destroy();
    });
  });

  /** Points the request at the backend; what the response rewriting needs rides on the request. */
  function aim(req: IncomingMessage, p: ProxyRequestPath, loc: BackendLocation): string {
    const url = req.url ?? '/';
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const rawPath = rawPathOf(url);
    const prefix = rawPath.slice(0, rawPath.length - p.path.length);
    for (const h of Object.keys(req.headers)) if (CREDENTIAL_HEADERS.test(h)) delete req.headers[h];
    req.headers['x-forwarded-uri'] = rawPath;
    (req as IncomingMessage & { proxied?: Proxied }).proxied = { backendHost: hostPort(loc), requestHost: req.headers.host ?? '', prefix };
    req.url = `${p.path || '/'}${query}`;
    return `${loc.scheme}://${hostPort(loc)}`;
  }

  const unreachable = (err: Error) => serviceUnavailable(`error trying to reach service: ${dialError(err)}`);

  const web = (req: Request, res: Response, next: NextFunction) => {
    const p = parseProxyPath(rawPathOf(req.originalUrl));
    if (!p) return next();
    void (async () => {
      try {
        authorizeProxy(deps.service.authorizer, res.locals.user as UserInfo, req.method, p);
        await admitProxy(deps, res.locals.user as UserInfo, p);
        if (p.resource === 'nodes') return await serveNodeProxy(req, res, deps, p.id, p.path);
        const loc = await locate(deps, p);
        if (!p.path && (req.method === 'GET' || req.method === 'HEAD')) {
          const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
          res.status(301).setHeader('Location', `${rawPathOf(req.originalUrl)}/${query}`);
          res.end();
          return;
        }
        req.url = req.originalUrl;
        const target = aim(req, p, loc);
        proxy.web(req, res, { target, secure: false }, (err) => {
          if (!res.headersSent) sendError(res, unreachable(err));
          else res.destroy();
        });
      } catch (e) {
        sendError(res, e);
      }
    })();
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, user: UserInfo): boolean => {
    const p = parseProxyPath(rawPathOf(req.url ?? '/'));
    if (!p) return false;
    socket.on('error', () => undefined);
    void (async () => {
      try {
        authorizeProxy(deps.service.authorizer, user, req.method ?? 'GET', p);
        await admitProxy(deps, user, p);
        if (p.resource === 'nodes') throw forbidden('dockube has no kubelet HTTP server: nodes/proxy serves no upgrades');
        const loc = await locate(deps, p);
        if (!p.path) throw badRequest('an upgrade needs a path after /proxy');
        const target = aim(req, p, loc).replace(/^http/, 'ws');
        proxy.ws(req, socket, head, { target, secure: false }, (err) => endWithStatus(socket, unreachable(err)));
      } catch (e) {
        endWithStatus(socket, e);
      }
    })();
    return true;
  };

  return { web, upgrade };
}

interface Proxied {
  backendHost: string;
  requestHost: string;
  prefix: string;
}

/** A dial failure in Go's words, as the apiserver's message carries it. */
function dialError(err: Error & { code?: string; address?: string; port?: number }): string {
  const go: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ETIMEDOUT: 'i/o timeout',
    ECONNRESET: 'read: connection reset by peer',
  };
  const where = err.address ? `dial tcp ${err.address}${err.port ? `:${err.port}` : ''}: ` : '';
  return err.code && go[err.code] ? `${where}${go[err.code]}` : err.message;
}
