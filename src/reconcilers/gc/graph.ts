// The garbage collector's picture of ownership: uid → object and owner uid → dependent uids, kept from watch
// events only (rebuilt from the store on start), so finding an owner's dependents never scans the store.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import type { ApiResource } from '../../client/types.js';

/** The resource a node is of, as discovery describes it (how to address it; whether it is namespaced). */
export type GraphResource = Pick<ApiResource, 'namespaced'> & Partial<ApiResource>;

export interface GraphNode {
  uid: string;
  def: GraphResource;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  deletionTimestamp?: string;
  finalizers: string[];
}

export interface UpsertResult {
  node: GraphNode;
  previous?: GraphNode;
  /** Owner uids whose reference from this node appeared, vanished or changed. */
  touchedOwners: string[];
}

const refKey = (r: OwnerReference) =>
  `${r.uid}|${r.apiVersion}|${r.kind}|${r.name}|${r.blockOwnerDeletion === true}|${r.controller === true}`;

export class OwnershipGraph {
  readonly nodes = new Map<string, GraphNode>();
  /** Owner uid → uids of objects that name it, whether or not the owner is (still) known. */
  private dependents = new Map<string, Set<string>>();

  upsert(def: GraphResource, obj: KObject): UpsertResult {
    const m = obj.metadata;
    const node: GraphNode = {
      uid: m.uid!,
      def,
      namespace: def.namespaced ? m.namespace : undefined,
      name: m.name!,
      owners: Array.isArray(m.ownerReferences) ? m.ownerReferences.filter((r) => r && r.uid) : [],
      deletionTimestamp: m.deletionTimestamp,
      finalizers: m.finalizers ?? [],
    };
    const previous = this.nodes.get(node.uid);
    this.nodes.set(node.uid, node);
    const before = new Map((previous?.owners ?? []).map((r) => [r.uid, refKey(r)]));
    const after = new Map(node.owners.map((r) => [r.uid, refKey(r)]));
    const touched: string[] = [];
    for (const [uid, k] of after) if (before.get(uid) !== k) touched.push(uid);
    for (const uid of before.keys())
      if (!after.has(uid)) {
        touched.push(uid);
        this.unlink(uid, node.uid);
      }
    for (const uid of after.keys()) this.link(uid, node.uid);
    return { node, previous, touchedOwners: touched };
  }

  /** Forgets a deleted object; its dependents keep naming it (they are now dangling). */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    for (const r of node.owners) this.unlink(r.uid, uid);
    return node;
  }

  /** Uids of every object that names `ownerUid`, known or not. */
  dependentUids(ownerUid: string): string[] {
    return [...(this.dependents.get(ownerUid) ?? [])];
  }

  /**
   * Known objects whose reference resolves to `owner`: a namespaced owner only owns objects of its own namespace,
   * a cluster-scoped owner may own objects anywhere.
   */
  dependentsOf(owner: GraphNode): { node: GraphNode; ref: OwnerReference }[] {
    const out: { node: GraphNode; ref: OwnerReference }[] = [];
    for (const uid of this.dependents.get(owner.uid) ?? []) {
      const node = this.nodes.get(uid);
      if (!node) continue;
      if (owner.def.namespaced && node.namespace !== owner.namespace) continue;
      const ref = node.owners.find((r) => r.uid === owner.uid);
      if (ref) out.push({ node, ref });
    }
    return out;
  }

  private link(owner: string, dependent: string): void {
    let set = this.dependents.get(owner);
    if (!set) this.dependents.set(owner, (set = new Set()));
    set.add(dependent);
  }

  private unlink(owner: string, dependent: string): void {
    const set = this.dependents.get(owner);
    if (!set) return;
    set.delete(dependent);
    if (!set.size) this.dependents.delete(owner);
  }
}

export const isDeletingDependents = (n: GraphNode) => !!n.deletionTimestamp && n.finalizers.includes('foregroundDeletion');
