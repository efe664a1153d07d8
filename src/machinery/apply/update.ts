// managedFields for writes that are not applies (create, update, patch): the fields the write changed
// become the writer's (operation Update) and leave every other manager (Updater.Update with force,
// wrapped by the apiserver's managedFieldsUpdater).
import type { KObject, ManagedFieldsEntry } from '../api/meta.js';
import type { SchemaLookup } from '../patch/schema.js';
import { TypeResolver } from './schema-types.js';
import { TypedWalker } from './typed-value.js';
import { decodeManagedFields, encodeManagedFields, managerId, timestamp, type ManagerSet } from './managed-fields.js';
import { filterSet, ownableTopLevel, resetPredicate, viewWithoutManagedFields } from './apply.js';

export interface UpdateInput {
  /** The stored object; absent on create. */
  old?: KObject;
  /** The object about to be stored (managedFields as the request left them). */
  updated: KObject;
  manager: string;
  schema: SchemaLookup;
  definition: string;
  apiVersion: string;
  now: string | Date;
  subresource?: string;
}

/** The managedFields to store with `updated`; undefined when there are none. */
export function recordUpdate(input: UpdateInput): ManagedFieldsEntry[] | undefined {
  const requested = input.updated.metadata?.managedFields;
  const stored = input.old?.metadata?.managedFields;
  // A client may rewrite managedFields on the main resource (kubectl's client-side → server-side apply
  // migration does); an empty list means "not sent", so clients unaware of the field cannot drop them.
  const fromRequest = !input.subresource && Array.isArray(requested) && requested.length > 0;
  const base = fromRequest ? requested : stored;

  const types = new TypeResolver(input.schema);
  const walker = new TypedWalker(types);
  const reset = resetPredicate(input.subresource);
  const cmp = walker.compare(
    viewWithoutManagedFields(input.old),
    viewWithoutManagedFields(input.updated),
    types.root(input.definition),
    ownableTopLevel(input.subresource),
  );
  const changed = filterSet(cmp.modified.union(cmp.added), reset);
  const removed = filterSet(cmp.removed, reset);
  if (changed.empty() && removed.empty()) return normalize(base);

  const managers = decodeManagedFields(base);
  const self = { manager: input.manager, operation: 'Update' as const, apiVersion: input.apiVersion, subresource: input.subresource };
  const selfId = managerId(self);
  const next = new Map<string, ManagerSet>();
  for (const [id, m] of managers) {
    const set = m.set.difference(changed).difference(removed);
    if (id === selfId) continue;
    if (!set.empty()) next.set(id, { ...m, set });
  }
  const prev = managers.get(selfId);
  const set = (prev ? prev.set.difference(removed) : changed).union(changed);
  const mine: ManagerSet = { ...self, set };
  if (!input.subresource) delete mine.subresource;
  // The time moves only when this write set something (a pure removal keeps it).
  const time = !changed.empty() ? timestamp(input.now) : prev?.time;
  if (time) mine.time = time;
  next.set(selfId, mine);
  const entries = encodeManagedFields(next.values());
  return entries.length ? entries : undefined;
}

/** Entries as stored: the request's own list goes through decode/encode, which drops empty ones (`[{}]` clears). */
function normalize(entries: ManagedFieldsEntry[] | undefined): ManagedFieldsEntry[] | undefined {
  if (!entries?.length) return undefined;
  const out = encodeManagedFields(decodeManagedFields(entries).values());
  return out.length ? out : undefined;
}
