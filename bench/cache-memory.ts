// What the watch cache costs in memory: 10,000 ConfigMaps of 1 KiB of data each, written through the registry and then
// listed once (so that each object's served JSON is remembered too), measured as heap + external memory above the
// same process before the writes, after full GCs. Figures to stdout and bench/results/cache-memory.json.
// Usage: npm run build && node --expose-gc dist/bench/cache-memory.js
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../src/storage/sqlite-store.js';
import { Registry } from '../src/registry/registry.js';
import { RESOURCES } from '../src/registry/resources/index.js';
import { ResourceService, type WriteContext } from '../src/registry/service.js';
import { frozenJson } from '../src/api/json-body.js';

const COUNT = 10_000;
const DATA_BYTES = 1024;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'cache-memory.json');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const used = () => {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

const dir = mkdtempSync(join(tmpdir(), 'dockube-cache-memory-'));
const store = new SqliteStore(join(dir, 'state.db'));
(store as unknown as { db: { pragma(s: string): void } }).db.pragma('synchronous = OFF'); // the disk is not what is measured
const registry = new Registry(RESOURCES);
const service = new ResourceService(store, registry, { watchCache: { maxBytes: 1e12 } });
const ctx = (): WriteContext => ({ user: { name: 'bench', groups: ['system:masters'] }, dryRun: false, warnings: [] });
const cm = registry.find('', 'v1', 'configmaps')!;
await service.create(registry.find('', 'v1', 'namespaces')!, undefined, { metadata: { name: 'bench' } }, ctx());
await service.list(cm, 'bench');
const before = used();
let storedJson = 0;
for (let i = 0; i < COUNT; i++) {
  const o = await service.create(
    cm,
    'bench',
    { metadata: { name: `cm-${String(i).padStart(5, '0')}` }, data: { v: String(i % 10).repeat(DATA_BYTES) } },
    ctx(),
  );
  storedJson += JSON.stringify(o).length;
}
const cacheOnly = used() - before;
// What a LIST leaves behind: each object as served (type meta first) and its remembered JSON. The response itself
// is not kept (its bytes are counted by asking for the JSON of each item, which is what the response is made of).
let listBytes = 0;
for (const item of (await service.list(cm, 'bench')).items) listBytes += frozenJson(item).length + 1;
const withJson = used() - before;
const data = COUNT * DATA_BYTES;
const result = {
  timestamp: new Date().toISOString(),
  objects: COUNT,
  dataBytes: data,
  storedJsonBytes: storedJson,
  listResponseBytes: listBytes,
  window: service.cache.usage(),
  cacheBytes: cacheOnly,
  cacheOverData: cacheOnly / data,
  cacheOverStoredJson: cacheOnly / storedJson,
  withServedJsonBytes: withJson,
  withServedJsonOverData: withJson / data,
  withServedJsonOverStoredJson: withJson / storedJson,
};
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
console.log(`${COUNT} ConfigMaps: ${mib(data)} of data, ${mib(storedJson)} of stored JSON`);
console.log(
  `watch cache (objects + event window): ${mib(cacheOnly)} = ${result.cacheOverData.toFixed(2)}x the data, ${result.cacheOverStoredJson.toFixed(2)}x the stored JSON`,
);
console.log(
  `after one LIST (served JSON remembered): ${mib(withJson)} = ${result.withServedJsonOverData.toFixed(2)}x the data, ${result.withServedJsonOverStoredJson.toFixed(2)}x the stored JSON`,
);
await writeFile(RESULTS, JSON.stringify(result, null, 2) + '\n');
service.cache.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
