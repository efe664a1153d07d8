// The namespace controller: empties a terminating namespace, then lets it go (as kube-controller-manager's
// namespace controller does with the `kubernetes` finalizer).
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { Controller } from './controller.js';
import { systemContext, type ReconcilerContext } from './context.js';

export async function startNamespaceLifecycle(ctx: ReconcilerContext): Promise<Controller> {
  const nsDef = ctx.def('', 'namespaces');
  const sys = systemContext('namespace-controller');
  const c = new Controller('namespace', async (name) => {
    let ns: KObject;
    try { ns = await ctx.service.get(nsDef, undefined, name); } catch (e) { if (e instanceof StatusError && e.code === 404) return; throw e; }
    if (!ns.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const def of ctx.service.registry.defs) {
      if (!def.namespaced || def.virtualCreate || def.virtualRead) continue;
      await ctx.service.deleteCollection(def, name, {}, {}, sys);
      remaining += (await ctx.service.list(def, name)).items.length;
    }
    if (remaining > 0) return { requeueAfterMs: 1000 };
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    if (spec.finalizers?.includes('kubernetes')) {
      await ctx.service.update(nsDef, undefined, name, (cur) => ({
        ...cur, spec: { ...(cur.spec as object), finalizers: ((cur.spec as { finalizers?: string[] }).finalizers ?? []).filter((f) => f !== 'kubernetes') },
      }), sys, 'finalize');
    }
    try { await ctx.service.delete(nsDef, undefined, name, {}, sys); } catch (e) { if (!(e instanceof StatusError && e.code === 404)) throw e; }
  }, ctx.log);
  await c.watch(ctx.service, nsDef, (o) => [o.metadata.name!]);
  return c;
}
