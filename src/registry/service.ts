// The generic REST logic, shared by every kind: the apiserver's generic registry. It never names a kind;
// everything kind-specific comes from the ResourceDef's strategy and hooks.
import type { Authorizer } from '../authorization/types.js';
import { privilegedGroupAuthorizer } from '../authorization/union.js';
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  gone,
  invalid,
  notFound,
  type FieldError,
  type GroupResource,
} from '../machinery/api/errors.js';
import type { Store } from '../storage/store.js';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  RevisionTooOldError,
  type EventType,
  type StoreEvent,
  type Watcher,
} from '../storage/store.js';
import { WatchCache } from '../storage/cacher/watch-cache.js';
import { deepFreeze } from '../storage/cacher/frozen.js';
import type { WindowLimits } from '../storage/event-window.js';
import { generateNameSuffix, newUid, nowTimestamp } from './object-meta.js';
import { clone, deepEqual, specChanged, thawNested } from '../machinery/api/equality.js';
import { Registry, definitionName, listPrefix, storageKey } from './registry.js';
import {
  apiVersionOf,
  type AdmitContext,
  type KObject,
  type ResourceDef,
  type Strategy,
  type TokenReviewer,
  type UserInfo,
  type VirtualReadContext,
} from './types.js';
import { ObjectFilter } from './object-filter.js';
import { managerFromUserAgent, recordUpdate } from '../machinery/apply/index.js';
import { defaultSchemaLookup } from '../machinery/apply/default-schema.js';
import { completesDeletion, planDeletion, validateDeleteOptions, validateFinalizerUpdate } from './deletion.js';
import { checkReadRevision, expiredContinue, validateListOptions } from './list-consistency.js';
import { admitResourceQuota, type QuotaAccess, type QuotaRelease } from '../admission/resource-quota/admission.js';
import { AdmissionChain, type AdmissionAttributes, type AdmissionOperation } from '../admission/chain.js';

export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  fieldManager?: string;
  /** Warnings to send back as `Warning` headers. */
  warnings: string[];
  /** The request's User-Agent: names the manager of a write without fieldManager. */
  userAgent?: string;
  /** Server-side apply computed metadata.managedFields itself: store them as given. */
  managedFieldsComputed?: boolean;
  /** Audit annotations admission adds, for the request's audit event (the HTTP layer's object). */
  auditAnnotations?: Record<string, string>;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListPage {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Legacy: true = Orphan, false = delete dependents; may not be combined with propagationPolicy. */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type DeleteResult = { object: KObject; finished: boolean };

const MAX_RETRIES = 10;
/** The ResourceQuota admission charges quotas as the apiserver itself (its loopback client upstream). */
const QUOTA_WRITER: WriteContext = {
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  dryRun: false,
  fieldManager: 'kube-apiserver',
  warnings: [],
};
const MAX_PAGE = 2 ** 31 - 1;

export const groupResource = (def: ResourceDef): GroupResource => ({ group: def.group, resource: def.plural });

export class ResourceService {
  /** What reads are served from: the store's objects in memory, shared frozen (storage/cacher). */
  readonly cache: WatchCache;
  /** The server's authorizer: every request, in-process call and review asks this one. */
  readonly authorizer: Authorizer;
  /** Admission webhooks and policies, registered by the server (admission/chain.ts); empty until then. */
  readonly admission = new AdmissionChain();
  /** The server's token authenticators, for TokenReview (set by the server once they exist). */
  reviewToken?: TokenReviewer;

  /** @param opts.watchCache bounds of the watch cache's event window (storage/event-window.ts has the defaults) */
  constructor(
    private store: Store,
    readonly registry: Registry,
    opts: { watchCache?: Partial<WindowLimits>; authorizer?: Authorizer } = {},
  ) {
    this.cache = new WatchCache(store, opts.watchCache);
    this.authorizer = opts.authorizer ?? privilegedGroupAuthorizer;
  }

  // ---- reads (from the watch cache) ----

  revision(): number {
    return this.cache.revision();
  }

  async get(def: ResourceDef, namespace: string | undefined, name: string, resourceVersion?: string): Promise<KObject> {
    if (def.virtualRead) {
      await this.cache.ready();
      checkReadRevision({ resourceVersion }, this.cache.revision());
      const computed = await def.virtualRead.get(namespace, name, this.virtualReadContext());
      if (!computed) throw notFound(groupResource(def), name);
      return withTypeMeta(def, computed);
    }
    // The read waits until the cache is fresh; the revision it is then at is what resourceVersion is checked against.
    const obj = await this.cache.get(storageKey(def, namespace, name));
    checkReadRevision({ resourceVersion }, this.cache.revision());
    if (!obj) throw notFound(groupResource(def), name);
    return presentOne(def, obj);
  }

  async list(def: ResourceDef, namespace: string | undefined, opts: ListOptions = {}): Promise<ListPage> {
    const filter = new ObjectFilter(def, opts.labelSelector, opts.fieldSelector);
    const prefix = listPrefix(def, namespace);
    validateListOptions(opts);
    await this.cache.ready();
    checkReadRevision(opts, this.cache.revision());
    if (def.virtualRead) {
      // Computed objects have no revision and are not paged (limit/continue are ignored, as metrics-server does).
      const computed = await def.virtualRead.list(namespace, this.virtualReadContext());
      return { items: computed.map((o) => withTypeMeta(def, o)).filter((o) => filter.matches(o)), resourceVersion: '' };
    }
    const token = opts.continue ? decodeContinue(opts.continue) : undefined;
    // A continue token lists at its own revision, while the window still holds what changed since.
    let snapshot;
    try {
      snapshot = await this.cache.list(prefix, {
        startAfter: token?.start,
        revision: token ? Math.min(token.rv, this.cache.revision()) : undefined,
      });
    } catch (e) {
      if (e instanceof CompactedError && token) throw expiredContinue(encodeContinue(this.cache.revision(), token.start));
      throw e;
    }
    // Any limit of an int64 is accepted; beyond what the store can count it means "all of them".
    const limit = opts.limit && opts.limit > 0 ? Math.min(opts.limit, MAX_PAGE) : 0;
    const revision = snapshot.revision;
    const items: KObject[] = [];
    // Selectors filter the cache's objects, as the apiserver's cacher does.
    const { keys, items: stored } = snapshot;
    // A conversion webhook converts the whole list in one call, as upstream's list conversion does.
    const converted = def.storage?.converter ? await presentAll(def, stored, true) : undefined;
    for (let i = 0; i < stored.length; i++) {
      const o = converted ? converted[i]! : present(def, stored[i]!);
      if (!filter.matches(o)) continue;
      items.push(o);
      if (limit && items.length === limit) {
        if (i === stored.length - 1) break;
        const page: ListPage = { items, resourceVersion: String(revision), continue: encodeContinue(revision, keys[i]!) };
        if (filter.isEmpty()) page.remainingItemCount = stored.length - i - 1;
        return page;
      }
    }
    return { items, resourceVersion: String(revision) };
  }

  /** Stored objects of other resources, for virtual reads (metrics are computed from pods and nodes). */
  private virtualReadContext(): VirtualReadContext {
    const defOf = (group: string, plural: string) => {
      const d = this.registry.defs.find((x) => x.group === group && x.plural === plural && !x.virtualRead && !x.virtualCreate);
      if (!d) throw new Error(`no stored resource ${group}/${plural}`);
      return d;
    };
    return {
      list: async (group, plural, namespace) => {
        const d = defOf(group, plural);
        return (await this.cache.list(listPrefix(d, namespace))).items.map((o) => present(d, o));
      },
      get: async (group, plural, namespace, name) => {
        const d = defOf(group, plural);
        const o = await this.cache.get(storageKey(d, namespace, name));
        return o && present(d, o);
      },
    };
  }

  /**
   * Watch from a resourceVersion: undefined/0 first replays the current state as ADDED. Objects that
   * enter or leave the selectors are seen as ADDED / DELETED, as in Kubernetes' watch cache.
   */
  async watch(
    def: ResourceDef,
    namespace: string | undefined,
    resourceVersion: string | undefined,
    filter: ObjectFilter,
    onEvent: (type: EventType, obj: KObject) => void,
    onClose?: () => void,
  ): Promise<Watcher> {
    if (def.virtualRead) throw methodNotSupported(def, 'watch');
    const prefix = listPrefix(def, namespace);
    const deliver = (e: StoreEvent, obj: KObject, prev: KObject | undefined) => {
      const now = filter.matches(obj);
      const before = prev ? filter.matches(prev) : false;
      if (e.type === 'ADDED') {
        if (now) onEvent('ADDED', obj);
        return;
      }
      if (e.type === 'DELETED') {
        if (before) onEvent('DELETED', obj);
        return;
      }
      if (now && before) onEvent('MODIFIED', obj);
      else if (now) onEvent('ADDED', obj);
      else if (before) onEvent('DELETED', obj);
    };
    const converter = def.storage?.converter;
    let watcher: Watcher | undefined;
    let closed = false;
    // Converted events are delivered in order: each waits for the one before it. A conversion that fails ends the
    // watch, as the apiserver's watch ends on an event it cannot encode; the client watches again.
    let pending = Promise.resolve();
    const emit = !converter
      ? (e: StoreEvent) => deliver(e, present(def, e.object), e.prevObject && present(def, e.prevObject))
      : (e: StoreEvent) => {
          pending = pending.then(async () => {
            if (closed) return;
            try {
              const [obj, prev] = await presentAll(def, e.prevObject ? [e.object, e.prevObject] : [e.object]);
              if (!closed) deliver(e, obj!, prev);
            } catch {
              closed = true;
              watcher?.stop();
              onClose?.();
            }
          });
        };
    let from: number;
    if (!resourceVersion || resourceVersion === '0') {
      // The window replays whatever changed between this snapshot and the subscription.
      const snapshot = await this.cache.list(prefix);
      from = snapshot.revision;
      for (const o of converter ? await presentAll(def, snapshot.items, true) : snapshot.items.map((s) => present(def, s))) {
        if (filter.matches(o)) onEvent('ADDED', o);
      }
    } else {
      from = Number(resourceVersion);
      if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${resourceVersion}`);
    }
    try {
      watcher = this.cache.watch(prefix, from, emit, onClose);
      return watcher;
    } catch (e) {
      if (e instanceof RevisionTooOldError) throw gone(`too old resource version: ${e.requested} (${e.oldest})`);
      throw e;
    }
  }

  // ---- writes ----

  async create(def: ResourceDef, namespace: string | undefined, input: KObject, ctx: WriteContext): Promise<KObject> {
    checkTypeMeta(def, input);
    let obj = clone(input);
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
    for (const f of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) delete meta[f];
    meta.creationTimestamp = nowTimestamp();
    meta.uid = newUid();
    def.strategy.prepareForCreate?.(obj);
    def.strategy.defaults?.(obj);
    if (def.strategy.generationFields?.length) meta.generation = 1;
    else delete meta.generation;
    if (!ctx.managedFieldsComputed) setManagedFields(def, undefined, obj, ctx);
    const errs = [
      ...(def.strategy.validate?.(obj) ?? []),
      ...(def.strategy.validateCreate?.(obj) ?? []),
      ...validateFinalizerUpdate(obj, undefined),
    ];
    if (errs.length) throw invalid(def.kind, def.group, meta.name ?? meta.generateName ?? '', errs);
    ctx.warnings.push(...(def.strategy.warnings?.(obj) ?? []));
    if (def.namespaced) await this.checkNamespaceAcceptsCreates(def, meta.namespace!, meta.name!);
    if (def.virtualCreate)
      return withTypeMeta(
        def,
        await def.virtualCreate(obj, ctx.user, { authorizer: this.authorizer, reviewToken: this.reviewToken, service: this, write: ctx }),
      );
    let txn = (await def.admit?.(obj, undefined, this.admitContext(ctx))) || undefined;
    setTypeMeta(def, obj);
    let release: QuotaRelease | undefined;
    try {
      obj = await this.admitGeneric(def, this.admissionAttributes(def, 'CREATE', obj, undefined, ctx), (o) => [
        ...(def.strategy.validate?.(o) ?? []),
        ...(def.strategy.validateCreate?.(o) ?? []),
      ]);
      release = await this.admitQuota(def, 'create', obj, undefined, ctx);
      if (ctx.dryRun) {
        if (await this.cache.get(storageKey(def, meta.namespace, meta.name!))) throw alreadyExists(groupResource(def), meta.name!);
        txn?.revert();
        return obj;
      }
      const created = await this.store.create(storageKey(def, meta.namespace, meta.name!), await storedForm(def, obj));
      txn?.commit(); // stored: from here on nothing may revert it
      txn = undefined;
      return presentOne(def, created);
    } catch (e) {
      txn?.revert();
      await release?.(); // not stored: its quota charge goes back
      if (e instanceof KeyExistsError) throw alreadyExists(groupResource(def), meta.name!);
      throw e;
    }
  }

  /** Namespace lifecycle admission: no creates in a missing or terminating namespace. */
  private async checkNamespaceAcceptsCreates(def: ResourceDef, namespace: string, name: string): Promise<void> {
    const nsDef = this.registry.find('', 'v1', 'namespaces')!;
    const ns = await this.cache.get(storageKey(nsDef, undefined, namespace));
    if (!ns) throw notFound(groupResource(nsDef), namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbiddenFor(
        def,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        'NamespaceTerminating',
      );
    }
  }

  /** ResourceQuota admission, the last validating plugin: every namespaced kind's writes are charged to the quotas. */
  private async admitQuota(
    def: ResourceDef,
    operation: 'create' | 'update',
    obj: KObject,
    old: KObject | undefined,
    ctx: WriteContext,
    subresource?: string,
  ): Promise<QuotaRelease | undefined> {
    if (!def.namespaced || def.storage) return undefined;
    const quotaDef = this.registry.find('', 'v1', 'resourcequotas');
    if (!quotaDef) return undefined;
    const access: QuotaAccess = {
      quotas: async (ns) => (await this.cache.list(listPrefix(quotaDef, ns))).items.map((q) => present(quotaDef, q)),
      writeStatus: async (q) => {
        await this.update(quotaDef, q.metadata.namespace, q.metadata.name!, q, QUOTA_WRITER, 'status');
      },
    };
    const target = { group: def.group, resource: def.plural };
    return admitResourceQuota({ target, operation, subresource, obj, old, dryRun: ctx.dryRun }, access);
  }

  private admissionAttributes(
    def: ResourceDef,
    operation: AdmissionOperation,
    object: KObject | undefined,
    oldObject: KObject | undefined,
    ctx: WriteContext,
    subresource?: string,
  ): AdmissionAttributes {
    const meta = (object ?? oldObject)!.metadata;
    return {
      operation,
      kind: { group: def.group, version: def.version, kind: def.kind },
      resource: { group: def.group, version: def.version, resource: def.plural },
      subresource: subresource ?? '',
      namespace: def.namespaced ? (meta.namespace ?? '') : '',
      name: meta.name ?? '',
      object,
      oldObject,
      user: ctx.user,
      dryRun: ctx.dryRun,
      warnings: ctx.warnings,
      ...(ctx.auditAnnotations ? { auditAnnotations: ctx.auditAnnotations } : {}),
    };
  }

  /**
   * The generic admission chain (webhooks, admission policies): a mutated object is defaulted (upstream's webhook
   * dispatcher defaults what a patch made, so a container a webhook adds gets its defaults) and validated again, as
   * the apiserver validates after mutating admission. Returns the object to store.
   */
  private async admitGeneric(def: ResourceDef, attrs: AdmissionAttributes, revalidate: (obj: KObject) => FieldError[]): Promise<KObject> {
    const mutated = await this.admission.admit(attrs);
    if (mutated) {
      def.strategy.defaults?.(mutated);
      setTypeMeta(def, mutated);
      const errs = revalidate(mutated);
      if (errs.length) throw invalid(def.kind, def.group, mutated.metadata.name ?? '', errs);
    }
    const obj = mutated ?? attrs.object;
    await this.admission.validate({ ...attrs, object: obj });
    return obj!;
  }

  private admitContext(ctx: WriteContext, subresource?: string): AdmitContext {
    return {
      owner: this,
      dryRun: ctx.dryRun,
      warnings: ctx.warnings,
      subresource,
      user: ctx.user,
      authorizer: this.authorizer,
      getNamespace: async (name) => {
        const nsDef = this.registry.find('', 'v1', 'namespaces')!;
        return this.cache.get(storageKey(nsDef, undefined, name));
      },
      list: async (group, plural) => {
        const d = this.registry.defs.find((x) => x.group === group && x.plural === plural);
        return d ? (await this.cache.list(listPrefix(d))).items : [];
      },
    };
  }

  /**
   * PUT: replace the object (main resource or /status). `mutate` lets PATCH derive the new object
   * from the current one inside the optimistic-concurrency retry loop.
   */
  async update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    input: KObject | ((current: KObject) => KObject),
    ctx: WriteContext,
    subresource?: string,
  ): Promise<KObject> {
    const key = storageKey(def, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.cache.get(key);
      if (!stored) throw notFound(groupResource(def), name);
      const current = await presentOne(def, stored);
      const proposed = typeof input === 'function' ? input(clone(current)) : clone(input);
      checkTypeMeta(def, proposed);
      // Read before the strategy carries the server-owned fields over: a uid the write names must be the stored one.
      const identityErrs = immutableUid(proposed, current);
      const requestedRv = proposed.metadata?.resourceVersion;
      if (requestedRv && requestedRv !== current.metadata.resourceVersion) throw conflict(groupResource(def), name);
      const subStrategy = subresource ? def.subresourceStrategies?.[subresource] : undefined;
      let next = subStrategy
        ? subresourceUpdate(subStrategy, current, proposed)
        : subresource === 'status'
          ? statusUpdate(def, current, proposed)
          : this.mainUpdate(def, current, proposed, name, namespace);
      if (ctx.managedFieldsComputed) next.metadata.managedFields = proposed.metadata?.managedFields;
      else setManagedFields(def, current, next, ctx, subresource);
      const strategy = subStrategy ?? def.strategy;
      const errs = [
        ...identityErrs,
        ...(subresource === 'status' && !subStrategy
          ? (def.strategy.validate?.(next) ?? [])
          : [
              ...(strategy.validate?.(next) ?? []),
              ...(strategy.validateUpdate?.(next, current) ?? []),
              ...validateFinalizerUpdate(next, current),
            ]),
      ];
      if (errs.length) throw invalid(def.kind, def.group, name, errs);
      if (subresource !== 'status') ctx.warnings.push(...(def.strategy.warnings?.(next) ?? []));
      let txn = (await def.admit?.(next, current, this.admitContext(ctx, subresource))) || undefined;
      let release: QuotaRelease | undefined;
      try {
        next = await this.admitGeneric(def, this.admissionAttributes(def, 'UPDATE', next, current, ctx, subresource), (o) => [
          ...(strategy.validate?.(o) ?? []),
          ...(subresource === 'status' && !subStrategy ? [] : (strategy.validateUpdate?.(o, current) ?? [])),
        ]);
        release = await this.admitQuota(def, 'update', next, current, ctx, subresource);
      } catch (e) {
        txn?.revert();
        throw e;
      }
      setTypeMeta(def, next);
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      const finishing = completesDeletion(next, current) && !def.beginDeletion;
      const noop = deepEqual(next, current); // a no-op makes no new revision
      if (noop || ctx.dryRun) {
        txn?.revert();
        return noop ? current : next;
      }
      try {
        // The last finalizer removed from an object being deleted completes its deletion.
        if (finishing) {
          const removed = await presentOne(def, await this.store.delete(key, Number(current.metadata.resourceVersion)));
          txn?.revert();
          txn = undefined;
          def.afterDelete?.(removed, this);
          return removed;
        }
        const updated = await this.store.update(key, await storedForm(def, next), Number(current.metadata.resourceVersion));
        txn?.commit(); // stored: from here on nothing may revert it
        txn = undefined;
        return presentOne(def, updated);
      } catch (e) {
        txn?.revert();
        await release?.(); // not stored (a retried PATCH is charged again)
        if (e instanceof RevisionConflictError) {
          // A PATCH (a function of the current object) is re-evaluated; a PUT with a resourceVersion is not.
          if ((requestedRv && typeof input !== 'function') || attempt >= MAX_RETRIES) throw conflict(groupResource(def), name);
          continue;
        }
        if (e instanceof KeyNotFoundError) throw notFound(groupResource(def), name);
        throw e;
      }
    }
  }

  private mainUpdate(def: ResourceDef, current: KObject, proposed: KObject, name: string, namespace: string | undefined): KObject {
    const next = proposed;
    next.metadata = next.metadata ?? {};
    const meta = next.metadata;
    if (meta.name && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (def.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.name = name;
    if (def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    // Fields the server owns are carried over from the stored object.
    const cm = current.metadata;
    meta.uid = cm.uid;
    meta.creationTimestamp = cm.creationTimestamp;
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'] as const) {
      if (cm[f] !== undefined) meta[f] = cm[f] as never;
      else if (f !== 'generateName') delete meta[f];
    }
    if (def.statusSubresource) {
      if (current.status !== undefined) next.status = clone(current.status);
      else delete next.status;
    }
    def.strategy.prepareForUpdate?.(next, current);
    thawNested(next);
    def.strategy.defaults?.(next);
    const gen = def.strategy.generationFields;
    if (gen?.length) meta.generation = (cm.generation ?? 1) + (specChanged(next, current, gen) ? 1 : 0);
    else delete meta.generation;
    return next;
  }

  async delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<DeleteResult> {
    // Delete admission (namespace lifecycle: default, kube-system and kube-public may not be deleted) comes first.
    def.admitDelete?.(name);
    const key = storageKey(def, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.cache.get(key);
      if (!stored) throw notFound(groupResource(def), name);
      const current = await presentOne(def, stored);
      def.admitDeleteObject?.(current, ctx.user);
      await this.admitGeneric(def, this.admissionAttributes(def, 'DELETE', undefined, current, ctx), () => []);
      const rv = Number(current.metadata.resourceVersion);
      // What happens (remove now, mark and keep, or nothing) is decided in deletion.ts; here it is only written.
      const plan = planDeletion(def, current, opts);
      try {
        if (plan.action === 'pending') return { object: current, finished: false };
        if (plan.action === 'mark') {
          if (deepEqual(plan.object, current) || ctx.dryRun) return { object: plan.object, finished: false };
          return { object: await presentOne(def, await this.store.update(key, await storedForm(def, plan.object), rv)), finished: false };
        }
        if (ctx.dryRun) return { object: plan.object, finished: true };
        const removed = await presentOne(def, await this.store.delete(key, rv));
        def.afterDelete?.(removed, this);
        // A graceful deletion that ran out at once answers with its marked state, as the apiserver's update-then-delete does.
        if (plan.object !== current)
          return {
            object: { ...plan.object, metadata: { ...plan.object.metadata, resourceVersion: removed.metadata.resourceVersion } },
            finished: true,
          };
        return { object: removed, finished: true };
      } catch (e) {
        if (e instanceof RevisionConflictError && attempt < MAX_RETRIES) continue;
        if (e instanceof KeyNotFoundError) throw notFound(groupResource(def), name);
        throw e;
      }
    }
  }

  async deleteCollection(
    def: ResourceDef,
    namespace: string | undefined,
    listOpts: ListOptions,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<KObject[]> {
    validateDeleteOptions(opts); // even when nothing matches
    const { items } = await this.list(def, namespace, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
    // Admission refuses the whole collection before any of it is deleted.
    for (const o of items) {
      def.admitDelete?.(o.metadata.name!);
      def.admitDeleteObject?.(o, ctx.user);
    }
    const deleted: KObject[] = [];
    for (const o of items) {
      try {
        deleted.push((await this.delete(def, o.metadata.namespace, o.metadata.name!, opts, ctx)).object);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return deleted;
  }
}

/**
 * metadata.managedFields of a create/update/patch (the fieldmanager's Update): what the write changed
 * becomes the writer's. Deep equality then still sees a write that changes nothing as a no-op.
 */
function setManagedFields(def: ResourceDef, old: KObject | undefined, next: KObject, ctx: WriteContext, subresource?: string): void {
  const entries = recordUpdate({
    old,
    updated: next,
    manager: managerFromUserAgent(ctx.fieldManager, ctx.userAgent),
    schema: defaultSchemaLookup,
    definition: definitionName(def.group, def.version, def.kind),
    apiVersion: apiVersionOf(def),
    now: nowTimestamp(),
    subresource,
  });
  if (entries) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
}

/**
 * ValidateObjectMetaUpdate's metadata.uid rule: rest.BeforeUpdate fills an empty uid from the stored object, any
 * other value must be the stored one.
 */
function immutableUid(proposed: KObject, current: KObject): FieldError[] {
  const uid = (proposed.metadata as { uid?: unknown } | null | undefined)?.uid;
  if (uid === undefined || uid === null || uid === '' || uid === current.metadata.uid) return [];
  return [{ type: 'FieldValueInvalid', field: 'metadata.uid', value: uid, detail: 'field is immutable' }];
}

/** A subresource with its own strategy (namespaces/finalize): the strategy decides what the write may change. */
function subresourceUpdate(strategy: Strategy, current: KObject, proposed: KObject): KObject {
  const next = clone(proposed);
  next.metadata = clone(current.metadata);
  if (strategy.keepsRequestLabels) {
    for (const f of ['labels', 'annotations'] as const) {
      if (proposed.metadata?.[f] !== undefined) next.metadata[f] = clone(proposed.metadata[f]);
      else delete next.metadata[f];
    }
  }
  strategy.prepareForUpdate?.(next, current);
  thawNested(next);
  return next;
}

/**
 * /status: everything but status (and the request's labels and annotations, unless the kind resets them) comes from
 * the stored object, as upstream's status strategies put the spec back.
 */
function statusUpdate(def: ResourceDef, current: KObject, proposed: KObject): KObject {
  const next = clone(current);
  if (proposed.status !== undefined) next.status = clone(proposed.status);
  else delete next.status;
  for (const f of ['labels', 'annotations'] as const) {
    if (def.statusResetsMetadata?.includes(f)) continue;
    if (proposed.metadata?.[f] !== undefined) next.metadata[f] = clone(proposed.metadata[f]);
    else delete next.metadata[f];
  }
  return next;
}

export function setTypeMeta(def: ResourceDef, obj: KObject): void {
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
}

/** What each resource served of a cached (frozen, immutable) object: computed once, frozen and shared as well. */
const presented = new WeakMap<ResourceDef, WeakMap<KObject, KObject>>();

/** A stored object as this resource serves it: converted from the storage form, type meta first. */
export function present(def: ResourceDef, stored: KObject): KObject {
  if (!Object.isFrozen(stored)) return withTypeMeta(def, def.storage ? def.storage.fromStorage(stored) : stored);
  let forDef = presented.get(def);
  if (!forDef) presented.set(def, (forDef = new WeakMap()));
  let served = forDef.get(stored);
  if (!served) forDef.set(stored, (served = deepFreeze(withTypeMeta(def, def.storage ? def.storage.fromStorage(stored) : stored))));
  return served;
}

/** The form an object of this resource is stored in (another version's, for resources that share storage). */
function toStorage(def: ResourceDef, obj: KObject): KObject {
  return def.storage ? def.storage.toStorage(obj) : obj;
}

/** Stored objects as this resource serves them, through its storage converter (a conversion webhook) if it has one. */
async function presentAll(def: ResourceDef, stored: readonly KObject[], list = false): Promise<KObject[]> {
  const converter = def.storage?.converter;
  return (converter ? await converter.toServed(stored, list) : stored).map((o) => present(def, o));
}

async function presentOne(def: ResourceDef, stored: KObject): Promise<KObject> {
  return def.storage?.converter ? (await presentAll(def, [stored]))[0]! : present(def, stored);
}

/** toStorage after the storage converter, when the resource has one. */
async function storedForm(def: ResourceDef, obj: KObject): Promise<KObject> {
  const converter = def.storage?.converter;
  return toStorage(def, converter ? await converter.toStored(obj) : obj);
}

/** Objects are served with apiVersion and kind first, as the apiserver encodes them. */
export function withTypeMeta(def: ResourceDef, obj: KObject): KObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { kind: def.kind, apiVersion: apiVersionOf(def), ...rest } as KObject;
}

/** A body whose kind does not match the URL is a 400, as in Kubernetes. */
function checkTypeMeta(def: ResourceDef, obj: KObject): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request is not a JSON object');
  if (obj.kind && obj.kind !== def.kind) {
    throw badRequest(`the kind "${obj.kind}" of the request body does not match the kind "${def.kind}" of the URL`);
  }
  if (obj.apiVersion && obj.apiVersion !== apiVersionOf(def)) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`);
  }
}

/** errors.NewMethodNotSupported: a verb the resource's storage does not implement. */
export function methodNotSupported(def: ResourceDef, verb: string): StatusError {
  const gr = def.group ? `${def.plural}.${def.group}` : def.plural;
  return new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${gr}"`, {
    ...(def.group ? { group: def.group } : {}),
    kind: def.plural,
  });
}

function forbiddenFor(def: ResourceDef, name: string, why: string, causeType: string): StatusError {
  const gr = def.group ? `${def.plural}.${def.group}` : def.plural;
  const details = { name, kind: def.plural, ...(def.group ? { group: def.group } : {}), causes: [{ reason: causeType, message: why }] };
  return forbidden(`${gr} "${name}" is forbidden: ${why}`, details);
}

// Continue tokens carry the list revision and the last key, like the apiserver's (base64 JSON).
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
