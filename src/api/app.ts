// The express application: authentication, health and version, discovery, OpenAPI, metrics, resources.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../machinery/api/user.js';
import type { ApiDeps } from './context.js';
import { Discovery, type RemoteGroups } from './discovery.js';
import { resourceHandler } from './resource-handler.js';
import { proxyRoutes } from './proxy/route.js';
import { openapiRouter } from './openapi-routes.js';
import type { RemoteOpenAPISource } from './openapi-aggregated.js';
import { EXTRA_OPENAPI_DEFINITIONS } from '../registry/resources/index.js';
import { metricsRegistry } from './metrics.js';
import { genericNotFound, tooLarge, unauthorized, badRequest } from '../machinery/api/errors.js';
import { sendError, sendObject } from './respond.js';
import { versionInfo } from '../machinery/version.js';
import { hasCredentials } from './auth.js';
import { impersonate } from './impersonation.js';
import type { ForbiddenHook } from './denial-audit.js';
import { requestLog, type RequestLogLevel } from './request-log.js';
import { auditFailedAuthentication, auditFilter, auditId, type AuditOptions } from './audit/audit.js';
import { healthRouter, logCheck, pingCheck, postStartHook, type HealthEndpoints, type HealthFailureHook } from './health.js';
import { forbiddenError, isAnonymousAllowedPath, type RequestAttributes } from '../authorization/authorizer.js';

export interface AppOptions extends ApiDeps {
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
  isReady: () => boolean;
  serverAddress: () => string;
  /** Told of every 403 answered (the server logs one audit-style line each). */
  onForbidden?: ForbiddenHook;
  /** The checks of /healthz, /livez and /readyz (health.ts); without them, ping and log, and readyz waits on isReady. */
  health?: HealthEndpoints;
  /** Told of failed health checks with their reasons (the body withholds them). */
  onHealthFailure?: HealthFailureHook;
  /** One httplog-style line per request through `log` at `level` (request-log.ts); none when absent. */
  requestLog?: { log: object; level: RequestLogLevel };
  /** The audit policy and where events go (audit/audit.ts); no audit when absent. */
  audit?: Omit<AuditOptions, 'registry'>;
  /** The aggregation layer: requests of remote APIServices proxied (aggregator/proxy.ts), their groups in discovery. */
  aggregator?: { proxy: express.RequestHandler; discovery: RemoteGroups & RemoteOpenAPISource };
}

/** Ping and log everywhere; readiness also waits for the server's start-up (isReady). */
function defaultHealth(isReady: () => boolean): HealthEndpoints {
  return {
    healthz: [pingCheck, logCheck],
    livez: [pingCheck, logCheck],
    readyz: [pingCheck, logCheck, postStartHook('dockube-bootstrap', isReady)],
  };
}

const MAX_BODY = 3 * 1024 * 1024;

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(auditId);
  if (opts.requestLog && opts.requestLog.level !== 'silent') app.use(requestLog(opts.requestLog.log, opts.requestLog.level));

  app.use((req: Request, res: Response, next: NextFunction) => {
    // express 5 parses the query string again on every read of req.query (a handler reads several parameters):
    // parsed once, it is kept on the request.
    Object.defineProperty(req, 'query', { value: req.query, writable: true, configurable: true, enumerable: true });
    if (opts.onForbidden) res.locals.onForbidden = opts.onForbidden;
    const proceed = (user: UserInfo | undefined) => {
      // Credentials that do not check out are refused everywhere, even on public paths, as Kubernetes does.
      if (!user && (hasCredentials(req) || !isAnonymousAllowedPath(req.path))) {
        if (opts.audit) auditFailedAuthentication({ ...opts.audit, registry: opts.registry }, req, res);
        sendError(res, unauthorized());
        return;
      }
      const requestor = user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
      try {
        // Impersonate-* headers switch the user once the requestor may impersonate (impersonation.ts).
        res.locals.user = impersonate(req, requestor, opts.service.authorizer);
      } catch (e) {
        sendError(res, e);
        return;
      }
      next();
    };
    const user = opts.authenticate(req);
    // Service account tokens are checked against the store (asynchronously); everything else answers at once.
    if (user instanceof Promise) user.then(proceed, () => proceed(undefined));
    else proceed(user);
  });
  // Audited once the user is known, as upstream's audit filter runs after authentication.
  if (opts.audit) app.use(auditFilter({ ...opts.audit, registry: opts.registry }));

  // One check's sub-path (/readyz/etcd) needs `get` on it, as upstream's system:monitoring grants; the roots are public.
  app.get(/^\/(healthz|livez|readyz)\/./, (req, res, next) => {
    const user = res.locals.user as UserInfo;
    const attrs: RequestAttributes = { verb: 'get', resourceRequest: false, path: req.path };
    if (opts.service.authorizer.authorize(user, attrs).allowed) next();
    else sendError(res, forbiddenError(user, attrs));
  });
  app.use(healthRouter(opts.health ?? defaultHealth(opts.isReady), opts.onHealthFailure));
  app.get('/version', (_req, res) => sendObject(res, 200, versionInfo()));
  // As in Kubernetes, /metrics needs `get` on that non-resource URL (system:masters, the system:monitoring group).
  app.get('/metrics', async (req, res) => {
    const user = res.locals.user as UserInfo;
    const attrs: RequestAttributes = { verb: 'get', resourceRequest: false, path: req.path };
    if (!opts.service.authorizer.authorize(user, attrs).allowed) {
      sendError(res, forbiddenError(user, attrs));
      return;
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });

  // Group/versions of extension API servers go to them, discovery included: before this server's own routes.
  if (opts.aggregator) app.use(opts.aggregator.proxy);
  const discovery = new Discovery(opts.registry, opts.serverAddress, opts.aggregator?.discovery);
  app.get('/api', discovery.root(true));
  app.get('/apis', discovery.root(false));
  app.get('/api/:version', (req, res, next) => {
    const body = discovery.resources('', req.params.version);
    if (body) sendObject(res, 200, body);
    else next();
  });
  app.get('/apis/:group', (req, res, next) => {
    const body = discovery.group(req.params.group);
    if (body) sendObject(res, 200, body);
    else next();
  });
  app.get('/apis/:group/:version', (req, res, next) => {
    const body = discovery.resources(req.params.group, req.params.version);
    if (body) sendObject(res, 200, body);
    else next();
  });
  app.use(openapiRouter(opts.registry, { extraDefinitions: EXTRA_OPENAPI_DEFINITIONS }, opts.aggregator?.discovery));

  // pods|services|nodes/proxy stream their bodies to the backend: before any body is read.
  app.use(proxyRoutes(opts).web);
  app.use(express.raw({ type: () => true, limit: MAX_BODY }));
  app.use(resourceHandler(opts));

  app.use((_req: Request, res: Response) => sendError(res, genericNotFound()));
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') sendError(res, tooLarge());
    else if (err.status && err.status >= 400 && err.status < 500) sendError(res, badRequest(err.message));
    else sendError(res, err);
  });
  return app;
}
