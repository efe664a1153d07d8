// The client seam (controller-runtime's pkg/client, client-go's dynamic client): everything that is not the API
// server reaches objects only through this interface, keyed by group/version/resource. In-process and HTTPS
// implementations behave alike, errors included (StatusError carrying the server's metav1.Status).
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';

/** GroupVersionResource: '' is the core group. */
export interface Gvr {
  group: string;
  version: string;
  resource: string;
}

export interface ClientListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ClientList {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
}

export interface ClientWriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface ClientDeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'merge' | 'strategic' | 'json';

/** ADDED/MODIFIED/DELETED carry the object; BOOKMARK only its resourceVersion. */
export type ClientWatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KObject };

export interface ClientWatchOptions extends Omit<ClientListOptions, 'limit' | 'continue'> {
  /** Ask for BOOKMARK events (the resourceVersion moves without an object changing). */
  bookmarks?: boolean;
}

export interface WatchHandlers {
  onEvent(e: ClientWatchEvent): void;
  /**
   * The watch ended: `err` is a StatusError for a server-side end (410 Expired when the resourceVersion left the
   * window), another Error for a dropped connection, undefined when the server closed it normally. Never called
   * after stop().
   */
  onClose(err?: Error): void;
}

export interface ClientWatch {
  stop(): void;
}

export interface Client {
  /** Who this client acts as (in-process), or undefined when the credentials decide (HTTPS). */
  readonly identity?: UserInfo;
  /** GET of the object, or of a subresource that reads as an object (`scale` gives its autoscaling/v1 Scale). */
  get(gvr: Gvr, namespace: string | undefined, name: string, opts?: { subresource?: string }): Promise<KObject>;
  list(gvr: Gvr, namespace: string | undefined, opts?: ClientListOptions): Promise<ClientList>;
  /** Rejects (as get would) when the watch cannot start, e.g. 410 for a resourceVersion out of the window. */
  watch(gvr: Gvr, namespace: string | undefined, opts: ClientWatchOptions, handlers: WatchHandlers): Promise<ClientWatch>;
  create(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject>;
  /** PUT of the object, or of one of its subresources (namespaces/finalize takes the whole object, `scale` a Scale). */
  update(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions & { subresource?: string }): Promise<KObject>;
  updateStatus(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject>;
  patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: ClientWriteOptions & { subresource?: string },
  ): Promise<KObject>;
  /** Resolves once the server accepted the deletion (the object may live on while finalizers or a grace period run). */
  delete(gvr: Gvr, namespace: string | undefined, name: string, opts?: ClientDeleteOptions): Promise<void>;
  /** DELETE of the collection: every object the selectors match. */
  deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    opts?: Pick<ClientListOptions, 'labelSelector' | 'fieldSelector'> & ClientDeleteOptions,
  ): Promise<void>;
  /** Discovery: every served resource (subresources left out) in its preferred version. */
  resources(): Promise<ApiResource[]>;
  /** POST to a subresource (pods/binding, pods/eviction, serviceaccounts/token): resolves to the response body. */
  createSubresource(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KObject,
    opts?: ClientWriteOptions,
  ): Promise<KObject>;
}

/** One served resource, as discovery's APIResource describes it. */
export interface ApiResource {
  gvr: Gvr;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/** What an authorization decision is about: the apiserver's authorizer.Attributes for a resource request. */
export interface ResourceAttributes {
  verb: string;
  resourceRequest: true;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/**
 * The API server's authorization step, injected so this layer does not import the HTTP layer: throws the same
 * 403 StatusError an HTTPS request gets when `user` may not do `attrs`.
 */
export type AuthorizeFn = (user: UserInfo, attrs: ResourceAttributes) => void;

export const gvrKey = (g: Gvr) => `${g.group}/${g.version}/${g.resource}`;
export const objectKey = (o: KObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);
/** A namespaced objectKey back into its namespace and name. */
export const splitKey = (key: string): readonly [string, string] => {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)] as const;
};

/** The core and group resources the controllers use, spelled once. */
export const GVR = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  events: { group: '', version: 'v1', resource: 'events' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
} as const satisfies Record<string, Gvr>;
