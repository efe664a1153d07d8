// In process, a watch ends when the watch cache replaces its state (the store reported a compaction under it): the
// informer watches again and misses nothing, repeats nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { CompactedError, type Store, type WatchHandlers } from '../../src/storage/store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService } from '../../src/registry/service.js';
import { InProcessClient } from '../../src/client/in-process.js';
import { Informer } from '../../src/client/informer.js';
import { GVR } from '../../src/client/types.js';
import { authorizeOrForbid } from './clients.js';
import { ADMIN } from '../api/harness.js';

test('a watch the watch cache ends after a compaction is taken up again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-informer-'));
  const sqlite = new SqliteStore(join(dir, 'state.db'));
  let handlers: WatchHandlers | undefined;
  const store: Store = Object.assign(Object.create(sqlite) as SqliteStore, {
    watch: (prefix: string, fromRv: number, h: WatchHandlers) => {
      handlers = h;
      return sqlite.watch(prefix, fromRv, h);
    },
  });
  const service = new ResourceService(store, new Registry(RESOURCES));
  const client = new InProcessClient({ service, user: ADMIN, authorize: authorizeOrForbid });
  await client.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  const informer = new Informer(client, GVR.configmaps, { namespace: 'ns', backoffMs: 5 });
  const seen: string[] = [];
  informer.addEventHandler((type, _old, o) => seen.push(`${type} ${o.metadata.name}`));
  informer.start();
  await informer.waitForSync();
  await client.create(GVR.configmaps, 'ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
  const rev = sqlite.revision();
  handlers!.onCompacted!(new CompactedError(1, rev, rev));
  await new Promise((r) => setTimeout(r, 50));
  await client.create(GVR.configmaps, 'ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
  const end = Date.now() + 3000;
  while (seen.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  expect(seen).toEqual(['ADDED a', 'ADDED b']);
  informer.stop();
  service.cache.stop();
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});
