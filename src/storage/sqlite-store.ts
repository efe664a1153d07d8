// Embedded default store: one SQLite file (WAL). A write is acknowledged only after its transaction commits.
import Database from 'better-sqlite3';
import type { KObject } from '../machinery/api/meta.js';
import type { ValueTransformer } from './encryption.js';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  type EventSize,
  type ListResult,
  type Store,
  type StoreEvent,
  type WatchHandlers,
  type Watcher,
} from './store.js';

/** A write's event and the size estimates a watch window charges it with. */
interface Written {
  event: StoreEvent;
  size: EventSize;
}

interface Stream {
  prefix: string;
  handlers: WatchHandlers;
}

/**
 * SQLite keeps only the latest state of each key (no history, unlike kine's SQL log): a list or watch can start only
 * at the current revision, and older ones are refused as compacted. The watch cache above it keeps recent history.
 */
export class SqliteStore implements Store {
  private db: Database.Database;
  private rev: number;
  private streams = new Set<Stream>();
  private stmts: ReturnType<SqliteStore['prepare']>;

  /**
   * @param transformers values under these key prefixes are transformed (encrypted) on the way to disk
   */
  constructor(
    file: string,
    private transformers: { prefix: string; transformer: ValueTransformer }[] = [],
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before we answer, so not even a power cut loses an acknowledged write.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, rv INTEGER NOT NULL, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 1);
    `);
    this.stmts = this.prepare();
    this.rev = (this.stmts.getRev.get() as { value: number }).value;
  }

  private prepare() {
    const d = this.db;
    return {
      getRev: d.prepare(`SELECT value FROM meta WHERE name = 'revision'`),
      setRev: d.prepare(`UPDATE meta SET value = ? WHERE name = 'revision'`),
      get: d.prepare(`SELECT rv, value FROM objects WHERE key = ?`),
      insert: d.prepare(`INSERT INTO objects (key, rv, value) VALUES (?, ?, ?)`),
      update: d.prepare(`UPDATE objects SET rv = ?, value = ? WHERE key = ?`),
      del: d.prepare(`DELETE FROM objects WHERE key = ?`),
      // Prefix ranges use [prefix, prefix + U+FFFF) so the primary-key index serves them.
      list: d.prepare(`SELECT key, value FROM objects WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?`),
      count: d.prepare(`SELECT count(*) AS n FROM objects WHERE key >= ? AND key < ? AND key > ?`),
    };
  }

  private transformerFor(key: string): ValueTransformer | undefined {
    return this.transformers.find((t) => key.startsWith(t.prefix))?.transformer;
  }

  private encode(key: string, obj: KObject): string {
    const json = JSON.stringify(obj);
    return this.transformerFor(key)?.toStorage(json) ?? json;
  }

  private decode(key: string, value: string): KObject {
    const t = this.transformerFor(key);
    return JSON.parse(t ? t.fromStorage(value) : value);
  }

  /** The current revision, synchronously (SQLite answers at once). */
  revision(): number {
    return this.rev;
  }
  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async get(key: string): Promise<KObject | undefined> {
    const row = this.stmts.get.get(key) as { value: string } | undefined;
    return row ? this.decode(key, row.value) : undefined;
  }

  async list(prefix: string, opts: { startAfter?: string; limit?: number; revision?: number } = {}): Promise<ListResult> {
    this.checkRevision(opts.revision);
    const end = prefix + '\uffff';
    const after = opts.startAfter ?? '';
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = this.stmts.list.all(prefix, end, after, limit) as { key: string; value: string }[];
    const items = rows.map((r) => this.decode(r.key, r.value));
    let remaining = 0;
    if (limit > 0 && items.length === limit) {
      const lastKey = this.keyOfLast(prefix, after, limit);
      remaining = (this.stmts.count.get(prefix, end, lastKey) as { n: number }).n;
    }
    return { items, keys: rows.map((r) => r.key), revision: this.rev, remaining };
  }

  /** Only the current revision is held: an older one is compacted, a newer one in the future. */
  private checkRevision(revision: number | undefined): void {
    if (revision === undefined || revision === this.rev) return;
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    throw new CompactedError(revision, this.rev, this.rev);
  }

  private keyOfLast(prefix: string, after: string, limit: number): string {
    const row = this.db
      .prepare(`SELECT key FROM objects WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT 1 OFFSET ?`)
      .get(prefix, prefix + '\uffff', after, limit - 1) as { key: string };
    return row.key;
  }

  async count(prefix: string): Promise<number> {
    return (this.stmts.count.get(prefix, prefix + '\uffff', '') as { n: number }).n;
  }

  /** Runs one write in a transaction that also advances the global revision. */
  private write(fn: (rv: number) => Written): KObject {
    const next = this.rev + 1;
    const { event, size } = this.db.transaction(() => {
      const w = fn(next);
      this.stmts.setRev.run(next);
      return w;
    })();
    this.rev = next;
    for (const s of this.streams) if (event.key.startsWith(s.prefix)) s.handlers.onEvent(event, size);
    return event.object;
  }

  async create(key: string, obj: KObject): Promise<KObject> {
    return this.write((rv) => {
      if (this.stmts.get.get(key)) throw new KeyExistsError(key);
      const stored = withRv(obj, rv);
      const value = this.encode(key, stored);
      this.stmts.insert.run(key, rv, value);
      return { event: { type: 'ADDED', key, rv, object: stored }, size: { object: value.length } };
    });
  }

  async update(key: string, obj: KObject, expectedRv: number): Promise<KObject> {
    return this.write((rv) => {
      const row = this.stmts.get.get(key) as { rv: number; value: string } | undefined;
      if (!row) throw new KeyNotFoundError(key);
      if (row.rv !== expectedRv) throw new RevisionConflictError(key, row.rv);
      const stored = withRv(obj, rv);
      const value = this.encode(key, stored);
      this.stmts.update.run(rv, value, key);
      return {
        // No prevObject: decoding the old row would cost a parse the watch cache, which holds it, does not need.
        event: { type: 'MODIFIED', key, rv, object: stored },
        size: { object: value.length, prevObject: row.value.length },
      };
    });
  }

  async delete(key: string, expectedRv?: number): Promise<KObject> {
    return this.write((rv) => {
      const row = this.stmts.get.get(key) as { rv: number; value: string } | undefined;
      if (!row) throw new KeyNotFoundError(key);
      if (expectedRv !== undefined && row.rv !== expectedRv) throw new RevisionConflictError(key, row.rv);
      this.stmts.del.run(key);
      return {
        event: { type: 'DELETED', key, rv, object: withRv(this.decode(key, row.value), rv) },
        size: { object: row.value.length, prevObject: row.value.length },
      };
    });
  }

  /** Live changes only: a start older than the current revision is compacted (no history is kept). */
  watch(prefix: string, fromRv: number, handlers: WatchHandlers): Watcher {
    if (fromRv < this.rev) {
      handlers.onCompacted?.(new CompactedError(fromRv, this.rev, this.rev));
      handlers.onClose?.();
      return { stop: () => undefined };
    }
    const stream: Stream = { prefix, handlers };
    this.streams.add(stream);
    return {
      stop: () => {
        this.streams.delete(stream);
      },
    };
  }

  /** Open watch streams (the watch cache holds one). */
  watcherCount(): number {
    return this.streams.size;
  }

  /** Nothing to forget: history is never kept, so it starts at the current revision. */
  async compact(_revision: number): Promise<number> {
    return this.rev;
  }

  async close(): Promise<void> {
    const open = [...this.streams];
    this.streams.clear();
    for (const s of open) s.handlers.onClose?.();
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}

function withRv(obj: KObject, rv: number): KObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}
