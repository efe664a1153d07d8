// The `kubernetes` Service and its endpoints, as bootstrap writes them on a store: created on a fresh start, corrected
// on a restart at another port or address (the endpoint reconciler's job), untouched when nothing changed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService } from '../../src/registry/service.js';
import { withServiceAllocation } from '../../src/registry/resources/service-allocation.js';
import { bootstrap } from '../../src/server/bootstrap.js';
import { keepKubernetesService } from '../../src/server/kubernetes-service.js';
import pino from 'pino';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the kubernetes service', () => {
  let store: SqliteStore;
  let service: ResourceService;
  let dir = '';
  const def = (group: string, plural: string) => service.registry.defs.find((d) => d.group === group && d.plural === plural)!;
  const get = async (group: string, plural: string) => (await service.get(def(group, plural), 'default', 'kubernetes')) as J;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockube-kubernetes-svc-'));
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

  test('points at the pod gateway and the API port, and follows a restart on another port', async () => {
    await bootstrap(service, { address: '10.244.0.1', port: 6443, serviceCidr: '10.97.0.0/16' });
    const svc = await get('', 'services');
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      clusterIP: '10.97.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    });
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
    const ep = await get('', 'endpoints');
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.244.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    const slice = await get('discovery.k8s.io', 'endpointslices');
    expect(slice).toMatchObject({
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });

    // The same start again writes nothing.
    await bootstrap(service, { address: '10.244.0.1', port: 6443, serviceCidr: '10.97.0.0/16' });
    expect((await get('', 'endpoints')).metadata.resourceVersion).toBe(ep.metadata.resourceVersion);
    expect((await get('discovery.k8s.io', 'endpointslices')).metadata.resourceVersion).toBe(slice.metadata.resourceVersion);
    expect((await get('', 'services')).metadata.resourceVersion).toBe(svc.metadata.resourceVersion);

    // A restart on another port: the service's targetPort, the Endpoints and the slice follow.
    await bootstrap(service, { address: '10.244.0.1', port: 7443, serviceCidr: '10.97.0.0/16' });
    expect((await get('', 'services')).spec.ports[0].targetPort).toBe(7443);
    expect((await get('', 'endpoints')).subsets[0].ports[0].port).toBe(7443);
    expect((await get('discovery.k8s.io', 'endpointslices')).ports[0].port).toBe(7443);
  });

  test('endpoints left by an older version at the advertised 127.0.0.1 are corrected', async () => {
    await bootstrap(service, { address: '127.0.0.1', port: 6443, serviceCidr: '10.97.0.0/16' });
    await bootstrap(service, { address: '10.244.0.1', port: 6443, serviceCidr: '10.97.0.0/16' });
    expect((await get('', 'endpoints')).subsets[0].addresses).toEqual([{ ip: '10.244.0.1' }]);
    expect((await get('discovery.k8s.io', 'endpointslices')).endpoints[0].addresses).toEqual(['10.244.0.1']);
    expect((await get('', 'services')).spec.clusterIP).toBe('10.97.0.1');
  });

  test('kept: deleted Endpoints and an edited slice come back at the next interval', async () => {
    const booted = await bootstrap(service, { address: '10.244.0.1', port: 6443, serviceCidr: '10.97.0.0/16' });
    const kept = keepKubernetesService(service, booted.apiServer, booted.context, pino({ level: 'silent' }), 50);
    try {
      await service.delete(def('', 'endpoints'), 'default', 'kubernetes', {}, booted.context);
      await service.update(
        def('discovery.k8s.io', 'endpointslices'),
        'default',
        'kubernetes',
        (c) => ({ ...c, endpoints: [] }) as typeof c,
        booted.context,
      );
      const restored = async () => {
        for (let i = 0; i < 100; i++) {
          try {
            const ep = await get('', 'endpoints');
            const slice = await get('discovery.k8s.io', 'endpointslices');
            if (ep.subsets?.[0]?.addresses?.[0]?.ip === '10.244.0.1' && slice.endpoints?.length === 1) return true;
          } catch {
            // not yet recreated
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        return false;
      };
      expect(await restored()).toBe(true);
    } finally {
      kept.stop();
    }
  });
});
