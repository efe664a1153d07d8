// What the HTTP handlers share: the services behind them, and per-request options from the query.
import type { Request } from 'express';
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../registry/types.js';
import type { SchemaLookup } from '../machinery/patch/index.js';
import { badRequest } from './errors.js';

export interface ApiDeps {
  service: ResourceService;
  registry: Registry;
  schema: SchemaLookup;
}

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

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

export function queryInt(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
}

export function dryRunOf(req: Request, bodyDryRun?: string[]): boolean {
  const vals = [...asArray((req.query as Record<string, unknown>).dryRun), ...(bodyDryRun ?? [])];
  for (const v of vals) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${v}; only "All" is supported`);
  return vals.length > 0;
}

export function fieldValidationOf(req: Request): FieldValidationMode {
  const v = queryString(req, 'fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

export function writeContext(req: Request, user: UserInfo, bodyDryRun?: string[]): WriteContext {
  return { user, dryRun: dryRunOf(req, bodyDryRun), fieldManager: queryString(req, 'fieldManager'), warnings: [], userAgent: req.headers['user-agent'] };
}

const asArray = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
