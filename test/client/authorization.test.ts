// The in-process client goes through the same authorization as an HTTPS request: an identity the authorizer
// refuses is refused both ways with the same 403 Status, and errors of the registry come back alike.
import { startHarness, ADMIN, VIEWER, type Harness } from '../api/harness.js';
import { GVR, type Client } from '../../src/client/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { httpClient, inProcessClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';

let h: Harness;
let viewerHttp: HttpClient;
let adminHttp: HttpClient;
beforeAll(async () => {
  h = await startHarness();
  viewerHttp = httpClient(h, 'viewer');
  adminHttp = httpClient(h, 'admin');
});
afterAll(async () => {
  viewerHttp.close();
  adminHttp.close();
  await h.close();
});

const statusOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return (e as StatusError).toStatus();
  }
  throw new Error('expected a refusal');
};

const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'refused' }, data: {} };

test.each<[string, (c: Client) => Promise<unknown>]>([
  ['create', (c) => c.create(GVR.configmaps, 'default', cm)],
  ['get a secret', (c) => c.get(GVR.secrets, 'default', 'x')],
  ['list secrets', (c) => c.list(GVR.secrets, 'kube-system')],
  ['watch secrets', (c) => c.watch(GVR.secrets, undefined, {}, { onEvent: () => {}, onClose: () => {} })],
  ['patch', (c) => c.patch(GVR.namespaces, undefined, 'default', 'merge', { metadata: { labels: { a: 'b' } } })],
  [
    'update status',
    (c) => c.updateStatus(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }),
  ],
  ['delete', (c) => c.delete(GVR.configmaps, 'default', 'kube-root-ca.crt')],
  [
    'bind',
    (c) =>
      c.createSubresource(GVR.pods, 'default', 'p', 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: 'p' },
        target: { kind: 'Node', name: 'n' },
      }),
  ],
])('the viewer may not %s: the same 403 in process and over HTTPS', async (_what, act) => {
  const inProcess = await statusOf(act(inProcessClient(h, VIEWER)));
  const overHttps = await statusOf(act(viewerHttp));
  expect(inProcess.code).toBe(403);
  expect(inProcess.reason).toBe('Forbidden');
  expect(inProcess.message).toContain('User "dockube-viewer" cannot');
  expect(inProcess).toEqual(overHttps);
});

test('what the viewer may do works both ways; registry errors are the same Status', async () => {
  for (const c of [inProcessClient(h, VIEWER), viewerHttp]) {
    const ns = await c.get(GVR.namespaces, undefined, 'default');
    expect(ns).toMatchObject({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default' } });
    expect((await c.list(GVR.namespaces, undefined)).items.map((o) => o.kind)).toContain('Namespace');
  }
  const missing = await statusOf(inProcessClient(h, ADMIN).get(GVR.configmaps, 'default', 'nope'));
  expect(missing).toEqual(await statusOf(adminHttp.get(GVR.configmaps, 'default', 'nope')));
  expect(missing.code).toBe(404);
});

test('writes through either client: create, update, status, patch kinds, delete', async () => {
  for (const [i, c] of [inProcessClient(h, ADMIN), adminHttp].entries()) {
    const name = `rw-${i}`;
    const created = await c.create(GVR.configmaps, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data: { a: '1' },
    });
    const updated = await c.update(GVR.configmaps, 'default', { ...created, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    const merged = await c.patch(GVR.configmaps, 'default', name, 'strategic', { data: { b: '3' } });
    expect(merged.data).toEqual({ a: '2', b: '3' });
    const json = await c.patch(GVR.configmaps, 'default', name, 'json', [{ op: 'remove', path: '/data/a' }]);
    expect(json.data).toEqual({ b: '3' });
    const conflict = await statusOf(c.update(GVR.configmaps, 'default', { ...created, data: {} }));
    expect(conflict.code).toBe(409);
    await c.delete(GVR.configmaps, 'default', name);
    expect((await statusOf(c.get(GVR.configmaps, 'default', name))).code).toBe(404);
  }
});

test('subresources answer alike: binding and eviction (201 Success Status), a missing subresource 404', async () => {
  for (const [i, c] of [inProcessClient(h, ADMIN), adminHttp].entries()) {
    const name = `sub-${i}`;
    await c.create(GVR.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const bound = await c.createSubresource(GVR.pods, 'default', name, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name },
      target: { kind: 'Node', name: 'n1' },
    });
    expect(bound).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect(((await c.get(GVR.pods, 'default', name)).spec as { nodeName?: string }).nodeName).toBe('n1');
    const evicted = await c.createSubresource(GVR.pods, 'default', name, 'eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: 'default' },
    });
    expect(evicted).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(
      (await statusOf(c.createSubresource(GVR.pods, 'default', name, 'nonsense', { apiVersion: 'v1', kind: 'X', metadata: {} }))).code,
    ).toBe(404);
  }
});
