// Embedded default store: one SQLite file (WAL). A write is acknowledged only after its transaction commits.
import Database from 'better-sqlite3';
import type { KObject } from '../machinery/api/meta.js';
import {
  DEFAULT_WATCH_CACHE_BYTES, DEFAULT_WATCH_CACHE_EVENTS, EventWindow, type EventSize, type WindowLimits,
} from './event-window.js';
import type { ValueTransformer } from './encryption.js';
import {
  KeyExistsError, KeyNotFoundError, RevisionConflictError,
  type ListResult, type Store, type StoreEvent, type Watcher,
} from './store.js';

/** A write's event and the size estimates the window charges it with. */
interface Written { event: StoreEvent; size: EventSize }

export class SqliteStore implements Store {
  private db: Database.Database;
  private rev: number;
  private window: EventWindow;
  private stmts: ReturnType<SqliteStore['prepare']>;

  /**
   * @param transformers values under these key prefixes are transformed (encrypted) on the way to disk
   * @param window bounds of the watch window (event-window.ts has the defaults)
   */
  constructor(file: string, private transformers: { prefix: string; transformer: ValueTransformer }[] = [],
    window: Partial<WindowLimits> = {}) {
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
    this.window = new EventWindow({
      maxEvents: window.maxEvents ?? DEFAULT_WATCH_CACHE_EVENTS, maxBytes: window.maxBytes ?? DEFAULT_WATCH_CACHE_BYTES,
    }, this.rev);
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

  revision(): number { return this.rev; }
  oldestWatchableRevision(): number { return this.window.oldest(); }

  async get(key: string): Promise<KObject | undefined> {
    const row = this.stmts.get.get(key) as { value: string } | undefined;
    return row ? this.decode(key, row.value) : undefined;
  }

  async list(prefix: string, opts: { startAfter?: string; limit?: number } = {}): Promise<ListResult> {
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
    return { items, revision: this.rev, remaining };
  }

  private keyOfLast(prefix: string, after: string, limit: number): string {
    const row = this.db.prepare(`SELECT key FROM objects WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT 1 OFFSET ?`)
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
    this.window.publish(event, size);
    return event.object;
  }

  /**
   * The stored state before a change: the window's copy when it holds this very revision (shared with that event,
   * and no JSON to parse), else decoded from the row.
   */
  private previous(key: string, row: { rv: number; value: string }): KObject {
    return this.window.current(key, row.rv) ?? this.decode(key, row.value);
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
        event: { type: 'MODIFIED', key, rv, object: stored, prevObject: this.previous(key, row) },
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
      const prev = this.previous(key, row);
      // The deleted object shares all but its metadata with prev; both are charged in full, which errs on the safe side.
      return {
        event: { type: 'DELETED', key, rv, object: withRv(prev, rv), prevObject: prev },
        size: { object: row.value.length, prevObject: row.value.length },
      };
    });
  }

  watch(prefix: string, fromRv: number, onEvent: (e: StoreEvent) => void): Watcher {
    return this.window.subscribe(prefix, fromRv, this.rev, onEvent);
  }

  watcherCount(): number { return this.window.watcherCount(); }

  /** Events and estimated bytes the watch window holds now. */
  watchCacheUsage(): { events: number; bytes: number } { return this.window.usage(); }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}

function withRv(obj: KObject, rv: number): KObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}
