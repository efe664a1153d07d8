import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { CompactedError, FutureRevisionError, KeyExistsError, RevisionConflictError, type StoreEvent } from '../../src/storage/store.js';

const obj = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name }, ...extra });
const tmp = () => join(mkdtempSync(join(tmpdir(), 'dockube-store-')), 'state.db');

describe('SqliteStore', () => {
  test('create, get, update with revision check, delete', async () => {
    const s = new SqliteStore(tmp());
    const r0 = s.revision();
    const a = await s.create('/registry/core/configmaps/ns/a', obj('a'));
    expect(Number(a.metadata.resourceVersion)).toBe(r0 + 1);
    await expect(s.create('/registry/core/configmaps/ns/a', obj('a'))).rejects.toBeInstanceOf(KeyExistsError);
    const b = await s.update('/registry/core/configmaps/ns/a', obj('a', { data: { x: '1' } }), r0 + 1);
    expect(b.metadata.resourceVersion).toBe(String(r0 + 2));
    await expect(s.update('/registry/core/configmaps/ns/a', obj('a'), r0 + 1)).rejects.toBeInstanceOf(RevisionConflictError);
    const d = await s.delete('/registry/core/configmaps/ns/a');
    expect(d.metadata.resourceVersion).toBe(String(r0 + 3));
    expect(await s.get('/registry/core/configmaps/ns/a')).toBeUndefined();
    await s.close();
  });

  test('revision and objects survive reopening', async () => {
    const file = tmp();
    const s = new SqliteStore(file);
    for (let i = 0; i < 5; i++) await s.create(`/registry/core/configmaps/ns/c${i}`, obj(`c${i}`));
    const rev = s.revision();
    await s.close();
    const s2 = new SqliteStore(file);
    expect(s2.revision()).toBe(rev);
    expect((await s2.list('/registry/core/configmaps/')).items).toHaveLength(5);
    await s2.close();
  });

  test('list pages by key with remaining counts, and prefixes do not leak into siblings', async () => {
    const s = new SqliteStore(tmp());
    for (const n of ['a', 'b', 'c', 'd']) await s.create(`/registry/core/configmaps/ns/${n}`, obj(n));
    await s.create('/registry/core/configmaps/ns2/z', obj('z'));
    const p1 = await s.list('/registry/core/configmaps/ns/', { limit: 3 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(p1.remaining).toBe(1);
    const p2 = await s.list('/registry/core/configmaps/ns/', { startAfter: '/registry/core/configmaps/ns/c', limit: 3 });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['d']);
    expect(p2.remaining).toBe(0);
    await s.close();
  });

  test('watch streams live changes under a prefix; an older start is reported compacted and closed (no history kept)', async () => {
    const s = new SqliteStore(tmp());
    const start = s.revision();
    const seen: StoreEvent[] = [];
    let closed = 0;
    const w = s.watch('/registry/core/pods/', start, { onEvent: (e) => seen.push(e), onClose: () => closed++ });
    await s.create('/registry/core/pods/ns/p', obj('p'));
    await s.create('/registry/core/configmaps/ns/c', obj('c'));
    await s.update('/registry/core/pods/ns/p', obj('p', { spec: {} }), start + 1);
    await s.delete('/registry/core/pods/ns/p');
    expect(seen.map((e) => [e.type, e.rv])).toEqual([
      ['ADDED', start + 1],
      ['MODIFIED', start + 3],
      ['DELETED', start + 4],
    ]);
    expect(seen[2]!.object.spec).toEqual({});
    expect(seen[2]!.object.metadata.resourceVersion).toBe(String(start + 4));
    const compacted: CompactedError[] = [];
    let oldClosed = 0;
    s.watch('/registry/', start, { onEvent: () => undefined, onCompacted: (e) => compacted.push(e), onClose: () => oldClosed++ });
    expect(compacted).toHaveLength(1);
    expect(compacted[0]).toMatchObject({ requested: start, compactRevision: start + 4, currentRevision: start + 4 });
    expect(oldClosed).toBe(1);
    await s.close();
    expect(closed).toBe(1); // closing the store ends the stream
    w.stop();
  });

  test('list at a revision: the current one only (older is compacted, newer in the future); compact is a no-op', async () => {
    const s = new SqliteStore(tmp());
    await s.create('/registry/core/configmaps/ns/a', obj('a'));
    const rev = s.revision();
    expect((await s.list('/registry/', { revision: rev })).items).toHaveLength(1);
    await expect(s.list('/registry/', { revision: rev - 1 })).rejects.toBeInstanceOf(CompactedError);
    await expect(s.list('/registry/', { revision: rev + 1 })).rejects.toBeInstanceOf(FutureRevisionError);
    expect(await s.compact(rev - 1)).toBe(rev);
    expect(await s.currentRevision()).toBe(rev);
    await s.close();
  });
});
