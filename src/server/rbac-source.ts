// The RBAC authorizer's view of roles and bindings (upstream: the RBAC informers' listers), kept from the watch cache:
// one list and one watch on everything under rbac.authorization.k8s.io, into synchronous maps. The bindings of a
// namespace are handed out as one array until they change, so the authorizer's subject index is built once per change.
import type { KObject } from '../machinery/api/meta.js';
import type { WatchCache } from '../storage/cacher/watch-cache.js';
import type { StoreEvent, Watcher } from '../storage/store.js';
import type { BindingObject, RbacSource, RoleObject } from '../authorization/rbac/types.js';
import { RBAC_GROUP } from '../authorization/rbac/types.js';

const PREFIX = `/registry/${RBAC_GROUP}/`;
const NONE: readonly never[] = Object.freeze([]);

/** Objects by namespace ('' for cluster-scoped) and name. */
class Scoped<T extends KObject> {
  private byNs = new Map<string, Map<string, T>>();
  private lists = new Map<string, readonly T[]>();
  set(o: T): void {
    const ns = o.metadata.namespace ?? '';
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(o.metadata.name ?? '', o);
    this.lists.delete(ns);
  }
  delete(o: KObject): void {
    const ns = o.metadata.namespace ?? '';
    const m = this.byNs.get(ns);
    m?.delete(o.metadata.name ?? '');
    if (m && m.size === 0) this.byNs.delete(ns);
    this.lists.delete(ns);
  }
  get(ns: string, name: string): T | undefined {
    return this.byNs.get(ns)?.get(name);
  }
  /** The same array instance until something in `ns` changes; namespaces without objects cost no memory. */
  list(ns: string): readonly T[] {
    let l = this.lists.get(ns);
    if (l) return l;
    const m = this.byNs.get(ns);
    if (!m?.size) return NONE;
    this.lists.set(ns, (l = [...m.values()]));
    return l;
  }
}

export interface RbacCache {
  source: RbacSource;
  /** Lists and starts watching; resolves once the first list is in (before /readyz says ready). */
  start(cache: WatchCache): Promise<void>;
  stop(): void;
}

export function createRbacCache(): RbacCache {
  let roles = new Scoped<RoleObject>();
  let bindings = new Scoped<BindingObject>();
  let watcher: Watcher | undefined;
  let stopped = false;

  const kindOf = (key: string) => key.slice(PREFIX.length).split('/', 1)[0];
  const apply = (e: Pick<StoreEvent, 'type' | 'key' | 'object'>) => {
    const plural = kindOf(e.key);
    const into =
      plural === 'roles' || plural === 'clusterroles'
        ? roles
        : plural === 'rolebindings' || plural === 'clusterrolebindings'
          ? bindings
          : undefined;
    if (!into) return;
    // Roles and ClusterRoles share one map: a ClusterRole is a role of namespace ''; likewise the bindings.
    if (e.type === 'DELETED') into.delete(e.object);
    else (into as Scoped<KObject>).set(e.object);
  };

  const sync = async (cache: WatchCache): Promise<void> => {
    const { items, keys, revision } = await cache.list(PREFIX);
    roles = new Scoped();
    bindings = new Scoped();
    items.forEach((object, i) => apply({ type: 'ADDED', key: keys[i]!, object }));
    // A watch the cache ends (it re-listed the store) is started again from a fresh list.
    watcher = cache.watch(PREFIX, revision, apply, () => {
      if (!stopped) void sync(cache);
    });
  };

  return {
    source: {
      getRole: (ns, name) => (ns ? roles.get(ns, name) : undefined),
      getClusterRole: (name) => roles.get('', name),
      listRoleBindings: (ns) => (ns ? bindings.list(ns) : []),
      listClusterRoleBindings: () => bindings.list(''),
    },
    start: (cache) => sync(cache),
    stop: () => {
      stopped = true;
      watcher?.stop();
    },
  };
}
