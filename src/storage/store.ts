// The narrow datastore contract (after k3s's kine): everything above it is store-agnostic,
// so an etcd-backed store can be dropped in later.
import type { KObject } from '../machinery/api/meta.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  key: string;
  /** Revision of this change; for DELETED the revision of the deletion. */
  rv: number;
  object: KObject;
  /** The state before the change (MODIFIED and DELETED), for selector transitions. */
  prevObject?: KObject;
}

export interface ListResult { items: KObject[]; revision: number; /** keys remain after the last item */ remaining: number }

export interface Watcher { stop(): void }

export class KeyExistsError extends Error { constructor(public key: string) { super(`key exists: ${key}`); } }
export class KeyNotFoundError extends Error { constructor(public key: string) { super(`key not found: ${key}`); } }
export class RevisionConflictError extends Error { constructor(public key: string, public actual: number) { super(`revision conflict on ${key}`); } }
/** The requested revision is older than the watch window: clients must re-list (410 Gone). */
export class RevisionTooOldError extends Error { constructor(public requested: number, public oldest: number) { super(`too old resource version: ${requested} (${oldest})`); } }

export interface Store {
  /** Current global revision (the resourceVersion counter). */
  revision(): number;
  get(key: string): Promise<KObject | undefined>;
  /** Objects whose key starts with prefix, in key order, after `startAfter`, at most `limit`. */
  list(prefix: string, opts?: { startAfter?: string; limit?: number }): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Stores a new object; sets metadata.resourceVersion. Throws KeyExistsError. */
  create(key: string, obj: KObject): Promise<KObject>;
  /** Replaces the object if its revision is still `expectedRv`. Throws RevisionConflictError / KeyNotFoundError. */
  update(key: string, obj: KObject, expectedRv: number): Promise<KObject>;
  /** Removes the object (if at `expectedRv` when given); returns it with the deletion revision. */
  delete(key: string, expectedRv?: number): Promise<KObject>;
  /** Events for keys under prefix with revision > fromRv, then live ones. Throws RevisionTooOldError. */
  watch(prefix: string, fromRv: number, onEvent: (e: StoreEvent) => void): Watcher;
  /** Oldest revision from which a watch can still resume. */
  oldestWatchableRevision(): number;
  close(): Promise<void>;
}
