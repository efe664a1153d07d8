// pods/proxy, services/proxy and nodes/proxy through the app to a local HTTP backend on a non-loopback address of
// this host (the apiserver refuses loopback pod IPs): every method with its body, the path and query as sent, the
// client's credentials dropped, X-Forwarded-Uri, the bare /proxy redirected, Location and HTML links rewritten, CORS
// dropped, a WebSocket through the proxy; a service's port number mapped to its endpoints' port name, with upstream's
// 503s and 404s; the node proxy's honest paths. The real engine and kubectl are in conformance/scenarios/66-api-proxy.sh.
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import WebSocket, { WebSocketServer } from 'ws';
import { startHarness, authenticate, type Harness } from './harness.js';
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { nodeLookup, type NodeConnection } from '../../src/node/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const IP = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

let backend: http.Server;
let port = 0;
let closedPort = 0;
let sawFirst: () => void = () => undefined;
const firstSeen = new Promise<void>((r) => (sawFirst = r));
let h: Harness;

class LogNode implements NodeConnection {
  constructor(readonly nodeName: string) {}
  async containerLogs(pod: { metadata: { name?: string } }, container: string) {
    return Readable.from([Buffer.from(`log of ${pod.metadata.name}/${container}\n`)]);
  }
  exec(): never {
    throw new Error('unused');
  }
  attach(): never {
    throw new Error('unused');
  }
  portForward(): never {
    throw new Error('unused');
  }
  async stats() {
    return { containers: [] };
  }
}

const NS = '/api/v1/namespaces/default';

beforeAll(async () => {
  if (!IP) throw new Error('this host has no non-loopback IPv4 address');
  backend = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: `http://${IP}:${port}/landing?from=redirect` }).end();
        return;
      }
      if (req.url === '/redirect-path') {
        res.writeHead(302, { Location: '/elsewhere/' }).end();
        return;
      }
      if (req.url === '/page.html' || req.url === '/page.html.gz') {
        const page = `<html><body><a href="/other">o</a><img src="/x.png"><a href="http://${IP}:${port}/abs">b</a><a href="rel">r</a></body></html>`;
        const gz = req.url.endsWith('.gz');
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          ...(gz ? { 'Content-Encoding': 'gzip' } : {}),
          'Content-Length': String((gz ? zlib.gzipSync(page) : Buffer.from(page)).length),
        });
        res.end(gz ? zlib.gzipSync(page) : page);
        return;
      }
      if (req.url === '/stream') {
        // The second half only once the client has the first: a proxy that buffered the body would never finish.
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.write('first;');
        void firstSeen.then(() => res.end('second'));
        return;
      }
      if (req.url === '/not-html') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '17' }).end('<a href="/other">');
        return;
      }
      if (req.url === '/redirect-away') {
        res.writeHead(302, { Location: 'http://example.invalid/x' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          authorization: req.headers.authorization ?? null,
          forwardedUri: req.headers['x-forwarded-uri'] ?? null,
        }),
      );
    });
  });
  new WebSocketServer({ server: backend }).on('connection', (ws) => ws.on('message', (m: Buffer) => ws.send(`echo:${m}`)));
  await new Promise<void>((r) => backend.listen(0, IP, () => r()));
  port = (backend.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, IP, () => r()));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));

  const nodes = nodeLookup(new LogNode('near'));
  h = await startHarness({ nodes });
  h.server.on('upgrade', createUpgradeHandler({ service: h.service, registry: h.service.registry, authenticate, nodes }));
  await h.api
    .post('/api/v1/nodes')
    .send({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'near' } })
    .expect(201);
  const pod = (name: string, p: number) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: 'near', containers: [{ name: 'main', image: 'img', ports: [{ containerPort: p }] }] },
  });
  for (const [name, p] of [
    ['web', port],
    ['down', closedPort],
  ] as const) {
    const created = await h.api.post(`${NS}/pods`).send(pod(name, p)).expect(201);
    await h.api
      .put(`${NS}/pods/${name}/status`)
      .send({ ...created.body, status: { phase: 'Running', podIP: IP, podIPs: [{ ip: IP }] } })
      .expect(200);
  }
  await h.api.post(`${NS}/pods`).send(pod('nowhere', 80)).expect(201);
  const svc = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { ports: [{ name: 'http', port: 80, targetPort: port }] },
  });
  for (const name of ['web', 'empty', 'noendpoints', 'stranger']) await h.api.post(`${NS}/services`).send(svc(name)).expect(201);
  const endpoints = (name: string, subsets: unknown[]) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets });
  const ports = [{ name: 'http', port }];
  await h.api
    .post(`${NS}/endpoints`)
    .send(endpoints('web', [{ addresses: [{ ip: IP, targetRef: { kind: 'Pod', namespace: 'default', name: 'web' } }], ports }]))
    .expect(201);
  await h.api.post(`${NS}/endpoints`).send(endpoints('empty', [])).expect(201);
  // An address that names no pod: upstream will not proxy to it (isValidAddress).
  await h.api
    .post(`${NS}/endpoints`)
    .send(endpoints('stranger', [{ addresses: [{ ip: IP }], ports }]))
    .expect(201);
});

afterAll(async () => {
  backend?.close();
  await h?.close();
});

describe('pods/proxy', () => {
  test('every method reaches the pod with its body, path and query; credentials stay behind; X-Forwarded-Uri is set', async () => {
    const base = `${NS}/pods/web:${port}/proxy`;
    const r = await h.api.get(`${base}/hello/there?x=1&y=2`).expect(200);
    expect(JSON.parse(r.text)).toEqual({
      method: 'GET',
      url: '/hello/there?x=1&y=2',
      body: '',
      authorization: null,
      forwardedUri: `${base}/hello/there`,
    });
    for (const m of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await h.api[m](`${base}/item`).set('Content-Type', 'text/plain').send(`body-${m}`).expect(200);
      expect(JSON.parse(res.text)).toMatchObject({ method: m.toUpperCase(), url: '/item', body: `body-${m}` });
    }
    const head = await h.api.head(`${base}/item`);
    expect(head.status).toBe(200);
    const options = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .request(
          { host: '127.0.0.1', port: h.port, path: `${base}/item`, method: 'OPTIONS', headers: { Authorization: 'Bearer admin' } },
          resolve,
        )
        .on('error', reject)
        .end(),
    );
    expect(options.statusCode).toBe(200);
    options.resume();
  });

  test("without a port the pod's first declared container port is used; the bare /proxy is redirected to /proxy/", async () => {
    const r = await h.api.get(`${NS}/pods/web/proxy/`).expect(200);
    expect(JSON.parse(r.text)).toMatchObject({ url: '/' });
    const bare = await h.api.get(`${NS}/pods/web:${port}/proxy?a=b`).redirects(0);
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe(`${NS}/pods/web:${port}/proxy/?a=b`);
  });

  test("Location on the backend's host or an absolute path comes back under the proxy; other hosts are left alone; CORS dropped", async () => {
    const base = `${NS}/pods/web:${port}/proxy`;
    const same = await h.api.get(`${base}/redirect`).redirects(0);
    expect(same.status).toBe(302);
    expect(same.headers.location).toBe(`${base}/landing?from=redirect`);
    const path = await h.api.get(`${base}/redirect-path`).redirects(0);
    expect(path.headers.location).toBe(`${base}/elsewhere/`);
    const away = await h.api.get(`${base}/redirect-away`).redirects(0);
    expect(away.headers.location).toBe('http://example.invalid/x');
    const plain = await h.api.get(`${base}/x`);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('an HTML page comes back with its absolute links under the proxy, gzip or not; other bodies untouched', async () => {
    const base = `${NS}/pods/web:${port}/proxy`;
    const want = `<html><body><a href="${base}/other">o</a><img src="${base}/x.png"><a href="${base}/abs">b</a><a href="rel">r</a></body></html>`;
    const plain = await h.api.get(`${base}/page.html`).buffer(true).expect(200);
    expect(plain.text).toBe(want);
    expect(plain.headers['content-length']).toBeUndefined();
    const raw = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) =>
      http
        .get(
          {
            host: '127.0.0.1',
            port: h.port,
            path: `${base}/page.html.gz`,
            headers: { Authorization: 'Bearer admin', 'Accept-Encoding': 'gzip' },
          },
          (r) => {
            const parts: Buffer[] = [];
            r.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve({ headers: r.headers, body: Buffer.concat(parts) }));
          },
        )
        .on('error', reject),
    );
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-length']).toBeUndefined();
    expect(zlib.gunzipSync(raw.body).toString()).toBe(want);
    // A HEAD has no body to rewrite: the headers come as the backend sent them.
    const head = await h.api.head(`${base}/page.html.gz`).expect(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    const text = await h.api.get(`${base}/not-html`).buffer(true).expect(200);
    expect(text.text).toBe('<a href="/other">');
    expect(text.headers['content-length']).toBe('17');
  });

  test('a body that is not HTML streams through, not buffered', async () => {
    const body = await new Promise<string>((resolve, reject) =>
      http
        .get(
          { host: '127.0.0.1', port: h.port, path: `${NS}/pods/web:${port}/proxy/stream`, headers: { Authorization: 'Bearer admin' } },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => {
              text += c;
              if (text.startsWith('first;')) sawFirst();
            });
            r.on('end', () => resolve(text));
          },
        )
        .on('error', reject),
    );
    expect(body).toBe('first;second');
  });

  test('a pod nobody answers for is a 503 in the apiserver words; a pod without an IP is a 400; a missing pod a 404', async () => {
    const down = await h.api.get(`${NS}/pods/down/proxy/`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      message: `error trying to reach service: dial tcp ${IP}:${closedPort}: connect: connection refused`,
    });
    const nowhere = await h.api.get(`${NS}/pods/nowhere/proxy/`);
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.message).toBe('address not allowed');
    const missing = await h.api.get(`${NS}/pods/ghost/proxy/`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('pods "ghost" not found');
  });

  test('authorization is on pods/proxy with the verb of the method', async () => {
    const r = await h.as('viewer').post(`${NS}/pods/web:${port}/proxy/x`).send('x');
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/cannot create resource "pods\/proxy"/);
    const anon = await h.as(undefined).get(`${NS}/pods/web:${port}/proxy/x`);
    expect(anon.status).toBe(401);
  });
});

describe('services/proxy', () => {
  test('the port number is mapped to its name and a ready endpoint of the service answers; a port name works too', async () => {
    const byNumber = await h.api.get(`${NS}/services/web:80/proxy/a?b=c`).expect(200);
    expect(JSON.parse(byNumber.text)).toMatchObject({ url: '/a?b=c', forwardedUri: `${NS}/services/web:80/proxy/a` });
    const byName = await h.api.get(`${NS}/services/http:web:http/proxy/n`).expect(200);
    expect(JSON.parse(byName.text)).toMatchObject({ url: '/n' });
  });

  test("upstream's errors: a port the service lacks, no endpoints, no Endpoints object, an address naming no pod", async () => {
    const noPort = await h.api.get(`${NS}/services/web:81/proxy/`);
    expect(noPort.status).toBe(503);
    expect(noPort.body.message).toBe('no service port 81 found for service "web"');
    const empty = await h.api.get(`${NS}/services/empty:80/proxy/`);
    expect(empty.status).toBe(503);
    expect(empty.body.message).toBe('no endpoints available for service "empty"');
    const none = await h.api.get(`${NS}/services/noendpoints:80/proxy/`);
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('endpoints "noendpoints" not found');
    const stranger = await h.api.get(`${NS}/services/stranger:80/proxy/`);
    expect(stranger.status).toBe(503);
    const bad = await h.api.get(`${NS}/services/ftp:web:80/proxy/`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('invalid service request "ftp:web:80"');
  });

  test('a WebSocket goes through to the backend', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}${NS}/services/web:80/proxy/ws`, { headers: { Authorization: 'Bearer admin' } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (m: Buffer) => resolve(m.toString()));
      ws.on('error', reject);
    });
    expect(reply).toBe('echo:hi');
    ws.close();
  });
});

describe('nodes/proxy', () => {
  test('healthz, the pods bound to the node and container logs; other kubelet paths are a 404 saying why', async () => {
    const health = await h.api.get('/api/v1/nodes/near/proxy/healthz').buffer(true);
    expect(health.status).toBe(200);
    expect(health.text).toBe('ok');
    const pods = await h.api.get('/api/v1/nodes/near/proxy/pods').expect(200);
    expect(pods.body.kind).toBe('PodList');
    expect(pods.body.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual(['down', 'nowhere', 'web']);
    const logs = await h.api.get('/api/v1/nodes/near/proxy/containerLogs/default/web/main').buffer(true);
    expect(logs.text).toBe('log of web/main\n');
    const other = await h.api.get('/api/v1/nodes/near/proxy/stats/summary');
    expect(other.status).toBe(404);
    expect(other.body.message).toMatch(/no kubelet HTTP server/);
    expect((await h.api.get('/api/v1/nodes/ghost/proxy/healthz')).status).toBe(404);
  });
});

test('discovery lists the proxy subresources with upstream verbs', async () => {
  const r = await h.api.get('/api/v1').expect(200);
  const by = Object.fromEntries((r.body.resources as { name: string; kind: string; verbs: string[] }[]).map((x) => [x.name, x]));
  for (const [name, kind] of [
    ['pods/proxy', 'PodProxyOptions'],
    ['services/proxy', 'ServiceProxyOptions'],
    ['nodes/proxy', 'NodeProxyOptions'],
  ])
    expect(by[name]).toMatchObject({ kind, verbs: ['create', 'delete', 'get', 'patch', 'update'] });
  expect(by['pods/portforward']).toMatchObject({ kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
});

test('every proxy request passes CONNECT admission with its options before the backend is reached', async () => {
  const seen: unknown[] = [];
  h.service.admission.addValidating({
    name: 'test-proxy-connect',
    handles: (a) => a.operation === 'CONNECT',
    validate: async (a) => {
      const path = (a.object as unknown as { path?: string }).path ?? '';
      seen.push([a.kind.kind, `${a.resource.resource}/${a.subresource}`, a.namespace, a.name, a.object]);
      if (path.startsWith('/deny'))
        throw new StatusError(403, 'Forbidden', `admission webhook "proxy.example.com" denied the request: ${path}`);
    },
  });
  const refused = await h.api.post(`${NS}/pods/web:${port}/proxy/deny%20me`).send('x');
  expect([refused.status, refused.body.message]).toEqual([403, 'admission webhook "proxy.example.com" denied the request: /deny me']);
  expect((await h.api.get(`${NS}/services/web:80/proxy/ok/`)).status).toBe(200);
  expect((await h.api.get('/api/v1/nodes/near/proxy/deny')).status).toBe(403);
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}${NS}/services/web:80/proxy/deny/ws`, { headers: { Authorization: 'Bearer admin' } });
  await expect(new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))).rejects.toThrow(/403/);
  expect(seen).toEqual([
    ['PodProxyOptions', 'pods/proxy', 'default', `web:${port}`, { kind: 'PodProxyOptions', apiVersion: 'v1', path: '/deny me' }],
    ['ServiceProxyOptions', 'services/proxy', 'default', 'web:80', { kind: 'ServiceProxyOptions', apiVersion: 'v1', path: '/ok/' }],
    ['NodeProxyOptions', 'nodes/proxy', '', 'near', { kind: 'NodeProxyOptions', apiVersion: 'v1', path: '/deny' }],
    ['ServiceProxyOptions', 'services/proxy', 'default', 'web:80', { kind: 'ServiceProxyOptions', apiVersion: 'v1', path: '/deny/ws' }],
  ]);
});
