// The Node authorizer in a server's authorization chain, its graph fed from the real watch cache: a kubelet reaches
// through the client seam exactly what the pods bound to it reference, and NodeRestriction narrows its writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { ResourceService } from '../../src/registry/service.js';
import { bootstrap } from '../../src/server/bootstrap.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { authorizationChain } from '../../src/authorization/union.js';
import { NodeGraph, createNodeAuthorizer, startNodeGraph } from '../../src/authorization/node/index.js';
import type { Authorizer } from '../../src/authorization/types.js';
import { nodeIdentity } from '../../src/client/identities.js';
import { GVR, type Client } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { until } from '../support/until.js';

const ADMIN = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
/** RBAC with no bindings: nothing beyond system:masters and the Node authorizer. */
const NOTHING: Authorizer = {
  authorize: () => ({ allowed: false }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

let dir: string;
let store: SqliteStore;
let stopGraph: () => void;
let admin: Client;
let node1: Client;
let node2: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockube-nodeauthz-'));
  store = new SqliteStore(join(dir, 'state.db'));
  const graph = new NodeGraph();
  const registry = new Registry(RESOURCES);
  const service = new ResourceService(store, registry, {
    authorizer: authorizationChain({ others: [createNodeAuthorizer(graph)], rbac: NOTHING }),
  });
  const source = startNodeGraph(service.cache, graph);
  stopGraph = source.stop;
  await source.synced;
  await bootstrap(service, { address: '127.0.0.1', port: 6443 });
  const ctx = makeContext(service, pino({ level: 'silent' }));
  admin = ctx.client(ADMIN);
  node1 = ctx.client(nodeIdentity('node1'));
  node2 = ctx.client(nodeIdentity('node2'));
  const secret = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { k: 'dg==' } });
  await admin.create(GVR.secrets, 'default', secret('app-secret'));
  await admin.create(GVR.secrets, 'default', secret('unrelated'));
  await admin.create(GVR.configmaps, 'default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app-config' },
    data: { a: 'b' },
  });
  await admin.create(GVR.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app' },
    spec: {
      nodeName: 'node1',
      containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'app-config' } }] }],
      volumes: [{ name: 's', secret: { secretName: 'app-secret' } }],
    },
  });
});
afterAll(async () => {
  stopGraph();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the node a pod is bound to reads what it references; another node does not', async () => {
  await until(async () => {
    expect((await node1.get(GVR.secrets, 'default', 'app-secret')).metadata.name).toBe('app-secret');
    return true;
  });
  expect((await node1.get(GVR.configmaps, 'default', 'app-config')).metadata.name).toBe('app-config');
  await expect(node2.get(GVR.secrets, 'default', 'app-secret')).rejects.toMatchObject({
    code: 403,
    message:
      'secrets "app-secret" is forbidden: User "system:node:node2" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'node2\' and this object',
  });
  await expect(node1.get(GVR.secrets, 'default', 'unrelated')).rejects.toMatchObject({ code: 403 });
  await expect(node1.list(GVR.secrets, 'default')).rejects.toMatchObject({ code: 403 });
});

test('NodeRestriction: a node deletes only pods bound to it', async () => {
  const other: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'elsewhere' },
    spec: { nodeName: 'node2', containers: [{ name: 'c', image: 'busybox' }] },
  };
  await admin.create(GVR.pods, 'default', other);
  await expect(node1.delete(GVR.pods, 'default', 'elsewhere', { gracePeriodSeconds: 0 })).rejects.toMatchObject({
    code: 403,
    message: 'pods "elsewhere" is forbidden: node "node1" can only delete pods with spec.nodeName set to itself',
  });
  await node2.delete(GVR.pods, 'default', 'elsewhere', { gracePeriodSeconds: 0 });
});

test('the graph follows the pod: deleted, its secret is out of reach', async () => {
  await admin.delete(GVR.pods, 'default', 'app', { gracePeriodSeconds: 0 });
  await until(async () => {
    await expect(node1.get(GVR.secrets, 'default', 'app-secret')).rejects.toMatchObject({ code: 403 });
    return true;
  });
});

test('NodeRestriction: a node writes its own Node only, without foreign labels', async () => {
  const nodeObj = (name: string, labels: Record<string, string> = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
  });
  await node1.create(GVR.nodes, undefined, nodeObj('node1', { 'kubernetes.io/hostname': 'node1' }));
  await expect(node1.create(GVR.nodes, undefined, nodeObj('node3'))).rejects.toMatchObject({
    code: 403,
    message: 'nodes "node3" is forbidden: node "node1" is not allowed to modify node "node3"',
  });
  await expect(node2.create(GVR.nodes, undefined, nodeObj('node2', { 'node-role.kubernetes.io/control-plane': '' }))).rejects.toMatchObject(
    {
      code: 403,
      message: 'nodes "node2" is forbidden: node "node2" is not allowed to set the following labels: node-role.kubernetes.io/control-plane',
    },
  );
  // Not a node's to delete, by the system:node rules.
  await expect(node1.delete(GVR.nodes, undefined, 'node1')).rejects.toMatchObject({ code: 403 });
});
