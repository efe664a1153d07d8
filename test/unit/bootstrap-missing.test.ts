// Start-up's bootstrap writes only what is missing: a fresh store gets every object, a restart writes nothing (one
// list per kind says what exists), and an object a user deleted comes back while the others stay as they are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService } from '../../src/registry/service.js';
import { withServiceAllocation } from '../../src/registry/resources/service-allocation.js';
import { bootstrap, SYSTEM_NAMESPACES } from '../../src/server/bootstrap.js';
import { ensureSystemPriorityClasses } from '../../src/server/priority-classes.js';
import { APISERVER_USER } from '../../src/server/rbac-bootstrap.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';

describe('bootstrap writes only what is missing', () => {
  let store: SqliteStore;
  let service: ResourceService;
  let dir = '';
  const def = (group: string, plural: string) => service.registry.defs.find((d) => d.group === group && d.plural === plural)!;
  const endpoint = { address: '10.244.0.1', port: 6443, serviceCidr: '10.97.0.0/16' };
  const start = async () => {
    await bootstrap(service, endpoint);
    await ensureSystemPriorityClasses(makeContext(service, pino({ level: 'silent' })).client(APISERVER_USER), pino({ level: 'silent' }));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockube-bootstrap-missing-'));
    store = new SqliteStore(join(dir, 'state.db'));
    service = new ResourceService(
      store,
      new Registry(withServiceAllocation(RESOURCES, { cidr: '10.97.0.0/16', nodePortMin: 30000, nodePortMax: 32767 })),
    );
  });
  afterEach(async () => {
    service.cache.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a fresh store gets every object; a restart writes nothing', async () => {
    await start();
    const names = async (group: string, plural: string) =>
      (await service.list(def(group, plural), undefined)).items.map((o) => o.metadata.name).sort();
    expect(await names('', 'namespaces')).toEqual(expect.arrayContaining(SYSTEM_NAMESPACES));
    expect(await names('scheduling.k8s.io', 'priorityclasses')).toEqual(['system-cluster-critical', 'system-node-critical']);
    expect(await names('flowcontrol.apiserver.k8s.io', 'flowschemas')).toEqual(['catch-all', 'exempt']);
    expect(await names('networking.k8s.io', 'servicecidrs')).toEqual(['kubernetes']);
    expect(await names('apiregistration.k8s.io', 'apiservices')).toContain('v1.apps');
    expect(await names('storage.k8s.io', 'storageclasses')).toEqual(['local']);
    const cidr = await service.get(def('networking.k8s.io', 'servicecidrs'), undefined, 'kubernetes');
    expect((cidr as { status?: { conditions?: { type: string }[] } }).status?.conditions?.[0]?.type).toBe('Ready');

    const revision = service.revision();
    await start();
    expect(service.revision()).toBe(revision);
  });

  test('an object deleted since comes back; the others are not written', async () => {
    await start();
    const ctx = systemContext('test');
    await service.delete(def('flowcontrol.apiserver.k8s.io', 'flowschemas'), undefined, 'catch-all', {}, ctx);
    await service.delete(def('scheduling.k8s.io', 'priorityclasses'), undefined, 'system-node-critical', {}, ctx);
    const exempt = await service.get(def('flowcontrol.apiserver.k8s.io', 'flowschemas'), undefined, 'exempt');
    await start();
    const back = await service.get(def('flowcontrol.apiserver.k8s.io', 'flowschemas'), undefined, 'catch-all');
    expect(back.metadata.name).toBe('catch-all');
    expect((await service.get(def('scheduling.k8s.io', 'priorityclasses'), undefined, 'system-node-critical')).metadata.name).toBe(
      'system-node-critical',
    );
    // Untouched: the same resourceVersion as before the restart.
    const again = await service.get(def('flowcontrol.apiserver.k8s.io', 'flowschemas'), undefined, 'exempt');
    expect(again.metadata.resourceVersion).toBe(exempt.metadata.resourceVersion);
  });
});
