// kube-apiserver's audit log (--audit-log-path, --audit-policy-file): one audit.k8s.io/v1 Event JSON line per stage
// of each request the policy does not put at level None, with upstream's fields. Evaluated with the authenticated
// user (the audit filter runs before impersonation); the impersonated one is `impersonatedUser`.
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import type { UserInfo } from '../../machinery/api/user.js';
import type { RequestAttributes, Decision } from '../../authorization/types.js';
import type { Registry } from '../../registry/registry.js';
import { StatusError } from '../../machinery/api/errors.js';
import { denialOf } from '../../authorization/authorizer.js';
import { parseResourcePath } from '../resource-path.js';
import { impersonatorOf } from '../impersonation.js';
import { panicStatus } from './panic.js';
import { auditConfigFor, type AuditPolicy, type AuditStage, type RequestAuditConfig } from './policy.js';

/** Where the handlers leave what the audit event reports (res.locals keys). */
export const AUDIT_LOCALS = {
  /** Set by the audit filter: handlers keep the response body and error for it. */
  capture: 'auditCapture',
  body: 'auditBody',
  error: 'auditError',
  /** Set with an error that is the counterpart of a Go panic (audit/panic.ts). */
  panic: 'auditPanic',
  /** The decoded request body (request-body.ts). */
  requestObject: 'auditRequestObject',
  /** The authorizer's decision for the request (resource-handler.ts). */
  decision: 'authorization',
  /** Annotations admission plugins add (context.ts hands the object to the write's context). */
  admission: 'auditAdmissionAnnotations',
} as const;

const auditUser = (u: UserInfo) => ({
  username: u.name,
  ...(u.uid ? { uid: u.uid } : {}),
  groups: [...u.groups],
  ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
});

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const WRITE_VERBS = new Set(['create', 'update', 'patch']);

/** RequestInfo for the policy: a resource request's verb and names, else the path and lower-case method. */
export function requestAttributesOf(req: Request, registry: Registry): RequestAttributes {
  const rr = parseResourcePath(req.path, registry);
  if (!rr) return { verb: req.method.toLowerCase(), resourceRequest: false, path: req.path };
  const q = req.query as Record<string, unknown>;
  const watch = ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(String(q.watch ?? ''));
  const verb = ((): string => {
    switch (req.method) {
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return rr.name ? 'delete' : 'deletecollection';
      default:
        return watch ? 'watch' : rr.name ? 'get' : 'list';
    }
  })();
  const namespace = rr.namespace ?? (!rr.def.group && rr.def.plural === 'namespaces' ? rr.name : undefined);
  return {
    verb,
    resourceRequest: true,
    apiGroup: rr.group,
    apiVersion: rr.version,
    resource: rr.def.plural,
    ...(rr.subresource ? { subresource: rr.subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(rr.name ? { name: rr.name } : {}),
    path: req.path,
  };
}

const jsonBody = (req: Request): unknown => {
  const body = (req as { body?: unknown }).body;
  if (!Buffer.isBuffer(body) || body.length === 0 || body[0] !== 0x7b) return undefined; // JSON objects only (not protobuf)
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

export interface AuditOptions {
  policy: AuditPolicy;
  registry: Registry;
  /** Writes one event (a JSON line). */
  write(line: string): void;
}

/** Sets the Audit-Id response header on every request: the client's Audit-ID when it sent one, else a new UUID. */
export function auditId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['audit-id'];
  res.setHeader('Audit-Id', typeof given === 'string' && given ? given : randomUUID());
  next();
}

/** The audit filter, to run once the user is known. */
export function auditFilter(opts: AuditOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const actedAs = res.locals.user as UserInfo | undefined;
    if (!actedAs) return next();
    const impersonator = impersonatorOf(req);
    const user = impersonator ?? actedAs;
    const attrs = requestAttributesOf(req, opts.registry);
    const config = auditConfigFor(opts.policy, user, attrs);
    if (config.level === 'None') return next();
    res.locals[AUDIT_LOCALS.capture] = true;
    const received = Date.now();
    const base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: config.level,
      auditID: String(res.getHeader('Audit-Id') ?? ''),
    };
    const tail = () => ({
      verb: attrs.verb,
      user: auditUser(user),
      ...(impersonator ? { impersonatedUser: auditUser(actedAs) } : {}),
      sourceIPs: [(req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    });
    const objectRef = () => objectRefOf(attrs);
    const emit = (stage: AuditStage, rest: object) => {
      if (config.omitStages.includes(stage)) return;
      opts.write(JSON.stringify({ ...base, stage, requestURI: req.originalUrl, ...tail(), ...rest }));
    };
    emit('RequestReceived', { ...objectRef(), requestReceivedTimestamp: microTime(received), stageTimestamp: microTime(received) });
    let done = false;
    const complete = () => {
      if (done) return;
      done = true;
      // A handler that failed as Go code panics (audit/panic.ts): the event's stage is Panic instead, as upstream's.
      const panic = res.locals[AUDIT_LOCALS.panic] as Error | undefined;
      const event = completion(req, res, attrs, config, objectRef(), received);
      emit(panic ? 'Panic' : 'ResponseComplete', panic ? { ...event, responseStatus: panicStatus(panic) } : event);
    };
    res.once('finish', complete);
    res.once('close', complete);
    // A long-running request: as upstream, ResponseStarted when its headers go out, ResponseComplete when it ends.
    if (isLongRunning(attrs)) {
      const writeHead = res.writeHead;
      res.writeHead = function (this: Response, ...args: unknown[]) {
        res.writeHead = writeHead;
        const code = typeof args[0] === 'number' ? args[0] : res.statusCode;
        emit('ResponseStarted', {
          ...objectRef(),
          responseStatus: { metadata: {}, code },
          requestReceivedTimestamp: microTime(received),
          stageTimestamp: microTime(Date.now()),
        });
        return (writeHead as (...a: unknown[]) => Response).apply(this, args);
      } as Response['writeHead'];
    }
    next();
  };
}

/** kube-apiserver's long-running check (BasicLongRunningRequestCheck): watch and proxy verbs, streaming subresources. */
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
export const isLongRunning = (attrs: RequestAttributes) =>
  LONG_RUNNING_VERBS.has(attrs.verb) || (attrs.resourceRequest && LONG_RUNNING_SUBRESOURCES.has(attrs.subresource ?? ''));

/** What a refused request tried (upstream's getAuthMethods), the message of its audit event. */
function attemptedAuthentication(req: Request): string {
  const methods: string[] = [];
  const auth = (req.headers.authorization ?? '').trim().split(' ');
  if (auth.length > 1 && auth[0]!.toLowerCase() === 'basic') methods.push('basic');
  if (auth.length > 1 && auth[0]!.toLowerCase() === 'bearer') methods.push('bearer');
  if (typeof (req.query as Record<string, unknown>).access_token === 'string' && String(req.query.access_token).trim())
    methods.push('access_token');
  const cert = (req.socket as TLSSocket).getPeerCertificate?.();
  if (cert && Object.keys(cert).length) methods.push('x509');
  return methods.length ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}

/**
 * Audits a request refused with 401 (upstream's WithFailedAuthenticationAudit): the policy is evaluated without a
 * user, and the one event is ResponseStarted with what the client attempted, as the 401 goes out.
 */
export function auditFailedAuthentication(opts: AuditOptions, req: Request, res: Response): void {
  const attrs = requestAttributesOf(req, opts.registry);
  const config = auditConfigFor(opts.policy, { name: '', groups: [] }, attrs);
  if (config.level === 'None' || config.omitStages.includes('ResponseStarted')) return;
  const now = microTime(Date.now());
  opts.write(
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: config.level,
      auditID: String(res.getHeader('Audit-Id') ?? ''),
      stage: 'ResponseStarted',
      requestURI: req.originalUrl,
      verb: attrs.verb,
      user: {},
      sourceIPs: [(req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      ...objectRefOf(attrs),
      responseStatus: { metadata: {}, message: attemptedAuthentication(req), code: 401 },
      requestReceivedTimestamp: now,
      stageTimestamp: now,
    }),
  );
}

/** audit.ObjectReference, its fields in upstream's order; none for non-resource requests. */
function objectRefOf(attrs: RequestAttributes): object {
  if (!attrs.resourceRequest) return {};
  return {
    objectRef: {
      resource: attrs.resource,
      ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.apiGroup ? { apiGroup: attrs.apiGroup } : {}),
      apiVersion: attrs.apiVersion,
      ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
    },
  };
}

function completion(
  req: Request,
  res: Response,
  attrs: RequestAttributes,
  config: RequestAuditConfig,
  ref: object,
  received: number,
): object {
  const err = res.locals[AUDIT_LOCALS.error] as StatusError | undefined;
  const body = res.locals[AUDIT_LOCALS.body] as unknown;
  const status = err?.toStatus();
  const responseStatus = status
    ? {
        metadata: {},
        status: status.status,
        message: status.message,
        reason: status.reason,
        ...(status.details ? { details: status.details } : {}),
        code: status.code,
      }
    : { metadata: {}, code: res.statusCode };
  // The decoded body (JSON, YAML or protobuf) when a handler decoded one, else the raw JSON (a patch).
  const sent = () => (res.locals[AUDIT_LOCALS.requestObject] as unknown) ?? jsonBody(req);
  const requestObject = config.level !== 'Metadata' && WRITE_VERBS.has(attrs.verb) ? sent() : undefined;
  // A create names its object in the body: once the handler decoded it (after authorization), objectRef gets that
  // name, as upstream's LogRequestObject fills it in. A denied create was never decoded and has none.
  const decoded = res.locals[AUDIT_LOCALS.requestObject] as { metadata?: { name?: string } } | undefined;
  const createdName = attrs.resourceRequest && !attrs.name && attrs.verb === 'create' ? decoded?.metadata?.name : undefined;
  const refWithName = createdName ? objectRefOf({ ...attrs, name: createdName }) : ref;
  const decision = decisionAnnotations(res, err);
  const admission = res.locals[AUDIT_LOCALS.admission] as Record<string, string> | undefined;
  const annotations = admission && Object.keys(admission).length ? { ...admission, ...decision } : decision;
  return {
    ...refWithName,
    responseStatus,
    ...(requestObject !== undefined ? { requestObject } : {}),
    ...(config.level === 'RequestResponse' && body !== undefined ? { responseObject: body } : {}),
    requestReceivedTimestamp: microTime(received),
    stageTimestamp: microTime(Date.now()),
    ...(annotations ? { annotations } : {}),
  };
}

function decisionAnnotations(res: Response, err: StatusError | undefined): Record<string, string> | undefined {
  const denial = err && err.code === 403 ? denialOf(err) : undefined;
  if (denial) return { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': denial.reason ?? '' };
  const decision = res.locals[AUDIT_LOCALS.decision] as Decision | undefined;
  if (decision?.allowed) return { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': decision.reason ?? '' };
  return undefined;
}
