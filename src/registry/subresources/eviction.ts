// pods/eviction: the apiserver's EvictionREST (a NamedCreater). dockube serves no PodDisruptionBudgets, so no budget
// can refuse an eviction (no 429s): every eviction deletes the pod gracefully with the eviction's deleteOptions
// (preconditions included) and answers with a Success Status. A pod already terminating is left to finish (still
// Success); a missing pod is a 404, a failed precondition a 409, and a terminating namespace refuses the eviction as
// namespace lifecycle admission refuses any create there (kubectl drain then falls back to waiting).
import { badRequest, forbidden, internal } from '../../machinery/api/errors.js';
import type { DeleteOptions, ResourceService } from '../service.js';
import type { KObject, SubresourceDef } from '../types.js';
import { successStatus } from './status.js';

export interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions & { kind?: string; apiVersion?: string };
}

/**
 * propagateDryRun: the request's dryRun and the body's deleteOptions.dryRun must agree when both are given;
 * either one alone applies to the deletion.
 */
function deleteOptionsOf(requested: string[], eviction: Eviction): DeleteOptions {
  const { kind: _k, apiVersion: _a, ...opts } = eviction.deleteOptions ?? {};
  const body = opts.dryRun ?? [];
  if (requested.length && body.length && (requested.length !== body.length || requested.some((v, i) => v !== body[i]))) {
    throw internal(`Non-matching dry-run options in request and content: [${requested.join(' ')}] and [${body.join(' ')}]`);
  }
  return { ...opts, dryRun: body.length ? body : requested.length ? requested : undefined };
}

/** Namespace lifecycle admission on the create of an eviction: 404 for a missing namespace, 403 while it terminates. */
async function admitNamespace(service: ResourceService, namespace: string, name: string): Promise<void> {
  const nsDef = service.registry.find('', 'v1', 'namespaces')!;
  const ns = await service.get(nsDef, undefined, namespace);
  if (!ns.metadata.deletionTimestamp && (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating') return;
  const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
  throw forbidden(`pods "${name}" is forbidden: ${why}`, {
    name,
    kind: 'pods',
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
  });
}

export const podEviction: SubresourceDef = {
  // kubectl drain finds it by this group/version; EvictionREST also accepts policy/v1beta1 bodies (the same fields).
  name: 'eviction',
  kind: 'Eviction',
  group: 'policy',
  version: 'v1',
  verbs: ['create'],
  bodyVersions: ['policy/v1', 'policy/v1beta1'],
  async create(ctx, namespace, name, body: KObject) {
    const eviction = body as Eviction;
    await admitNamespace(ctx.service, namespace!, name);
    if (eviction.metadata?.name !== name) throw badRequest('name in URL does not match name in Eviction object');
    const opts = deleteOptionsOf(ctx.dryRun, eviction);
    const write = { ...ctx.write, dryRun: (opts.dryRun ?? []).length > 0, fieldManager: undefined };
    // The generic delete answers 404 for a missing pod, retries storage conflicts itself and honours preconditions
    // (409 when they fail); a pod already terminating is left alone unless the eviction shortens its grace period.
    await ctx.service.delete(ctx.def, namespace, name, opts, write);
    return successStatus(201);
  },
};
