// One audit-style log line per 403 (as kube-apiserver's audit log records a Forbidden request at level Metadata):
// who asked (user, groups), what (verb, objectRef), where (requestURI) and the authorizer's decision and reason.
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../machinery/api/errors.js';
import { denialOf } from '../authorization/authorizer.js';
import type { UserInfo } from '../machinery/api/user.js';
import { impersonatorOf } from './impersonation.js';

const auditUser = (u: UserInfo | undefined) => ({
  username: u?.name ?? '',
  groups: [...(u?.groups ?? [])],
  ...(u?.uid ? { uid: u.uid } : {}),
});

/** Called with every 403 the server answers (express, upgrades). */
export type ForbiddenHook = (err: StatusError, req: IncomingMessage) => void;

/** An audit.Event's fields for a denied request. */
export interface DenialEvent {
  level: 'Metadata';
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: { username: string; groups: string[]; uid?: string };
  /** Set when the request acted as another user: `user` is who asked, this is who it acted as (and was denied). */
  impersonatedUser?: { username: string; groups: string[]; uid?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string };
  responseStatus: { code: 403; status: 'Failure'; reason: 'Forbidden'; message: string };
  annotations: Record<string, string>;
}

/** The audit event of a 403; undefined for other errors. Denials raised outside authorization carry no decision. */
export function denialEvent(err: unknown, req: IncomingMessage): DenialEvent | undefined {
  if (!(err instanceof StatusError) || err.code !== 403) return undefined;
  const denial = denialOf(err);
  const attrs = denial?.attrs;
  const impersonator = impersonatorOf(req);
  const objectRef = attrs?.resourceRequest
    ? Object.fromEntries(
        Object.entries({
          resource: attrs.resource,
          subresource: attrs.subresource,
          namespace: attrs.namespace,
          name: attrs.name,
          apiGroup: attrs.apiGroup || undefined,
          apiVersion: attrs.apiVersion,
        }).filter(([, v]) => v !== undefined && v !== ''),
      )
    : undefined;
  return {
    level: 'Metadata',
    stage: 'ResponseComplete',
    requestURI: req.url ?? '',
    verb: attrs?.verb ?? (req.method ?? '').toLowerCase(),
    ...(impersonator ? { user: auditUser(impersonator), impersonatedUser: auditUser(denial?.user) } : { user: auditUser(denial?.user) }),
    ...(objectRef ? { objectRef } : {}),
    responseStatus: { code: 403, status: 'Failure', reason: 'Forbidden', message: err.message },
    annotations: denial
      ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': denial.reason ?? '' }
      : { 'authorization.k8s.io/decision': 'forbid' },
  };
}

/** The hook that writes each denial as one log line through `log` (pino's info). */
export function logDenials(log: { info(obj: object, msg: string): void }): ForbiddenHook {
  return (err, req) => {
    const event = denialEvent(err, req);
    if (event) log.info({ audit: event }, 'forbidden');
  };
}

/** Reports `err` to `hook` when it is a 403 (the upgrade paths' error sinks). */
export function reportForbidden(hook: ForbiddenHook | undefined, err: unknown, req: IncomingMessage): void {
  if (hook && err instanceof StatusError && err.code === 403) hook(err, req);
}
