// kube-apiserver's rbac/bootstrap-roles post-start hook (pkg/registry/rbac/rest/storage_rbac.go): on every start the
// bootstrap policy is reconciled through the API as a system:masters identity (the apiserver's loopback user), so a
// fresh data dir gets it whole and a later start adds back what an upgrade added or a user deleted, without taking
// away what users added; objects annotated rbac.authorization.kubernetes.io/autoupdate=false are left alone.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { Logger } from '../log.js';
import type { Client, Gvr } from '../client/types.js';
import { RBAC_GROUP, type BindingObject, type RoleObject } from '../authorization/rbac/types.js';
import { bootstrapPolicy, type BootstrapPolicy } from '../authorization/bootstrap/policy.js';
import { reconcileBinding, reconcileRole, type ReconcileResult } from '../authorization/bootstrap/reconcile.js';

/** The apiserver's own loopback identity (user.APIServerUser in system:masters). */
export const APISERVER_USER: UserInfo = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

const gvr = (resource: string): Gvr => ({ group: RBAC_GROUP, version: 'v1', resource });
const RBAC = {
  clusterroles: gvr('clusterroles'),
  clusterrolebindings: gvr('clusterrolebindings'),
  roles: gvr('roles'),
  rolebindings: gvr('rolebindings'),
};
const FIELD_MANAGER = 'rbac-bootstrap';
const code = (e: unknown) => (e instanceof StatusError ? e.code : 0);
const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export interface RbacBootstrapSummary {
  created: number;
  updated: number;
  /** autoupdate=false objects that differ from the policy and were left as they are. */
  skipped: string[];
}

async function reconcileOne<T extends RoleObject | BindingObject>(
  client: Client,
  resource: Gvr,
  expected: T,
  compute: (existing: T | undefined, expected: T) => ReconcileResult<T>,
  summary: RbacBootstrapSummary,
  listed: Map<string, T>,
): Promise<void> {
  const ns = expected.metadata.namespace;
  const name = expected.metadata.name!;
  // A conflict (someone wrote meanwhile) or a create racing another is simply looked at again.
  for (let attempt = 0; ; attempt++) {
    // First from the one list of the kind (a restart finds nearly everything there and writes nothing), then a GET.
    let existing: T | undefined = attempt === 0 ? listed.get(keyOf(ns, name)) : undefined;
    if (attempt > 0)
      try {
        existing = (await client.get(resource, ns, name)) as T;
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    const r = compute(existing, expected);
    if (r.operation === 'none') return;
    if (r.protectedObject) {
      summary.skipped.push(`${resource.resource}/${ns ? `${ns}/` : ''}${name}`);
      return;
    }
    try {
      if (r.operation === 'update') {
        await client.update(resource, ns, r.object as KObject, { fieldManager: FIELD_MANAGER });
        summary.updated++;
        return;
      }
      if (r.operation === 'recreate') await client.delete(resource, ns, name, { preconditions: { uid: existing!.metadata.uid! } });
      await client.create(resource, ns, r.object as KObject, { fieldManager: FIELD_MANAGER });
      summary.created++;
      return;
    } catch (e) {
      if (attempt >= 5 || ![404, 409].includes(code(e))) throw e;
    }
  }
}

/** Reconciles `policy` (the bootstrap policy by default) with what the API holds. */
export async function reconcileRbacPolicy(client: Client, policy: BootstrapPolicy = bootstrapPolicy()): Promise<RbacBootstrapSummary> {
  const summary: RbacBootstrapSummary = { created: 0, updated: 0, skipped: [] };
  const all = async <T extends RoleObject | BindingObject>(
    resource: Gvr,
    objects: T[],
    compute: (existing: T | undefined, expected: T) => ReconcileResult<T>,
  ) => {
    if (!objects.length) return;
    const listed = new Map<string, T>();
    for (const o of (await client.list(resource, undefined)).items as T[]) listed.set(keyOf(o.metadata.namespace, o.metadata.name!), o);
    await Promise.all(objects.map((o) => reconcileOne(client, resource, o, compute, summary, listed)));
  };
  // Roles before bindings, as the hook orders them (a binding is then never dangling).
  await all(RBAC.clusterroles, policy.clusterRoles, reconcileRole);
  await all(RBAC.clusterrolebindings, policy.clusterRoleBindings, reconcileBinding);
  await all(RBAC.roles, policy.roles, reconcileRole);
  await all(RBAC.rolebindings, policy.roleBindings, reconcileBinding);
  return summary;
}

/**
 * The hook at start-up: retried until it succeeds or `timeoutMs` passes (upstream gives up after 30 s and fails the
 * start), logged as the hook logs what it changed and what autoupdate=false kept it from changing.
 */
export async function bootstrapRbac(client: Client, log: Logger, timeoutMs = 30_000): Promise<RbacBootstrapSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = await reconcileRbacPolicy(client);
      for (const what of s.skipped) log.info({ object: what }, 'skipped reconcile of a bootstrap RBAC object annotated autoupdate=false');
      if (s.created || s.updated) log.info({ created: s.created, updated: s.updated }, 'bootstrap RBAC policy reconciled');
      return s;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`unable to initialize the bootstrap RBAC policy: ${(e as Error).message}`);
      log.warn({ err: (e as Error).message }, 'bootstrap RBAC policy not reconciled yet; retrying');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
