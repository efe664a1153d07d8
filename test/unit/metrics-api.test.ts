// metrics.k8s.io over HTTP with a fixed usage source: the generic virtual-read path (discovery, list with selectors,
// get and its two NotFounds, no watch and no writes, Tables, OpenAPI for kubectl explain).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createApp } from '../../src/api/app.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService, type WriteContext } from '../../src/registry/service.js';
import { lazySchemaLookup } from '../../src/server/schema.js';
import { bootstrap } from '../../src/server/bootstrap.js';
import { metricsResources } from '../../src/registry/resources/metrics.js';
import type { UsageSnapshot } from '../../src/metrics/collector.js';
import { nodeLookup, type NodeConnection } from '../../src/node/types.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const M = '/apis/metrics.k8s.io/v1beta1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const ctx: WriteContext = { user: { name: 'admin', groups: ['system:masters'] }, dryRun: false, warnings: [] };

let dir: string;
let store: SqliteStore;
let service: ResourceService;
let server: http.Server;
let agent: ReturnType<typeof request>;
let snapshotCalls = 0;
const snapshot: UsageSnapshot = { containers: [] };
const get = (p: string) => agent.get(p).set('Authorization', 'Bearer admin');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metrics-api-'));
  store = new SqliteStore(join(dir, 'state.db'));
  // The server reaches node-a only; node-b is a node it has no connection to.
  const nodeA: NodeConnection = {
    nodeName: 'node-a',
    stats: async () => {
      snapshotCalls++;
      return snapshot;
    },
    containerLogs: () => Promise.reject(new Error('unused')),
    exec: () => Promise.reject(new Error('unused')),
    attach: () => Promise.reject(new Error('unused')),
    portForward: () => Promise.reject(new Error('unused')),
  };
  const { podMetrics, nodeMetrics } = metricsResources(nodeLookup(nodeA));
  const defs: ResourceDef[] = [...RESOURCES.filter((d) => d.group !== 'metrics.k8s.io'), podMetrics, nodeMetrics];
  const registry = new Registry(defs);
  service = new ResourceService(store, registry);
  server = http.createServer();
  const app = createApp({
    service,
    registry,
    nodes: nodeLookup(nodeA),
    schema: lazySchemaLookup(join(ROOT, 'openapi', 'definitions.json')),
    authenticate: (req) =>
      req.headers.authorization === 'Bearer admin' ? { name: 'admin', groups: ['system:masters', 'system:authenticated'] } : undefined,
    isReady: () => true,
    serverAddress: () => '127.0.0.1:1',
  });
  server.on('request', app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await bootstrap(service, { address: '127.0.0.1', port: (server.address() as AddressInfo).port });
  agent = request(server);

  const pods = registry.find('', 'v1', 'pods')!;
  const nodes = registry.find('', 'v1', 'nodes')!;
  const mk = async (name: string, labels: Record<string, string>, containers: string[], nodeName = 'node-a') =>
    service.create(
      pods,
      'default',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'img' })) },
      } as KObject,
      ctx,
    );
  const web = await mk('web', { app: 'web' }, ['main', 'side']);
  const db = await mk('db', { app: 'db' }, ['db']);
  await mk('idle', { app: 'idle' }, ['main']);
  // On a node the server cannot reach: no metrics, even though node-a's snapshot names its container.
  const far = await mk('far', { app: 'far' }, ['main'], 'node-b');
  await service.create(
    nodes,
    undefined,
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { zone: 'a' } } } as KObject,
    ctx,
  );
  await service.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } } as KObject, ctx);
  const ts = BigInt(Date.parse('2026-03-04T05:06:07Z')) * 1_000_000n;
  snapshot.containers = [
    {
      podUid: web.metadata.uid!,
      container: 'main',
      cpuNanoCores: 200_000_000,
      memoryBytes: 2 * 1024 * 1024,
      windowNs: 1e9,
      timestampNs: ts,
    },
    { podUid: web.metadata.uid!, container: 'side', cpuNanoCores: 5_000_000, memoryBytes: 1024 * 1024, windowNs: 1e9, timestampNs: ts },
    { podUid: db.metadata.uid!, container: 'db', cpuNanoCores: 1_000, memoryBytes: 4096, windowNs: 1e9, timestampNs: ts },
    { podUid: far.metadata.uid!, container: 'main', cpuNanoCores: 1_000, memoryBytes: 4096, windowNs: 1e9, timestampNs: ts },
  ];
  snapshot.node = { cpuNanoCores: 750_000_000, memoryBytes: 3 * 2 ** 30, windowNs: 1.5e9, timestampNs: ts };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('discovery lists pods and nodes in metrics.k8s.io/v1beta1 with get and list only', async () => {
  const res = await get(M).expect(200);
  const byName = Object.fromEntries((res.body.resources as J[]).map((r) => [r.name, r]));
  expect(byName.pods).toMatchObject({ kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'], singularName: 'podmetrics' });
  expect(byName.nodes).toMatchObject({ kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] });
});

test('list: one PodMetrics per pod with usage, sorted by name, pods without usage left out', async () => {
  const res = await get(`${M}/namespaces/default/pods`).expect(200);
  expect(res.body.kind).toBe('PodMetricsList');
  expect(res.body.apiVersion).toBe('metrics.k8s.io/v1beta1');
  const items = res.body.items as J[];
  expect(items.map((i) => i.metadata.name)).toEqual(['db', 'web']);
  const web = items[1];
  expect(web).toMatchObject({
    kind: 'PodMetrics',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    timestamp: '2026-03-04T05:06:07Z',
    window: '1s',
    containers: [
      { name: 'main', usage: { cpu: '200m', memory: '2Mi' } },
      { name: 'side', usage: { cpu: '5m', memory: '1Mi' } },
    ],
  });
  // All namespaces, and another namespace.
  expect((await get(`${M}/pods`).expect(200)).body.items).toHaveLength(2);
  expect((await get(`${M}/namespaces/kube-system/pods`).expect(200)).body.items).toHaveLength(0);
});

test('label and field selectors filter the computed objects', async () => {
  const byLabel = await get(`${M}/namespaces/default/pods?labelSelector=app%3Dweb`).expect(200);
  expect((byLabel.body.items as J[]).map((i) => i.metadata.name)).toEqual(['web']);
  const byName = await get(`${M}/namespaces/default/pods?fieldSelector=metadata.name%3Ddb`).expect(200);
  expect((byName.body.items as J[]).map((i) => i.metadata.name)).toEqual(['db']);
  const bad = await get(`${M}/namespaces/default/pods?fieldSelector=spec.nodeName%3Dx`).expect(400);
  expect(bad.body.reason).toBe('BadRequest');
});

test('get: the pod, NotFound for a pod without usage and for a missing pod', async () => {
  const ok = await get(`${M}/namespaces/default/pods/db`).expect(200);
  expect(ok.body.containers).toEqual([{ name: 'db', usage: { cpu: '1u', memory: '4Ki' } }]);
  const idle = await get(`${M}/namespaces/default/pods/idle`).expect(404);
  expect(idle.body.message).toBe('podmetrics.metrics.k8s.io "default/idle" not found');
  const far = await get(`${M}/namespaces/default/pods/far`).expect(404);
  expect(far.body.message).toBe('podmetrics.metrics.k8s.io "default/far" not found');
  const missing = await get(`${M}/namespaces/default/pods/nope`).expect(404);
  expect(missing.body.message).toBe('pods "nope" not found');
});

test('nodes: only a node the server has a connection to has metrics', async () => {
  const list = await get(`${M}/nodes`).expect(200);
  expect(list.body.kind).toBe('NodeMetricsList');
  expect(list.body.items).toHaveLength(1);
  expect(list.body.items[0]).toMatchObject({
    metadata: { name: 'node-a', labels: { zone: 'a' } },
    usage: { cpu: '750m', memory: '3Gi' },
    window: '1.5s',
  });
  await get(`${M}/nodes/node-a`).expect(200);
  expect((await get(`${M}/nodes/node-b`).expect(404)).body.message).toBe('nodemetrics.metrics.k8s.io "node-b" not found');
  expect((await get(`${M}/nodes/ghost`).expect(404)).body.message).toBe('nodes "ghost" not found');
});

test('no watch and no writes', async () => {
  const w = await get(`${M}/namespaces/default/pods?watch=true`).expect(405);
  expect(w.body).toMatchObject({
    reason: 'MethodNotAllowed',
    message: 'watch is not supported on resources of kind "pods.metrics.k8s.io"',
  });
  await agent
    .post(`${M}/namespaces/default/pods`)
    .set('Authorization', 'Bearer admin')
    .send({ metadata: { name: 'x' } })
    .expect(405);
  await agent.delete(`${M}/nodes/node-a`).set('Authorization', 'Bearer admin').expect(405);
  const pm = (await service.registry.find('metrics.k8s.io', 'v1beta1', 'pods'))!;
  await expect(service.watch(pm, 'default', undefined, undefined as never, () => {})).rejects.toMatchObject({ code: 405 });
});

test('server-side Table with metrics-server columns', async () => {
  const res = await get(`${M}/namespaces/default/pods`).set('Accept', TABLE).expect(200);
  expect(res.body.kind).toBe('Table');
  expect((res.body.columnDefinitions as J[]).map((c) => c.name)).toEqual(['Name', 'cpu', 'memory', 'Window']);
  expect((res.body.rows as J[]).map((r) => r.cells)).toEqual([
    ['db', '1u', '4Ki', '1s'],
    ['web', '205m', '3Mi', '1s'],
  ]);
});

test('selectors are checked before any usage is collected, and reads share the source', async () => {
  const before = snapshotCalls;
  await get(`${M}/namespaces/default/pods?labelSelector=%3D%3Dbad`).expect(400);
  expect(snapshotCalls).toBe(before);
});

test('OpenAPI v3 describes PodMetrics for kubectl explain', async () => {
  const root = await get('/openapi/v3').expect(200);
  expect(Object.keys(root.body.paths)).toContain('apis/metrics.k8s.io/v1beta1');
  const doc = await get('/openapi/v3/apis/metrics.k8s.io/v1beta1').expect(200);
  const schemas = doc.body.components.schemas as J;
  const pm = schemas['io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics'];
  expect(pm['x-kubernetes-group-version-kind']).toEqual([{ group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' }]);
  expect(pm.required).toEqual(['timestamp', 'window', 'containers']);
  expect(schemas['io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics']).toBeDefined();
  const paths = Object.keys(doc.body.paths);
  expect(paths).toContain('/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}');
  expect(paths).toContain('/apis/metrics.k8s.io/v1beta1/nodes');
  const listOp = doc.body.paths['/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods'].get;
  expect(JSON.stringify(listOp.responses['200'])).toContain('PodMetricsList');
});
