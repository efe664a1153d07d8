// The aggregation layer over the real app: an APIService naming a Service is checked by the availability controller
// (ServiceNotFound, EndpointsNotFound, MissingEndpoints, FailedDiscoveryCheck, Passed), its group shows in /apis and
// its resources in aggregated discovery, and requests under its group/version are authorized here and proxied to
// the extension server over TLS (its caBundle) with the front-proxy client certificate and the user in X-Remote-*
// headers, never the client's credentials. The extension server is an HTTPS server in this process that demands a
// client certificate from the front-proxy CA; the Service resolves to it through a fixed resolver.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ADMIN, startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { RemoteAPIs } from '../../src/api/aggregator/remote-apis.js';
import { RemoteDiscovery } from '../../src/api/aggregator/remote-discovery.js';
import { aggregatorProxy } from '../../src/api/aggregator/proxy.js';
import { availableConditionController } from '../../src/api/aggregator/available-controller.js';
import { ensureFrontProxyCredentials, type FrontProxyCredentials } from '../../src/pki/front-proxy.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { makeWebhookCerts } from '../support/webhook-certs.js';
import { until } from '../support/until.js';

const log = pino({ level: 'silent' });
const GV = '/apis/wardle.example.com/v1alpha1';
const serving = makeWebhookCerts(['api.default.svc']);
const seen: { url: string; headers: IncomingHttpHeaders; clientCN?: string }[] = [];
let dir: string;
let creds: FrontProxyCredentials;
let ext: https.Server;
let extPort: number;
/** What the extension server answers for discovery: 200 unless a test breaks it. */
let discoveryStatus = 200;
let h: Harness;
let controller: Controller;
let discovery: RemoteDiscovery;

const resourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'wardle.example.com/v1alpha1',
  resources: [
    { name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list', 'create'], shortNames: ['fl'] },
    { name: 'flunders/status', singularName: '', namespaced: true, kind: 'Flunder', verbs: ['get'] },
  ],
};

const flunderSchema = {
  type: 'object',
  description: 'A Flunder is a test kind of the wardle server.',
  properties: { spec: { type: 'object', properties: { reference: { type: 'string', description: 'What it refers to.' } } } },
  'x-kubernetes-group-version-kind': [{ group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' }],
};
/** The extension server's OpenAPI: a v3 root linking its group/version (and one it does not own), and a v2 document. */
const remoteOpenAPI: Record<string, unknown> = {
  '/openapi/v3': {
    paths: {
      'apis/wardle.example.com/v1alpha1': { serverRelativeURL: '/openapi/v3/apis/wardle.example.com/v1alpha1?hash=REMOTE' },
      'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=X' },
    },
  },
  '/openapi/v3/apis/wardle.example.com/v1alpha1?hash=REMOTE': {
    openapi: '3.0.0',
    info: { title: 'wardle', version: 'v0' },
    paths: {},
    components: { schemas: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema } },
  },
  '/openapi/v2': {
    swagger: '2.0',
    info: { title: 'wardle', version: 'v0' },
    paths: { '/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders': { get: { operationId: 'listFlunders' } } },
    // A definition this server has too: its own wins.
    definitions: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema, 'io.k8s.api.core.v1.Pod': { type: 'string' } },
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aggregator-'));
  creds = await ensureFrontProxyCredentials(dir);
  ext = https.createServer(
    { cert: serving.certPem, key: serving.keyPem, ca: creds.caCert, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      seen.push({ url: req.url!, headers: req.headers, clientCN: String(peer?.subject?.CN ?? '') });
      res.setHeader('Content-Type', 'application/json');
      if (req.url!.split('?')[0] === GV) {
        res.statusCode = discoveryStatus;
        res.end(JSON.stringify(resourceList));
        return;
      }
      const openapi = remoteOpenAPI[req.url!];
      if (openapi) return void res.end(JSON.stringify(openapi));
      res.end(
        JSON.stringify({ kind: 'FlunderList', apiVersion: 'wardle.example.com/v1alpha1', metadata: {}, items: [], method: req.method }),
      );
    },
  );
  await new Promise<void>((r) => ext.listen(0, '127.0.0.1', r));
  extPort = (ext.address() as AddressInfo).port;
  const resolver = { resolve: async () => ({ host: '127.0.0.1', port: extPort }) };
  const credentials = async () => creds;
  let apis!: RemoteAPIs;
  h = await startHarness({
    aggregator: (service) => {
      const client = makeContext(service, log).client(ADMIN);
      apis = new RemoteAPIs(client);
      discovery = new RemoteDiscovery(apis, resolver, credentials);
      controller = availableConditionController({ client, apis, resolver, credentials, log: log as never });
      return { proxy: aggregatorProxy({ apis, resolver, credentials, authorizer: service.authorizer }), discovery };
    },
  });
  await controller.start();
  discovery.start();
});
afterAll(async () => {
  controller.stop();
  discovery.stop();
  await h.close();
  ext.close();
  rmSync(dir, { recursive: true, force: true });
});

const available = async () =>
  (await h.api.get('/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com').expect(200)).body.status?.conditions?.find(
    (c: { type: string }) => c.type === 'Available',
  );
const waitFor = (reason: string) => until(async () => ((await available())?.reason === reason ? available() : undefined));

test('the APIService is not Available until its Service, endpoints and discovery answer', async () => {
  await h.api
    .post('/apis/apiregistration.k8s.io/v1/apiservices')
    .send({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1alpha1.wardle.example.com' },
      spec: {
        group: 'wardle.example.com',
        version: 'v1alpha1',
        service: { namespace: 'default', name: 'api', port: 443 },
        caBundle: serving.caBundle,
        groupPriorityMinimum: 1000,
        versionPriority: 15,
      },
    })
    .expect(201);
  expect(await waitFor('ServiceNotFound')).toMatchObject({ status: 'False', message: 'service/api in "default" is not present' });
  // Not available: the proxy answers as upstream, in plain text.
  const refused = await h.api.get(`${GV}/namespaces/default/flunders`).expect(503);
  expect(refused.text).toBe('service unavailable\n');

  await h.api
    .post('/api/v1/namespaces/default/services')
    .send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [{ port: 443, targetPort: 8443 }] } })
    .expect(201);
  expect(await waitFor('EndpointsNotFound')).toMatchObject({ message: 'cannot find endpointslices for service/api in "default"' });
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'api-x', labels: { 'kubernetes.io/service-name': 'api' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: false } }],
    ports: [{ name: '', port: 8443, protocol: 'TCP' }],
  };
  await h.api.post('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices').send(slice).expect(201);
  expect(await waitFor('MissingEndpoints')).toMatchObject({
    message: 'endpointslices for service/api in "default" have no addresses with port name ""',
  });
  discoveryStatus = 403;
  await h.api
    .patch('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/api-x')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }] })
    .expect(200);
  expect(await waitFor('FailedDiscoveryCheck')).toMatchObject({
    message: `failing or missing response from https://127.0.0.1:${extPort}${GV}: bad status from https://127.0.0.1:${extPort}${GV}: 403`,
  });
  // The check's identity: the front-proxy certificate, system:kube-aggregator in system:masters.
  const check = seen.find((s) => s.url === GV)!;
  expect(check.clientCN).toBe('front-proxy-client');
  expect(check.headers['x-remote-user']).toBe('system:kube-aggregator');
  discoveryStatus = 200;
  // A change of the APIService checks it again at once.
  await h.api
    .patch('/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ spec: { versionPriority: 16 } })
    .expect(200);
  expect(await waitFor('Passed')).toMatchObject({ status: 'True', message: 'all checks passed' });
});

test('its group is in /apis and its resources in aggregated discovery', async () => {
  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: { name: string }) => g.name === 'wardle.example.com')).toEqual({
    name: 'wardle.example.com',
    versions: [{ groupVersion: 'wardle.example.com/v1alpha1', version: 'v1alpha1' }],
    preferredVersion: { groupVersion: 'wardle.example.com/v1alpha1', version: 'v1alpha1' },
  });
  await h.api.get('/apis/wardle.example.com').expect(200);
  const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
  const agg = await until(async () => {
    const items = (await h.api.get('/apis').set('Accept', accept).expect(200)).body.items;
    return items.find((i: { metadata: { name: string } }) => i.metadata.name === 'wardle.example.com');
  });
  expect(agg.versions[0].resources[0]).toEqual({
    resource: 'flunders',
    responseKind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
    scope: 'Namespaced',
    singularResource: 'flunder',
    verbs: ['get', 'list', 'create'],
    shortNames: ['fl'],
    subresources: [
      { subresource: 'status', responseKind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' }, verbs: ['get'] },
    ],
  });
});

test('requests are authorized here and proxied with the front-proxy identity, never the client credentials', async () => {
  seen.length = 0;
  const raw = (await h.api.get(GV).expect(200)).body;
  expect(raw).toEqual(resourceList);
  const list = await h.api.get(`${GV}/namespaces/default/flunders?limit=5`).set('X-Remote-User', 'mallory').expect(200);
  expect(list.body).toMatchObject({ kind: 'FlunderList', method: 'GET' });
  const got = seen.find((s) => s.url === `${GV}/namespaces/default/flunders?limit=5`)!;
  expect(got.clientCN).toBe('front-proxy-client');
  expect(got.headers['x-remote-user']).toBe(ADMIN.name);
  expect(got.headers['x-remote-group']).toBe(ADMIN.groups.join(', '));
  expect(got.headers.authorization).toBeUndefined();
  expect(got.headers.host).toBe(`api.default.svc:${extPort}`);
  // The viewer may read but not create: refused here, before the extension server sees anything.
  seen.length = 0;
  const denied = await h
    .as('viewer')
    .post(`${GV}/namespaces/default/flunders`)
    .send({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'f' } })
    .expect(403);
  expect(denied.body.message).toContain('cannot create resource "flunders" in API group "wardle.example.com" in the namespace "default"');
  // (Discovery and OpenAPI refreshes, as system:kube-aggregator, may run meanwhile.)
  expect(seen.filter((x) => x.headers['x-remote-user'] !== 'system:kube-aggregator')).toHaveLength(0);
  const created = await h.api
    .post(`${GV}/namespaces/default/flunders`)
    .send({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'f' } })
    .expect(200);
  expect(created.body.method).toBe('POST');
});

test('an impersonated user is the one named to the extension server, extras path-escaped; Impersonate-* never go there', async () => {
  seen.length = 0;
  await h.api
    .get(`${GV}/namespaces/default/flunders`)
    .set('Impersonate-User', 'bob')
    .set('Impersonate-Group', 'system:masters')
    .set('Impersonate-Extra-Scopes.example.com%2fx', 'read')
    .expect(200);
  const got = seen.find((s) => s.url === `${GV}/namespaces/default/flunders`)!;
  expect(got.headers['x-remote-user']).toBe('bob');
  expect(got.headers['x-remote-group']).toContain('system:masters');
  expect(got.headers['x-remote-extra-scopes.example.com%2fx']).toBe('read');
  expect(Object.keys(got.headers).filter((k) => k.startsWith('impersonate-'))).toEqual([]);
});

test("the extension server's OpenAPI is merged in: its group/version in the v3 root and v2, ours kept where both have one", async () => {
  const root = await until(async () => {
    const paths = (await h.api.get('/openapi/v3').expect(200)).body.paths;
    return paths['apis/wardle.example.com/v1alpha1'] ? paths : undefined;
  });
  const link = root['apis/wardle.example.com/v1alpha1'].serverRelativeURL as string;
  expect(link).toMatch(/^\/openapi\/v3\/apis\/wardle\.example\.com\/v1alpha1\?hash=[0-9A-F]{128}$/);
  expect(root['api/v1'].serverRelativeURL).not.toContain('hash=X');
  const doc = await h.api.get(link).expect(200);
  expect(doc.headers['cache-control']).toBe('public, immutable');
  expect(doc.body.components.schemas['com.example.wardle.v1alpha1.Flunder']).toEqual(flunderSchema);
  // A stale hash is sent to the current document, as for the server's own.
  const stale = await h.api.get('/openapi/v3/apis/wardle.example.com/v1alpha1?hash=OLD').expect(301);
  expect(stale.headers.location).toBe(link);
  const v2 = (await h.api.get('/openapi/v2').expect(200)).body;
  expect(v2.definitions['com.example.wardle.v1alpha1.Flunder']).toEqual(flunderSchema);
  expect(v2.paths['/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders']).toEqual({ get: { operationId: 'listFlunders' } });
  expect(v2.definitions['io.k8s.api.core.v1.Pod'].type).toBe('object');
  expect(v2.paths['/api/v1/namespaces/{namespace}/pods']).toBeDefined();
  // The protobuf form (kubectl 1.27/1.28) is built from the merged document too.
  const pb = await h.api
    .get('/openapi/v2')
    .set('Accept', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf')
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(200);
  expect((pb.body as Buffer).includes(Buffer.from('com.example.wardle.v1alpha1.Flunder'))).toBe(true);
});
