// POST pods/NAME/eviction: the apiserver's EvictionREST. dockube serves no PodDisruptionBudgets, so no budget can
// refuse an eviction (no 429s): every eviction deletes the pod gracefully with the eviction's deleteOptions
// (preconditions included) and answers 201 with a Success Status. A pod already terminating is left to finish
// (still Success); a missing pod is a 404, a failed precondition a 409, and a terminating namespace refuses the
// eviction as namespace lifecycle admission refuses any create there (kubectl drain then falls back to waiting).
import type { Request, Response } from 'express';
import type { UserInfo } from '../machinery/api/user.js';
import type { DeleteOptions } from '../registry/service.js';
import type { ResourceRequest } from './resource-path.js';
import { decodeBody } from './request-body.js';
import { sendObject, setWarnings } from './respond.js';
import { writeContext, type ApiDeps } from './context.js';
import { writeOptionsOf, type FieldValidationMode } from './write-options.js';
import { decodeTypedBody } from './typed-body.js';
import { badRequest, forbidden, internal } from '../machinery/api/errors.js';

/** EvictionREST accepts policy/v1 and policy/v1beta1 bodies; both carry the same fields. */
const ACCEPTED_VERSIONS = ['policy/v1', 'policy/v1beta1'];

export interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions & { kind?: string; apiVersion?: string };
}

async function decodeEviction(req: Request, mode: FieldValidationMode, warnings: string[]): Promise<Eviction> {
  // The version is read first: the body is decoded as the version it names.
  const peek = await decodeBody(req);
  const raw = peek.value as Record<string, unknown> | null;
  const named = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw.apiVersion : undefined;
  const apiVersion = typeof named === 'string' ? named : 'policy/v1';
  if (!ACCEPTED_VERSIONS.includes(apiVersion)) throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (policy/v1)`);
  const obj = await decodeTypedBody(req, { group: 'policy', version: apiVersion.split('/')[1]!, kind: 'Eviction' }, mode, warnings);
  if (obj.kind !== undefined && obj.kind !== 'Eviction') throw badRequest(`not a Eviction object: ${String(obj.kind)}`);
  return obj as Eviction;
}

/**
 * propagateDryRun: the request's dryRun and the body's deleteOptions.dryRun must agree when both are given;
 * either one alone applies to the deletion.
 */
function deleteOptionsOf(req: Request, eviction: Eviction): DeleteOptions {
  const query = (req.query as Record<string, unknown>).dryRun;
  const requested = query === undefined ? [] : (Array.isArray(query) ? query : [query]).map(String);
  const { kind: _k, apiVersion: _a, ...opts } = eviction.deleteOptions ?? {};
  const body = opts.dryRun ?? [];
  if (requested.length && body.length && (requested.length !== body.length || requested.some((v, i) => v !== body[i]))) {
    throw internal(`Non-matching dry-run options in request and content: [${requested.join(' ')}] and [${body.join(' ')}]`);
  }
  return { ...opts, dryRun: body.length ? body : requested.length ? requested : undefined };
}

/** Namespace lifecycle admission on the create of an eviction: 404 for a missing namespace, 403 while it terminates. */
async function admitNamespace(deps: ApiDeps, rr: ResourceRequest): Promise<void> {
  const nsDef = deps.registry.find('', 'v1', 'namespaces')!;
  const ns = await deps.service.get(nsDef, undefined, rr.namespace!);
  if (!ns.metadata.deletionTimestamp && (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating') return;
  const why = `unable to create new content in namespace ${rr.namespace} because it is being terminated`;
  throw forbidden(`pods "${rr.name}" is forbidden: ${why}`, {
    name: rr.name, kind: 'pods',
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${rr.namespace} is being terminated`, field: 'metadata.namespace' }],
  });
}

/** Serves POST .../pods/NAME/eviction (rr addresses the pod). */
export async function handleEviction(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const warnings: string[] = [];
  const createOpts = writeOptionsOf(req, 'CreateOptions');
  const eviction = await decodeEviction(req, createOpts.fieldValidation, warnings);
  const bodyNs = eviction.metadata?.namespace;
  if (bodyNs && bodyNs !== rr.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  await admitNamespace(deps, rr);
  if (eviction.metadata?.name !== rr.name) throw badRequest('name in URL does not match name in Eviction object');
  const opts = deleteOptionsOf(req, eviction);
  const ctx = writeContext(req, user, { dryRun: opts.dryRun ?? [] });
  ctx.warnings.push(...warnings);
  // The generic delete answers 404 for a missing pod, retries storage conflicts itself and honours preconditions
  // (409 when they fail); a pod already terminating is left alone unless the eviction shortens its grace period.
  await deps.service.delete(rr.def, rr.namespace, rr.name!, opts, ctx);
  setWarnings(res, ctx.warnings);
  sendObject(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
