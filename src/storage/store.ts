// The narrow datastore contract, shaped like k3s's kine backend (pkg/server/types.go) so that SQLite and etcd can both
// meet it: asynchronous, list at a revision, watch from a revision as a stream that reports compaction and closing,
// compaction itself. The watch cache (cacher/) sits above it and is what the registry reads.
import type { KObject } from '../machinery/api/meta.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  key: string;
  /** Revision of this change; for DELETED the revision of the deletion. */
  rv: number;
  /** The object at `rv` (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KObject;
  /** The state before the change (MODIFIED and DELETED) when the backend knows it (etcd's prevKV). */
  prevObject?: KObject;
}

/** Sizes the watch window charges an event with: the JSON the store wrote or read. */
export interface EventSize {
  object: number;
  prevObject?: number;
}

export interface ListResult {
  items: KObject[];
  /** The items' keys, in the same order. */
  keys: string[];
  revision: number;
  /** keys remain after the last item */
  remaining: number;
}

export interface Watcher {
  stop(): void;
}

/** What a store watch reports besides its events: compaction (the requested revision is gone) and the end of the stream. */
export interface WatchHandlers {
  /** Events in revision order; `size` estimates the bytes they hold. */
  onEvent(e: StoreEvent, size: EventSize): void;
  /** The start revision was compacted away: the watcher must re-list. The stream closes right after. */
  onCompacted?(err: CompactedError): void;
  /** The stream ended (the store is closing, or after a compaction). No more events come. */
  onClose?(): void;
}

export class KeyExistsError extends Error {
  constructor(public key: string) {
    super(`key exists: ${key}`);
  }
}
export class KeyNotFoundError extends Error {
  constructor(public key: string) {
    super(`key not found: ${key}`);
  }
}
export class RevisionConflictError extends Error {
  constructor(
    public key: string,
    public actual: number,
  ) {
    super(`revision conflict on ${key}`);
  }
}
/** The requested revision is older than the watch window: clients must re-list (410 Gone). */
export class RevisionTooOldError extends Error {
  constructor(
    public requested: number,
    public oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}
/** kine's CompactedError / etcd's ErrCompacted: the revision asked for is older than what the backend keeps. */
export class CompactedError extends Error {
  constructor(
    public requested: number,
    public compactRevision: number,
    public currentRevision: number,
  ) {
    super(`mvcc: required revision ${requested} has been compacted (compact revision ${compactRevision}, current ${currentRevision})`);
  }
}
/** etcd's ErrFutureRev: the revision asked for is newer than the store's. */
export class FutureRevisionError extends Error {
  constructor(
    public requested: number,
    public currentRevision: number,
  ) {
    super(`mvcc: required revision ${requested} is a future revision (current ${currentRevision})`);
  }
}

export interface Store {
  /** Current global revision (the resourceVersion counter). */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KObject | undefined>;
  /**
   * Objects whose key starts with prefix, in key order, after `startAfter`, at most `limit`, as of `revision`
   * (default: the current one). A revision the backend no longer holds throws CompactedError, a future one
   * FutureRevisionError.
   */
  list(prefix: string, opts?: { startAfter?: string; limit?: number; revision?: number }): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Stores a new object; sets metadata.resourceVersion. Throws KeyExistsError. */
  create(key: string, obj: KObject): Promise<KObject>;
  /** Replaces the object if its revision is still `expectedRv`. Throws RevisionConflictError / KeyNotFoundError. */
  update(key: string, obj: KObject, expectedRv: number): Promise<KObject>;
  /** Removes the object (if at `expectedRv` when given); returns it with the deletion revision. */
  delete(key: string, expectedRv?: number): Promise<KObject>;
  /**
   * Changes of keys under prefix with revision > fromRv, then live ones, until stopped or closed. A fromRv older
   * than the backend's history is reported through onCompacted, then the stream closes.
   */
  watch(prefix: string, fromRv: number, handlers: WatchHandlers): Watcher;
  /** Forgets history up to `revision` (etcd's compaction); returns the revision history now starts after. */
  compact(revision: number): Promise<number>;
  /** Ends every watch stream (onClose) and releases the backend. */
  close(): Promise<void>;
}
