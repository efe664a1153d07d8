// What the HTTP handlers share: the services behind them, and per-request options from the query.
import type { Request } from 'express';
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { SchemaLookup } from '../machinery/patch/index.js';
import type { NodeLookup } from '../node/types.js';
import { badRequest } from '../machinery/api/errors.js';
import { writeOptionsOf, type FieldValidationMode, type WriteOptions } from './write-options.js';
import { AUDIT_LOCALS } from './audit/audit.js';

export interface ApiDeps {
  service: ResourceService;
  registry: Registry;
  schema: SchemaLookup;
  /** The nodes whose streams (logs, exec, attach) the server can reach, by name. */
  nodes: NodeLookup;
}

export type { FieldValidationMode } from './write-options.js';

export function queryString(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return v === undefined ? undefined : String(v);
}

export function queryBool(req: Request, name: string): boolean {
  // strconv.ParseBool's spellings: the Python client sends "True".
  const v = queryString(req, name);
  return v !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

/** The first value of a parameter, as url.Values.Get and the apiserver's parameter conversions read it. */
export function queryFirst(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return v === undefined ? undefined : String(v);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An int64 query parameter as the apiserver's parameter codec converts it (strconv.ParseInt of the first value):
 * 400 with Go's message for anything that is not a base-10 int64. Values beyond 2^53 keep their magnitude only.
 */
export function queryInt(req: Request, name: string): number | undefined {
  const v = queryFirst(req, name);
  if (v === undefined) return undefined;
  if (!/^[+-]?[0-9]+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n < INT64_MIN || n > INT64_MAX) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

/** The fieldValidation directive of a create (validated with the rest of its CreateOptions). */
export function fieldValidationOf(req: Request): FieldValidationMode {
  return writeOptionsOf(req, 'CreateOptions').fieldValidation;
}

/** What the generic registry needs to know about a write: who, and the options the handler validated. */
export function writeContext(req: Request, user: UserInfo, opts: Pick<WriteOptions, 'dryRun' | 'fieldManager'>): WriteContext {
  // Admission's audit annotations land in the object the audit event reads (only when the request is audited).
  const locals = req.res?.locals;
  const auditAnnotations = locals?.[AUDIT_LOCALS.capture] ? ((locals[AUDIT_LOCALS.admission] ??= {}) as Record<string, string>) : undefined;
  return {
    user,
    dryRun: opts.dryRun.length > 0,
    fieldManager: opts.fieldManager,
    warnings: [],
    userAgent: req.headers['user-agent'],
    ...(auditAnnotations ? { auditAnnotations } : {}),
  };
}
