// The HTTPS client against the real server, with the kubeconfig the server writes: the admin context (client
// certificate) reads, writes and watches through an informer; the viewer context (token) is refused writes with the
// same 403 Status the in-process client gives that identity. The controllers of the real server run in process, on
// the same seam.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { HttpClient } from '../../src/client/http-client.js';
import { credentialsFromKubeconfig } from '../../src/client/kubeconfig.js';
import { Informer } from '../../src/client/informer.js';
import { GVR } from '../../src/client/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { VIEW_CONTEXT } from '../../src/pki/kubeconfig.js';
import { metricsRegistry } from '../../src/machinery/metrics/registry.js';
import { FullServer } from './full-server.js';

jest.setTimeout(90_000);

const full = new FullServer('client', '10.111.0.0/16');
let dataDir: string;
let admin: HttpClient;
let viewer: HttpClient;

beforeAll(async () => {
  await full.start();
  ({ dataDir } = full);
  const kubeconfig = full.kubeconfig;
  admin = new HttpClient(credentialsFromKubeconfig(kubeconfig));
  viewer = new HttpClient(credentialsFromKubeconfig(kubeconfig, VIEW_CONTEXT));
});

afterAll(async () => {
  admin?.close();
  viewer?.close();
  await full.stop();
});

test('the admin context (client certificate over TLS) lists, writes and watches through an informer', async () => {
  expect(readFileSync(join(dataDir, 'kubeconfig.yaml'), 'utf8')).toContain('client-certificate-data');
  const informer = new Informer(admin, GVR.configmaps, { namespace: 'default', backoffMs: 10 });
  const seen: string[] = [];
  informer.addEventHandler((type, _old, o) => {
    if (o.metadata.name?.startsWith('https-')) seen.push(`${type} ${o.metadata.name}`);
  });
  informer.start();
  await informer.waitForSync();
  // The namespace controller of the server (in process, on the seam) put the root CA there.
  expect(informer.get('default', 'kube-root-ca.crt')).toBeDefined();
  await admin.create(GVR.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'https-a' }, data: { a: '1' } });
  await admin.patch(GVR.configmaps, 'default', 'https-a', 'strategic', { data: { b: '2' } });
  await admin.delete(GVR.configmaps, 'default', 'https-a');
  const end = Date.now() + 5000;
  while (seen.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  informer.stop();
  expect(seen).toEqual(['ADDED https-a', 'MODIFIED https-a', 'DELETED https-a']);
});

test("the viewer context (token) reads, and is refused a write with the apiserver's 403 Status", async () => {
  expect((await viewer.list(GVR.namespaces, undefined)).items.map((n) => n.metadata.name)).toContain('kube-system');
  const err = await viewer
    .create(GVR.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } })
    .catch((e) => e);
  expect(err).toBeInstanceOf(StatusError);
  expect(err.toStatus()).toMatchObject({
    code: 403,
    reason: 'Forbidden',
    message:
      'configmaps is forbidden: User "dockube-viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
  });
});

test("the server's controllers report their workqueues on /metrics", async () => {
  const text = await metricsRegistry.metrics();
  for (const name of ['namespace', 'namespace-defaults']) {
    expect(text).toMatch(new RegExp(`workqueue_adds_total\\{name="${name}"\\} [1-9]`));
    expect(text).toMatch(new RegExp(`controller_runtime_reconcile_time_seconds_count\\{controller="${name}"\\} [1-9]`));
  }
});
