// Server-side apply (structured-merge-diff's Updater.Apply, wrapped as the apiserver's fieldmanager wraps it):
// merge the applied configuration into the live object, prune what this manager applied before and nobody
// owns any more, and move ownership, refusing to silently change fields other managers own.
import type { KObject } from '../api/meta.js';
import type { SchemaLookup } from '../patch/schema.js';
import { FieldSet, type Path } from './field-set.js';
import { TypeResolver } from './schema-types.js';
import { TypedWalker } from './typed-value.js';
import { decodeManagedFields, encodeManagedFields, ignoredPath, managerId, timestamp, type ManagerSet } from './managed-fields.js';
import { conflictError, type Conflict } from './conflict.js';
import { parseJSONLikeGo } from '../patch/go-json.js';
import { clone } from '../api/equality.js';

export interface ApplyInput {
  /** The stored object; absent when the apply creates it. */
  live?: KObject;
  /** The applied configuration (the request body). */
  applied: KObject;
  manager: string;
  force: boolean;
  schema: SchemaLookup;
  /** OpenAPI definition of the kind, e.g. io.k8s.api.apps.v1.Deployment. */
  definition: string;
  /** apiVersion the request was made in, recorded in the entry (apps/v1). */
  apiVersion: string;
  now: string | Date;
  subresource?: string;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
type Obj = Record<string, unknown>;

/** What the field manager works on: the object without its managedFields. */
export function withoutManagedFields(o: KObject | undefined): Obj {
  if (!o) return {};
  if (!o.metadata) return clone(o);
  // managedFields (often the largest part of a live object) are left out before copying, not after.
  const { managedFields: _, ...metadata } = o.metadata;
  return clone({ ...o, metadata });
}

/** The object without its managedFields, sharing everything else: for reading only (comparing). */
export function viewWithoutManagedFields(o: KObject | undefined): Obj {
  if (!o) return {};
  if (!o.metadata) return o;
  const { managedFields: _, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/**
 * Fields a write on this (sub)resource never owns: status on the main resource (the strategies reset it),
 * everything but status on /status, and the server-set metadata.
 */
export function resetPredicate(subresource: string | undefined): (p: Path) => boolean {
  if (subresource === 'status') return (p) => ignoredPath(p, []) || p[0] !== 'f:status';
  return (p) => ignoredPath(p, ['status']);
}

export const filterSet = (s: FieldSet, drop: (p: Path) => boolean) => s.filter((p) => !drop(p));

/** The top-level fields a write on this (sub)resource can own, the only ones compared (see resetPredicate). */
export function ownableTopLevel(subresource: string | undefined): (field: string) => boolean {
  return subresource === 'status' ? (f) => f === 'status' : (f) => f !== 'status';
}

/** Whether `set`, with named (struct) fields counting as members when anything below them is (EnsureNamedFieldsAreMembers), has `p`. */
const covers = (set: FieldSet, key: string, named: boolean) => set.hasKey(key) || (named && set.hasDescendantOfKey(key));

export function applyServerSide(input: ApplyInput): KObject {
  const types = new TypeResolver(input.schema);
  const walker = new TypedWalker(types);
  const root = types.root(input.definition);
  const reset = resetPredicate(input.subresource);
  const live = withoutManagedFields(input.live);
  const applied = withoutManagedFields(input.applied);

  const managers = decodeManagedFields(input.live?.metadata?.managedFields);
  const selfKey = { manager: input.manager, operation: 'Apply' as const, apiVersion: input.apiVersion, subresource: input.subresource };
  const selfId = managerId(selfKey);
  const previous = managers.get(selfId);

  // The configuration's own field set (with the server-set paths, so that metadata stays owned while pruning).
  const configSet = walker.fieldSet(applied, root);
  const merged = walker.merge(live, applied, root) as Obj;

  // Prune: what this manager applied last time, no longer applies, and nobody else owns.
  let result = merged;
  if (previous && !previous.set.empty()) {
    // Owned by the configuration or another manager: `covers` holds for some set exactly when it holds for their
    // union, built once (asking each manager's set for each path was managers x paths: 8,000 of each took 3.6 s).
    const owned = FieldSet.unionOf([configSet, ...[...managers.entries()].filter(([id]) => id !== selfId).map(([, m]) => m.set)]);
    const last = previous.set;
    result = walker.removeItems(
      merged,
      root,
      (_, named, key) => covers(last, key, named) && !covers(owned, key, named),
      // Only where the last applied set has members below can anything be removed.
      (key) => last.hasDescendantOfKey(key),
    );
  }

  const outcome = (force: boolean) => moveOwnership(walker, root, live, result, managers, selfId, force, reset, input.subresource);
  let change: ReturnType<typeof moveOwnership>;
  try {
    change = outcome(input.force);
  } catch (e) {
    // kubectl's own manager may take over fields it set with client-side apply (lastappliedmanager.go).
    if (
      !(e instanceof ApplyConflicts) ||
      input.manager !== 'kubectl' ||
      !conflictsAllowedByLastApplied(walker, root, live, e.conflicts, input.apiVersion)
    ) {
      throw e instanceof ApplyConflicts ? conflictError(e.conflicts) : e;
    }
    change = outcome(true);
  }

  const changed = !change.compareEmpty;
  const self: ManagerSet = { ...selfKey, set: filterSet(configSet, reset) };
  const time = changed || !previous?.time ? timestamp(input.now) : previous.time;
  if (time) self.time = time;
  if (!input.subresource) delete self.subresource;
  change.managers.set(selfId, self);

  const out = result as KObject;
  out.metadata = (out.metadata ?? {}) as KObject['metadata'];
  const entries = encodeManagedFields(change.managers.values());
  if (entries.length) out.metadata.managedFields = entries;
  else delete out.metadata.managedFields;
  syncLastApplied(out, input);
  return out;
}

class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super('conflicts');
  }
}

/** Updater.update: other managers lose what changed (a conflict unless forced) and what was removed. */
function moveOwnership(
  walker: TypedWalker,
  root: ReturnType<TypeResolver['root']>,
  from: Obj,
  to: Obj,
  managers: Map<string, ManagerSet>,
  selfId: string,
  force: boolean,
  reset: (p: Path) => boolean,
  subresource: string | undefined,
) {
  const cmp = walker.compare(from, to, root, ownableTopLevel(subresource));
  const changed = filterSet(cmp.modified.union(cmp.added), reset);
  const removed = filterSet(cmp.removed, reset);
  const conflicts: Conflict[] = [];
  const next = new Map<string, ManagerSet>();
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const clash = m.set.intersection(changed);
    for (const p of clash.list()) conflicts.push({ manager: m, path: p });
    const set = m.set.difference(clash).difference(removed);
    if (!set.empty()) next.set(id, { ...m, set });
  }
  if (conflicts.length && !force) throw new ApplyConflicts(conflicts);
  return { managers: next, compareEmpty: changed.empty() && removed.empty() };
}

/** Conflicts only on fields the last-applied annotation set to their live values may be taken over. */
function conflictsAllowedByLastApplied(
  walker: TypedWalker,
  root: ReturnType<TypeResolver['root']>,
  live: Obj,
  conflicts: Conflict[],
  apiVersion: string,
): boolean {
  const raw = (live.metadata as KObject['metadata'] | undefined)?.annotations?.[LAST_APPLIED];
  if (!raw) return false;
  // The annotation is a string, so it may nest deeper than any body: unreadable beyond the decoders' bound.
  let last: Obj;
  try {
    last = parseJSONLikeGo(raw) as Obj;
  } catch {
    return false;
  }
  if (!last || typeof last !== 'object' || last.apiVersion !== apiVersion) return false;
  const cmp = walker.compare(last, live, root);
  const allowed = walker.fieldSet(last, root).difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
  return conflicts.every((c) => allowed.has(c.path));
}

/** kubectl's manager keeps an existing last-applied annotation in step with what it applies (lastappliedupdater.go). */
function syncLastApplied(out: KObject, input: ApplyInput): void {
  if (input.manager !== 'kubectl' || !out.metadata.annotations?.[LAST_APPLIED]) return;
  const cfg = withoutManagedFields(input.applied) as KObject;
  if (cfg.metadata?.annotations) {
    delete cfg.metadata.annotations[LAST_APPLIED];
    if (!Object.keys(cfg.metadata.annotations).length) delete cfg.metadata.annotations;
  }
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [LAST_APPLIED]: JSON.stringify(cfg) };
}
