// The namespace controller: empties a terminating namespace, then lets it go (as kube-controller-manager's
// namespace controller does with the `kubernetes` finalizer). Works through the client seam as
// kube-system/namespace-controller: an informer on namespaces, discovery for what a namespace may hold.
import { StatusError } from '../machinery/api/errors.js';
import { Informer } from '../client/informer.js';
import { controllerIdentity } from '../client/identities.js';
import { GVR, type ApiResource } from '../client/types.js';
import { Controller } from './controller.js';
import type { ReconcilerContext } from './context.js';

const FIELD_MANAGER = 'namespace-controller';

export async function startNamespaceLifecycle(ctx: ReconcilerContext): Promise<Controller> {
  const client = ctx.client(controllerIdentity('namespace-controller'));
  const namespaces = new Informer(client, GVR.namespaces, {
    onError: (err) => ctx.log.warn({ controller: 'namespace', err: err.message }, 'informer'),
  });
  // What a namespace can hold: namespaced resources that can be listed and deleted as a collection. Asked on every
  // pass: custom resources come and go with their definitions.
  const namespacedContents = async (): Promise<ApiResource[]> =>
    (await client.resources()).filter((r) => r.namespaced && r.verbs.includes('deletecollection') && r.verbs.includes('list'));
  const c = new Controller(
    'namespace',
    async (name) => {
      const cached = namespaces.get(undefined, name);
      if (!cached?.metadata.deletionTimestamp) return;
      let remaining = 0;
      for (const r of await namespacedContents()) {
        await client.deleteCollection(r.gvr, name);
        remaining += (await client.list(r.gvr, name)).items.length;
      }
      if (remaining > 0) return { requeueAfterMs: 1000 };
      let ns;
      try {
        ns = await client.get(GVR.namespaces, undefined, name);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) return;
        throw e;
      }
      const finalizers = ((ns.spec ?? {}) as { finalizers?: string[] }).finalizers;
      if (finalizers?.includes('kubernetes')) {
        await client.update(
          GVR.namespaces,
          undefined,
          { ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== 'kubernetes') } },
          { subresource: 'finalize', fieldManager: FIELD_MANAGER },
        );
      }
      try {
        await client.delete(GVR.namespaces, undefined, name);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    },
    ctx.log,
  );
  c.source(namespaces, (_t, _old, o) => [o.metadata.name!]);
  await c.start();
  return c;
}
