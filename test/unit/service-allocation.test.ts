// ClusterIP and NodePort allocation through the real ResourceService on a SQLite store: ranges, chosen values,
// conflicts with upstream's messages, concurrency, the rebuild after a restart and the release of what a service held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { withServiceAllocation } from '../../src/registry/resources/service-allocation.js';
import { ipToInt } from '../../src/registry/resources/service-cidr.js';
import { ResourceService, type WriteContext } from '../../src/registry/service.js';
import type { KObject, ResourceDef } from '../../src/registry/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const CONFIG = { cidr: '10.100.0.0/24', nodePortMin: 30000, nodePortMax: 30099 };
const ctx = (dryRun = false): WriteContext => ({ user: { name: 'admin', groups: ['system:masters'] }, dryRun, warnings: [] });

let dir: string;
let open: { store: SqliteStore; service: ResourceService }[] = [];

function start(config = CONFIG): { service: ResourceService; svcDef: ResourceDef } {
  const store = new SqliteStore(join(dir, 'state.db'));
  const registry = new Registry(withServiceAllocation(RESOURCES, config));
  const service = new ResourceService(store, registry);
  open.push({ store, service });
  return { service, svcDef: registry.find('', 'v1', 'services')! };
}

async function stop(): Promise<void> {
  for (const o of open) {
    o.service.cache.stop();
    await o.store.close();
  }
  open = [];
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockube-svc-alloc-'));
  const { service } = start();
  const nsDef = service.registry.find('', 'v1', 'namespaces')!;
  await service.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx());
});
afterEach(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const svc = (name: string, spec: Record<string, unknown>): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ports: [{ port: 80 }], ...spec },
});
const specOf = (o: KObject) => o.spec as { clusterIP: string; ports: { nodePort?: number }[]; healthCheckNodePort?: number };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e.message;
    throw e;
  }
  throw new Error('the write was accepted');
}

test('dynamic ClusterIPs come from the upper band, chosen ones anywhere in range; conflicts use upstream texts', async () => {
  const { service, svcDef } = start();
  const a = await service.create(svcDef, 'default', svc('a', {}), ctx());
  // A /24 has a static band of 16 addresses: dynamic picks start at .16.
  expect(ipToInt(specOf(a).clusterIP) - ipToInt('10.100.0.0')).toBeGreaterThanOrEqual(16);
  expect((a.spec as { clusterIPs: string[] }).clusterIPs).toEqual([specOf(a).clusterIP]);
  const chosen = await service.create(svcDef, 'default', svc('b', { clusterIP: '10.100.0.5' }), ctx());
  expect(specOf(chosen).clusterIP).toBe('10.100.0.5');
  expect(await refusal(service.create(svcDef, 'default', svc('c', { clusterIP: '10.100.0.5' }), ctx()))).toBe(
    'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.100.0.5"}: failed to allocate IP 10.100.0.5: provided IP is already allocated',
  );
  expect(await refusal(service.create(svcDef, 'default', svc('d', { clusterIP: '10.101.0.5' }), ctx()))).toBe(
    'Service "d" is invalid: spec.clusterIPs: Invalid value: []string{"10.101.0.5"}: failed to allocate IP 10.101.0.5: the provided IP (10.101.0.5) is not in the valid range. The range of valid IPs is 10.100.0.0/24',
  );
  const byList = await service.create(svcDef, 'default', svc('l', { clusterIPs: ['10.100.0.6'] }), ctx());
  expect(specOf(byList).clusterIP).toBe('10.100.0.6');
  const headless = await service.create(svcDef, 'default', svc('h', { clusterIP: 'None' }), ctx());
  expect(specOf(headless).clusterIP).toBe('None');
  const external = await service.create(svcDef, 'default', svc('x', { type: 'ExternalName', externalName: 'example.com' }), ctx());
  expect(specOf(external).clusterIP).toBeUndefined();
});

test('node ports: dynamic, chosen, conflicting, out of range; health-check node port for Local load balancers', async () => {
  const { service, svcDef } = start();
  const a = await service.create(svcDef, 'default', svc('a', { type: 'NodePort' }), ctx());
  expect(specOf(a).ports[0].nodePort).toBeGreaterThanOrEqual(30016); // the static band is 16 ports here
  const b = await service.create(svcDef, 'default', svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] }), ctx());
  expect(specOf(b).ports[0].nodePort).toBe(30003);
  expect(
    await refusal(service.create(svcDef, 'default', svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] }), ctx())),
  ).toBe('Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 30003: provided port is already allocated');
  expect(
    await refusal(service.create(svcDef, 'default', svc('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }), ctx())),
  ).toBe(
    'Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the valid range. The range of valid ports is 30000-30099',
  );
  const lb = await service.create(svcDef, 'default', svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }), ctx());
  expect(specOf(lb).ports[0].nodePort).toBeGreaterThan(0);
  expect(specOf(lb).healthCheckNodePort).toBeGreaterThan(0);
  expect(specOf(lb).healthCheckNodePort).not.toBe(specOf(lb).ports[0].nodePort);
  const noPorts = await service.create(
    svcDef,
    'default',
    svc('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }),
    ctx(),
  );
  expect(specOf(noPorts).ports[0].nodePort).toBeUndefined();
  // A refused create holds nothing: its chosen IP is free for the next one.
  expect(
    await refusal(
      service.create(
        svcDef,
        'default',
        svc('e', { clusterIP: '10.100.0.9', type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] }),
        ctx(),
      ),
    ),
  ).toMatch(/already allocated/);
  await service.create(svcDef, 'default', svc('f', { clusterIP: '10.100.0.9' }), ctx());
});

test('50 concurrent creates get 50 distinct ClusterIPs and node ports', async () => {
  const { service, svcDef } = start();
  const made = await Promise.all(
    Array.from({ length: 50 }, (_, i) => service.create(svcDef, 'default', svc(`s${i}`, { type: 'NodePort' }), ctx())),
  );
  expect(new Set(made.map((o) => specOf(o).clusterIP)).size).toBe(50);
  expect(new Set(made.map((o) => specOf(o).ports[0].nodePort)).size).toBe(50);
});

test('a restart rebuilds the maps from the store: nothing is handed out twice', async () => {
  let { service, svcDef } = start();
  const before = await Promise.all(
    Array.from({ length: 30 }, (_, i) => service.create(svcDef, 'default', svc(`old${i}`, { type: 'NodePort' }), ctx())),
  );
  await stop();
  ({ service, svcDef } = start());
  const held = before[0]!;
  expect(await refusal(service.create(svcDef, 'default', svc('again', { clusterIP: specOf(held).clusterIP }), ctx()))).toMatch(
    /provided IP is already allocated/,
  );
  const after = await Promise.all(
    Array.from({ length: 30 }, (_, i) => service.create(svcDef, 'default', svc(`new${i}`, { type: 'NodePort' }), ctx())),
  );
  const all = [...before, ...after];
  expect(new Set(all.map((o) => specOf(o).clusterIP)).size).toBe(60);
  expect(new Set(all.map((o) => specOf(o).ports[0].nodePort)).size).toBe(60);
});

test('delete, type changes and dry runs give values back', async () => {
  const { service, svcDef } = start();
  await service.create(
    svcDef,
    'default',
    svc('a', { clusterIP: '10.100.0.7', type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] }),
    ctx(),
  );
  // NodePort → ClusterIP drops and releases the node port; the address stays.
  const clusterIP = await service.update(
    svcDef,
    'default',
    'a',
    (cur) => ({ ...cur, spec: { ...(cur.spec as object), type: 'ClusterIP' } }),
    ctx(),
  );
  expect(specOf(clusterIP).ports[0].nodePort).toBeUndefined();
  await service.create(svcDef, 'default', svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] }), ctx());
  // ClusterIP → ExternalName releases the address.
  const ext = await service.update(
    svcDef,
    'default',
    'a',
    (cur) => ({ ...cur, spec: { ...(cur.spec as object), type: 'ExternalName', externalName: 'example.com' } }),
    ctx(),
  );
  expect(specOf(ext).clusterIP).toBeUndefined();
  await service.create(svcDef, 'default', svc('c', { clusterIP: '10.100.0.7' }), ctx());
  // Delete releases; a dry run never holds.
  await service.delete(svcDef, 'default', 'c', {}, ctx());
  const dry = await service.create(svcDef, 'default', svc('d', { clusterIP: '10.100.0.7' }), ctx(true));
  expect(specOf(dry).clusterIP).toBe('10.100.0.7');
  await service.create(svcDef, 'default', svc('e', { clusterIP: '10.100.0.7' }), ctx());
  // ExternalName → ClusterIP allocates a new address; an existing name fails and releases its chosen one.
  const back = await service.update(
    svcDef,
    'default',
    'a',
    (cur) => ({ ...cur, spec: { ports: [{ port: 80 }], type: 'ClusterIP', clusterIP: '10.100.0.8' } }),
    ctx(),
  );
  expect(specOf(back).clusterIP).toBe('10.100.0.8');
  expect(await refusal(service.create(svcDef, 'default', svc('e', { clusterIP: '10.100.0.10' }), ctx()))).toMatch(/already exists/);
  await service.create(svcDef, 'default', svc('f', { clusterIP: '10.100.0.10' }), ctx());
});

test('a full range is an internal error, not a duplicate', async () => {
  await stop();
  const { service, svcDef } = start({ cidr: '10.100.0.0/28', nodePortMin: 30000, nodePortMax: 30099 });
  for (let i = 0; i < 14; i++) await service.create(svcDef, 'default', svc(`s${i}`, {}), ctx());
  expect(await refusal(service.create(svcDef, 'default', svc('full', {}), ctx()))).toBe(
    'Internal error occurred: failed to allocate a serviceIP: range is full',
  );
});
