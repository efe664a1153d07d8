// One handler for every served resource: it maps HTTP onto the generic ResourceService and never names a kind.
import type { NextFunction, Request, Response } from 'express';
import type { UserInfo } from '../machinery/api/user.js';
import { groupResource, methodNotSupported } from '../registry/service.js';
import { parseResourcePath, type ResourceRequest } from './resource-path.js';
import { checkPartialFits, checkTablelessWriteAcceptable, negotiateObject } from './negotiation.js';
import { renderList, renderObject } from './representation.js';
import { sendError, setWarnings } from './respond.js';
import { serveWatch } from './watch-stream.js';
import { sendNegotiated, servesProtobuf } from './protobuf-response.js';
import { queryBool, queryInt, queryString, type ApiDeps } from './context.js';
import { badRequest, genericNotFound, methodNotAllowed, notFound, StatusError } from '../machinery/api/errors.js';
import { observeRequest, type RequestInfo } from './metrics.js';
import { authorizeRequest } from './authorization.js';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './write-handlers.js';
import { getScale } from './scale.js';
import { handleSubresourceCreate } from './subresource-create.js';
import { serveConnect } from './streams/connect.js';

export function resourceHandler(deps: ApiDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const rr = parseResourcePath(req.path, deps.registry);
    if (!rr) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    const verb = verbOf(req, rr);
    const info: RequestInfo = {
      verb: metricsVerb(req, verb, rr),
      group: rr.group,
      version: rr.version,
      resource: rr.def.plural,
      subresource: rr.subresource ?? '',
      scope: rr.name ? 'resource' : rr.namespace ? 'namespace' : 'cluster',
    };
    // The request log's verb (request-log.ts), as kube-apiserver's httplog prints it.
    res.locals.verb = info.verb;
    // Only served routes are counted: labels taken from any path a client makes up would be new series without end.
    if (!rr.subresource || isServedSubresource(rr)) {
      res.on('finish', () => observeRequest(info, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    }
    try {
      const user = res.locals.user as UserInfo;
      // The decision's reason goes into the audit event (audit/audit.ts).
      res.locals.authorization = authorizeRequest(deps.service.authorizer, user, verb, rr, queryString(req, 'fieldSelector'));
      await dispatch(req, res, deps, rr, verb, user);
    } catch (e) {
      sendError(res, e);
    }
  };
}

type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/**
 * The verb label of apiserver_request_total as upstream's CleanVerb reports it: the installer's action verbs (POST,
 * PUT, DELETE, DELETECOLLECTION, GET, LIST, WATCH), CONNECT for streaming subresources, and APPLY for a PATCH with an
 * apply-patch content type (server-side apply).
 */
function metricsVerb(req: Request, verb: Verb, rr: ResourceRequest): string {
  if (rr.subresource && rr.def.extraSubresources?.some((s) => s.name === rr.subresource && s.connect)) return 'CONNECT';
  switch (verb) {
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'patch':
      return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/apply-patch+yaml' ? 'APPLY' : 'PATCH';
    default:
      return verb.toUpperCase();
  }
}

function verbOf(req: Request, rr: ResourceRequest): Verb {
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      if (queryBool(req, 'watch')) return 'watch';
      return rr.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return rr.name ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed();
  }
}

async function dispatch(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, verb: Verb, user: UserInfo): Promise<void> {
  const { def, namespace, name, subresource } = rr;
  const allowed = def.verbs;
  // A watch is a GET on the list route: a resource that cannot watch answers NewMethodNotSupported, not a missing route.
  if (allowed && !allowed.includes(verb) && !subresource)
    throw verb === 'watch' && allowed.includes('list') ? methodNotSupported(def, 'watch') : methodNotAllowed();
  // A namespaced resource across all namespaces (/api/v1/pods) is served for list and watch only, as upstream
  // installs it: no creates without a namespace, and no deletecollection of every namespace at once.
  if (def.namespaced && !namespace && verb !== 'list' && verb !== 'watch') throw methodNotAllowed();
  // An unserved subresource has no route at all: the generic 404, not `configmaps "x" not found` for an object that exists.
  if (subresource && !isServedSubresource(rr)) throw genericNotFound();
  // A deprecated API version warns on every request to it (the apiserver's deprecation warning).
  if (def.deprecationWarning) setWarnings(res, [def.deprecationWarning]);
  // Subresources with a body kind of their own are served as their definition says.
  const extra = subresource ? def.extraSubresources?.find((s) => s.name === subresource) : undefined;
  // Creaters and create-only kinds have no Table: a Table-only Accept is refused before anything is written.
  if (extra?.create || (def.virtualCreate && verb === 'create')) checkTablelessWriteAcceptable(req.headers.accept);
  if (extra?.create) {
    // Creaters (BindingREST, EvictionREST, TokenREST) take POST only.
    if (verb !== 'create') throw methodNotAllowed();
    return handleSubresourceCreate(req, res, deps, rr, user, extra);
  }
  if (extra?.connect) {
    // WebSocket sessions (exec, attach) arrive as upgrades (src/api/streams/upgrade.ts): a plain request is a 400.
    if (extra.connect.upgrade) throw badRequest('Upgrade request required');
    if (!extra.connect.methods.includes(req.method as 'GET' | 'POST')) throw methodNotAllowed();
    return serveConnect(req, res, deps, rr, extra);
  }

  switch (verb) {
    case 'get': {
      const shape = negotiateObject(req.headers.accept, servesProtobuf(def));
      checkPartialFits(shape, false);
      const obj = await deps.service.get(def, namespace, name!, queryString(req, 'resourceVersion'));
      if (subresource === 'scale') {
        // autoscaling/v1 Scale has a wire message whatever the resource is (client-go's scale client asks for it).
        await sendNegotiated(res, 200, getScale(def, obj), shape.kind === 'object' && shape.format === 'protobuf' ? 'protobuf' : 'json');
        return;
      }
      await sendNegotiated(res, 200, renderObject(req, def, obj, shape), shape.kind === 'object' ? shape.format : 'json');
      return;
    }
    case 'list': {
      const shape = negotiateObject(req.headers.accept, servesProtobuf(def));
      checkPartialFits(shape, true);
      const page = await deps.service.list(def, namespace, {
        labelSelector: queryString(req, 'labelSelector'),
        fieldSelector: queryString(req, 'fieldSelector'),
        limit: queryInt(req, 'limit'),
        continue: queryString(req, 'continue'),
        resourceVersion: queryString(req, 'resourceVersion'),
        resourceVersionMatch: queryString(req, 'resourceVersionMatch'),
      });
      await sendNegotiated(res, 200, renderList(req, def, page, shape), shape.kind === 'object' ? shape.format : 'json');
      return;
    }
    case 'watch': {
      if (name) throw notFoundFor(rr);
      const shape = negotiateObject(req.headers.accept, servesProtobuf(def));
      checkPartialFits(shape, false); // watch events carry single objects
      await serveWatch(req, res, deps, def, namespace, shape);
      return;
    }
    case 'create':
      return handleCreate(req, res, deps, rr, user);
    case 'update':
      return handleUpdate(req, res, deps, rr, user);
    case 'patch':
      return handlePatch(req, res, deps, rr, user);
    case 'delete':
      return handleDelete(req, res, deps, rr, user);
    case 'deletecollection':
      return handleDeleteCollection(req, res, deps, rr, user);
  }
}

function isServedSubresource(rr: ResourceRequest): boolean {
  const { def, subresource } = rr;
  if (!rr.name) return false;
  if (subresource === 'status') return !!def.statusSubresource;
  if (subresource === 'scale') return !!def.scale;
  return !!def.extraSubresources?.some((s) => s.name === subresource);
}

function notFoundFor(rr: ResourceRequest): StatusError {
  return rr.name ? notFound(groupResource(rr.def), rr.name) : genericNotFound();
}
