// The garbage collector (kube-controller-manager's): deletes objects whose owners are all gone, finishes foreground
// deletion (owner goes after its blocking dependents) and orphaning (dependents lose the ownerReference first).
// Keys are uids; the ownership graph is built from informers on every collectable kind (discovery finds them) and
// kept from their events. Works through the client seam as kube-system/generic-garbage-collector.
import { StatusError } from '../machinery/api/errors.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type PropagationPolicy } from '../registry/deletion.js';
import type { KObject, OwnerReference } from '../machinery/api/meta.js';
import { deepEqual } from '../machinery/api/equality.js';
import { Informer } from '../client/informer.js';
import { controllerIdentity } from '../client/identities.js';
import { gvrKey, type ApiResource } from '../client/types.js';
import { Controller, type ReconcileResult } from './controller.js';
import type { ReconcilerContext } from './context.js';
import { OwnershipGraph, isDeletingDependents, type GraphNode } from './gc/graph.js';
import { AbsentOwners } from './gc/absent-owners.js';

const isGone = (e: unknown) => e instanceof StatusError && (e.code === 404 || e.code === 409);
const FIELD_MANAGER = 'garbage-collector';

/** The object with one metadata list replaced; an emptied list is left out (omitempty). */
function withMeta(obj: KObject, field: 'finalizers' | 'ownerReferences', list: unknown[]): KObject {
  const metadata = { ...obj.metadata, [field]: list };
  if (!list.length) delete metadata[field];
  return { ...obj, metadata };
}

/**
 * Which kinds the collector watches: what can be listed, watched and deleted. A kind served by two groups is one
 * storage (core/v1 and events.k8s.io/v1 events): the first listed (the core group comes first) stands for both.
 */
export function collectedResources(resources: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v)) || seen.has(r.kind)) return false;
    seen.add(r.kind);
    return true;
  });
}

export async function startGarbageCollector(ctx: ReconcilerContext): Promise<Controller> {
  const client = ctx.client(controllerIdentity('generic-garbage-collector'));
  const graph = new OwnershipGraph();
  const absent = new AbsentOwners();
  const enqueue = (uid: string) => c.enqueue(uid);
  const resources = await client.resources();
  const byKind = new Map<string, ApiResource>();
  for (const r of resources) if (!byKind.has(`${r.gvr.group}/${r.kind}`)) byKind.set(`${r.gvr.group}/${r.kind}`, r);
  const gvrOf = (node: GraphNode) => (node.def as ApiResource).gvr;

  const ownerDefOf = (ref: OwnerReference): ApiResource | undefined => {
    const slash = ref.apiVersion?.indexOf('/') ?? -1;
    const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
    return byKind.get(`${group}/${ref.kind}`);
  };

  /** Updates the live object if it is still the one the graph knows (same uid), retrying a lost race. */
  const patch = async (node: GraphNode, change: (cur: KObject) => KObject) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const cur = await client.get(gvrOf(node), node.namespace, node.name);
        if (cur.metadata.uid !== node.uid) return;
        const next = change(cur);
        if (deepEqual(next, cur)) return;
        await client.update(gvrOf(node), node.namespace, next, { fieldManager: FIELD_MANAGER });
        return;
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'Conflict' && attempt < 10) continue;
        if (!isGone(e)) throw e;
        return;
      }
    }
  };

  const remove = async (node: GraphNode, policy: PropagationPolicy) => {
    try {
      await client.delete(gvrOf(node), node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  };

  const dropFinalizer = (node: GraphNode, finalizer: string) =>
    patch(node, (cur) =>
      withMeta(
        cur,
        'finalizers',
        (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer),
      ),
    );

  /** Owner references kept by `keep` (an empty list is omitted, as the API serves it). */
  const keepOwners = (node: GraphNode, keep: (r: OwnerReference) => boolean) =>
    patch(node, (cur) => withMeta(cur, 'ownerReferences', (cur.metadata.ownerReferences ?? []).filter(keep)));

  /** Orphan: every dependent loses its reference to the owner, then the owner loses its `orphan` finalizer. */
  const orphanDependents = async (owner: GraphNode) => {
    for (const { node } of graph.dependentsOf(owner)) {
      await keepOwners(node, (r) => r.uid !== owner.uid);
    }
    await dropFinalizer(owner, FINALIZER_ORPHAN);
  };

  /** Foreground: the owner keeps `foregroundDeletion` while dependents that block it exist. */
  const processDeletingDependents = async (owner: GraphNode) => {
    const blocking = graph.dependentsOf(owner).filter((d) => d.ref.blockOwnerDeletion === true);
    if (!blocking.length) {
      await dropFinalizer(owner, FINALIZER_FOREGROUND);
      return;
    }
    for (const { node } of blocking) if (!isDeletingDependents(node)) enqueue(node.uid);
  };

  type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';
  const classify = async (node: GraphNode, ref: OwnerReference): Promise<OwnerState> => {
    const ownerDef = ownerDefOf(ref);
    // An owner of a kind we do not serve cannot be checked; a cluster-scoped object cannot have a namespaced owner.
    if (!ownerDef || (ownerDef.namespaced && !node.def.namespaced)) return 'unresolvable';
    // A namespaced owner is looked up in the dependent's namespace: one elsewhere with that uid does not count.
    const ns = ownerDef.namespaced ? node.namespace : undefined;
    if (absent.has(ns, ref.uid)) return 'dangling';
    let owner: KObject;
    try {
      owner = await client.get(ownerDef.gvr, ns, ref.name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) {
        absent.add(ns, ref.uid);
        return 'dangling';
      }
      throw e;
    }
    if (owner.metadata.uid !== ref.uid) {
      absent.add(ns, ref.uid);
      return 'dangling';
    }
    return owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
  };

  /** attemptToDeleteItem: collect the object when none of its owners is solid. */
  const attemptToDelete = async (node: GraphNode, live: KObject) => {
    const refs = live.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const by: Record<OwnerState, OwnerReference[]> = { solid: [], dangling: [], waiting: [], unresolvable: [] };
    for (const r of refs) by[await classify(node, r)].push(r);
    if (by.unresolvable.length) {
      ctx.log.debug(
        { object: `${node.namespace ?? ''}/${node.name}`, owners: by.unresolvable.map((r) => `${r.kind}/${r.name}`) },
        'garbage collector cannot resolve owners',
      );
      return;
    }
    if (by.solid.length) {
      // Still owned: forget owners that are gone, and owners waiting on us (else they would wait forever).
      const drop = new Set([...by.dangling, ...by.waiting].map((r) => r.uid));
      if (drop.size) await keepOwners(node, (r) => !drop.has(r.uid));
      return;
    }
    if (by.waiting.length && graph.dependentsOf(node).length) {
      // Our owner deletes in the foreground and we have dependents: we go in the foreground too. If one of our
      // dependents also waits on its dependents, there may be a cycle: stop blocking our owners, so it cannot hang.
      if (graph.dependentsOf(node).some((d) => isDeletingDependents(d.node))) {
        await patch(node, (cur) => ({
          ...cur,
          metadata: {
            ...cur.metadata,
            ownerReferences: (cur.metadata.ownerReferences ?? []).map((r) =>
              r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r,
            ),
          },
        }));
      }
      await remove(node, 'Foreground');
      return;
    }
    const fins = live.metadata.finalizers ?? [];
    await remove(node, fins.includes(FINALIZER_ORPHAN) ? 'Orphan' : fins.includes(FINALIZER_FOREGROUND) ? 'Foreground' : 'Background');
  };

  const reconcile = async (uid: string): Promise<ReconcileResult> => {
    const node = graph.nodes.get(uid);
    if (!node) return;
    let live: KObject;
    try {
      live = await client.get(gvrOf(node), node.namespace, node.name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    if (live.metadata.uid !== uid) return;
    if (live.metadata.deletionTimestamp) {
      // Being deleted is a one-way trip: only the GC's own finalizers are work for us.
      const fins = live.metadata.finalizers ?? [];
      if (fins.includes(FINALIZER_ORPHAN)) await orphanDependents(node);
      else if (fins.includes(FINALIZER_FOREGROUND)) await processDeletingDependents(node);
      return;
    }
    await attemptToDelete(node, live);
  };

  const c = new Controller('garbage-collector', reconcile, ctx.log);

  const onEvent = (def: ApiResource, type: string, obj: KObject) => {
    const uid = obj.metadata.uid;
    if (!uid) return;
    if (type === 'DELETED') {
      const gone = graph.remove(uid);
      // Its dependents may now be garbage; its owners may have been waiting for it.
      for (const dep of graph.dependentUids(uid)) enqueue(dep);
      for (const r of gone?.owners ?? []) if (graph.nodes.get(r.uid)?.deletionTimestamp) enqueue(r.uid);
      return;
    }
    const { node, previous, touchedOwners } = graph.upsert(def, obj);
    if (node.owners.length && (!previous || touchedOwners.length)) enqueue(uid);
    if (node.deletionTimestamp && (node.finalizers.includes(FINALIZER_ORPHAN) || node.finalizers.includes(FINALIZER_FOREGROUND)))
      enqueue(uid);
    // An owner that starts waiting for its dependents: all of them are candidates now.
    if (isDeletingDependents(node) && !(previous && isDeletingDependents(previous))) {
      for (const d of graph.dependentsOf(node)) enqueue(d.node.uid);
    }
    // A dependent that stopped referencing (or blocking) a terminating owner may unblock it.
    for (const o of touchedOwners) if (graph.nodes.get(o)?.deletionTimestamp) enqueue(o);
  };

  const onError = (err: Error) => ctx.log.warn({ controller: 'garbage-collector', err: err.message }, 'informer');
  const watched = new Map<string, Informer>();
  const watch = (r: ApiResource) => {
    const inf = new Informer(client, r.gvr, { onError });
    watched.set(gvrKey(r.gvr), inf);
    c.source(inf, (type, _old, obj) => {
      onEvent(r, type, obj);
      return [];
    });
    return inf;
  };
  for (const r of collectedResources(resources)) watch(r);
  // Workers start once every informer has listed: an owner must not be judged on a half-built picture of its dependents.
  await c.start();
  // Kinds come and go with CustomResourceDefinitions: discovery is read again when one changes and every 30 s
  // (upstream's GC resyncs its monitors from discovery), informers started for new kinds and stopped for gone ones.
  let resyncing = false;
  const resync = async () => {
    if (resyncing) return;
    resyncing = true;
    try {
      const now = collectedResources(await client.resources());
      byKind.clear();
      for (const r of now) if (!byKind.has(`${r.gvr.group}/${r.kind}`)) byKind.set(`${r.gvr.group}/${r.kind}`, r);
      const keys = new Set(now.map((r) => gvrKey(r.gvr)));
      for (const r of now) if (!watched.has(gvrKey(r.gvr))) watch(r).start();
      for (const [k, inf] of watched)
        if (!keys.has(k)) {
          inf.stop();
          watched.delete(k);
        }
    } catch (e) {
      ctx.log.warn({ controller: 'garbage-collector', err: (e as Error).message }, 'resync of collected kinds');
    } finally {
      resyncing = false;
    }
  };
  let pending: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void resync(), 200);
  };
  const crds = new Informer(client, { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' }, { onError });
  crds.addEventHandler(() => soon());
  c.source(crds, () => []);
  crds.start();
  const timer = setInterval(() => void resync(), 30_000);
  timer.unref();
  const stop = c.stop.bind(c);
  c.stop = () => {
    clearInterval(timer);
    clearTimeout(pending);
    stop();
    for (const inf of watched.values()) inf.stop();
  };
  return c;
}
