// The in-process client: direct calls into the registry's ResourceService, but as a named component identity that
// passes the same authorizer an HTTPS request passes (injected: this layer does not import the HTTP layer), so
// RBAC can later bound each component to its role without the component noticing how it is wired.
import { StatusError, genericNotFound } from '../machinery/api/errors.js';
import { ObjectFilter } from '../registry/object-filter.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import { definitionName } from '../registry/registry.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { ResourceDef } from '../registry/types.js';
import { applyPatch, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH } from '../machinery/patch/index.js';
import { defaultSchemaLookup } from '../machinery/apply/default-schema.js';
import { createSubresource } from '../registry/subresources/index.js';
import { applyScale, getScale } from '../registry/subresources/scale.js';
import type {
  ApiResource,
  AuthorizeFn,
  Client,
  ClientDeleteOptions,
  ClientList,
  ClientListOptions,
  ClientWatch,
  ClientWatchOptions,
  ClientWriteOptions,
  Gvr,
  PatchType,
  ResourceAttributes,
  WatchHandlers,
} from './types.js';
import { nameFromFieldSelector } from '../authorization/request-name.js';

export interface InProcessClientOptions {
  service: ResourceService;
  user: UserInfo;
  authorize: AuthorizeFn;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const PATCH_MEDIA: Record<PatchType, string> = { merge: MERGE_PATCH, strategic: STRATEGIC_MERGE_PATCH, json: JSON_PATCH };

export class InProcessClient implements Client {
  readonly identity: UserInfo;
  private service: ResourceService;
  private authorizeFn: AuthorizeFn;

  constructor(o: InProcessClientOptions) {
    this.service = o.service;
    this.identity = o.user;
    this.authorizeFn = o.authorize;
  }

  /** The same client as another component (e.g. one client per node for `system:node:<name>`). */
  as(user: UserInfo): InProcessClient {
    return new InProcessClient({ service: this.service, user, authorize: this.authorizeFn });
  }

  private def(gvr: Gvr): ResourceDef {
    const d = this.service.registry.find(gvr.group, gvr.version, gvr.resource);
    if (!d) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return d;
  }

  /** Resolves the resource and authorizes the verb, as the HTTP layer does before it reaches the registry. */
  private check(
    gvr: Gvr,
    verb: string,
    namespace: string | undefined,
    name?: string,
    subresource?: string,
    fieldSelector?: string,
  ): ResourceDef {
    const def = this.def(gvr);
    const attrs: ResourceAttributes = {
      verb,
      resourceRequest: true,
      apiGroup: gvr.group,
      apiVersion: gvr.version,
      resource: gvr.resource,
      ...(subresource ? { subresource } : {}),
      // RequestInfo's rule, as over HTTP: a request about one namespace object is in that namespace.
      ...(namespace ? { namespace } : gvr.group === '' && gvr.resource === 'namespaces' && name ? { namespace: name } : {}),
      ...(name ? { name } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
    this.authorizeFn(this.identity, attrs);
    return def;
  }

  private ctx(opts: ClientWriteOptions = {}): WriteContext {
    return { user: this.identity, dryRun: !!opts.dryRun, fieldManager: opts.fieldManager ?? fieldManagerOf(this.identity), warnings: [] };
  }

  async get(gvr: Gvr, namespace: string | undefined, name: string, opts: { subresource?: string } = {}): Promise<KObject> {
    const def = this.check(gvr, 'get', namespace, name, opts.subresource);
    const obj = await this.service.get(def, namespace, name);
    if (opts.subresource === 'scale') return getScale(this.scalable(def), obj);
    if (opts.subresource && !(opts.subresource === 'status' && def.statusSubresource)) throw genericNotFound();
    return obj;
  }

  /** The resource's /scale, or the 404 a resource without one answers. */
  private scalable(def: ResourceDef): ResourceDef {
    if (!def.scale) throw genericNotFound();
    return def;
  }

  async list(gvr: Gvr, namespace: string | undefined, opts: ClientListOptions = {}): Promise<ClientList> {
    // A list by metadata.name is about that object (RequestInfo), as over HTTP.
    const page = await this.service.list(
      this.check(gvr, 'list', namespace, nameFromFieldSelector(opts.fieldSelector), undefined, opts.fieldSelector),
      namespace,
      opts,
    );
    return { items: page.items, resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) };
  }

  async watch(gvr: Gvr, namespace: string | undefined, opts: ClientWatchOptions, h: WatchHandlers): Promise<ClientWatch> {
    const def = this.check(gvr, 'watch', namespace, nameFromFieldSelector(opts.fieldSelector), undefined, opts.fieldSelector);
    const filter = new ObjectFilter(def, opts.labelSelector, opts.fieldSelector);
    // In process the watch never falls behind; the watch cache still ends it when its state is replaced (a compaction
    // it had to list again after): then the caller watches again, from where it was or, 410, by listing.
    let stopped = false;
    const w = await this.service.watch(
      def,
      namespace,
      opts.resourceVersion,
      filter,
      (type, object) => {
        if (!stopped) h.onEvent({ type, object });
      },
      () => {
        if (!stopped) {
          stopped = true;
          h.onClose();
        }
      },
    );
    return {
      stop: () => {
        stopped = true;
        w.stop();
      },
    };
  }

  async create(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject> {
    return this.service.create(this.check(gvr, 'create', namespace), namespace, obj, this.ctx(opts));
  }

  async update(
    gvr: Gvr,
    namespace: string | undefined,
    obj: KObject,
    opts: ClientWriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    const name = obj.metadata.name!;
    if (opts.subresource === 'scale') {
      // As the HTTP handler does: the Scale's replicas written into the object, answered as its Scale.
      const def = this.scalable(this.check(gvr, 'update', namespace, name, 'scale'));
      const updated = await this.service.update(def, namespace, name, (cur) => applyScale(def, cur, obj), this.ctx(opts));
      return getScale(def, updated);
    }
    return this.service.update(
      this.check(gvr, 'update', namespace, name, opts.subresource),
      namespace,
      name,
      obj,
      this.ctx(opts),
      opts.subresource,
    );
  }

  async updateStatus(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject> {
    const name = obj.metadata.name!;
    return this.service.update(this.check(gvr, 'update', namespace, name, 'status'), namespace, name, obj, this.ctx(opts), 'status');
  }

  async patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: ClientWriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    const def = this.check(gvr, 'patch', namespace, name, opts.subresource);
    const body = JSON.stringify(patch);
    const schemaCtx = { schema: defaultSchemaLookup, definition: definitionName(def.group, def.version, def.kind) };
    return this.service.update(
      def,
      namespace,
      name,
      (cur) => applyPatch(PATCH_MEDIA[type], cur, body, schemaCtx) as KObject,
      this.ctx(opts),
      opts.subresource,
    );
  }

  async delete(gvr: Gvr, namespace: string | undefined, name: string, opts: ClientDeleteOptions = {}): Promise<void> {
    await this.service.delete(this.check(gvr, 'delete', namespace, name), namespace, name, opts, this.ctx());
  }

  async deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    opts: Pick<ClientListOptions, 'labelSelector' | 'fieldSelector'> & ClientDeleteOptions = {},
  ): Promise<void> {
    const { labelSelector, fieldSelector, ...del } = opts;
    await this.service.deleteCollection(
      this.check(gvr, 'deletecollection', namespace),
      namespace,
      { labelSelector, fieldSelector },
      del,
      this.ctx(),
    );
  }

  /** Discovery needs no authorization beyond being authenticated, as /api and /apis. */
  async resources(): Promise<ApiResource[]> {
    // Each group in its preferred version (the first it is served in), as an HTTPS client's discovery reads it.
    const preferred = new Map<string, string>();
    for (const gv of this.service.registry.groupVersions()) if (!preferred.has(gv.group)) preferred.set(gv.group, gv.version);
    return this.service.registry.defs
      .filter((d) => preferred.get(d.group) === d.version)
      .map((d) => ({
        gvr: { group: d.group, version: d.version, resource: d.plural },
        kind: d.kind,
        namespaced: d.namespaced,
        verbs: [...(d.verbs ?? ALL_VERBS)],
      }));
  }

  async createSubresource(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KObject,
    opts?: ClientWriteOptions,
  ): Promise<KObject> {
    const def = this.check(gvr, 'create', namespace, name, subresource);
    // As the resource's definition serves it (binding, eviction, token), the HTTP handler's path after decoding.
    const write = this.ctx(opts);
    return createSubresource(
      { def, service: this.service, write, dryRun: write.dryRun ? ['All'] : [] },
      namespace,
      name,
      subresource,
      body,
    );
  }
}

/** `system:kube-scheduler` writes as field manager `kube-scheduler`, as the component's user agent names it. */
function fieldManagerOf(user: UserInfo): string {
  return user.name.replace(/^system:/, '');
}
