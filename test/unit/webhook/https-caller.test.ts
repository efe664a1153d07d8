import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebhookCaller, WebhookCallError } from '../../../src/webhook/https-caller.js';
import type { ServiceResolver } from '../../../src/webhook/service-resolver.js';
import { makeWebhookCerts, type WebhookCerts } from '../../support/webhook-certs.js';

let certs: WebhookCerts;
let other: WebhookCerts;
let server: https.Server;
let port: number;
const timers: NodeJS.Timeout[] = [];
const seen: { url?: string; host?: string; servername?: string; body: unknown }[] = [];

beforeAll(async () => {
  certs = makeWebhookCerts(['hook.ns1.svc'], ['127.0.0.1']);
  other = makeWebhookCerts(['hook.ns1.svc']);
  server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { answer?: string };
      seen.push({ url: req.url, host: req.headers.host, servername: (req.socket as { servername?: string }).servername, body });
      if (req.url?.startsWith('/slow')) return void timers.push(setTimeout(() => res.end('{}'), 3000));
      if (req.url?.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('boom');
      }
      if (req.url?.startsWith('/garbage')) return void res.end('not json');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  timers.forEach(clearTimeout);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const resolver: ServiceResolver = {
  async resolve(namespace, name, p) {
    if (name === 'missing') throw new Error(`service "${name}" not found`);
    expect([namespace, p]).toEqual(['ns1', 8443]);
    return { host: '127.0.0.1', port };
  },
};

async function callError(p: Promise<unknown>): Promise<WebhookCallError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WebhookCallError);
  return e as WebhookCallError;
}

test('a service webhook is dialled at the resolved address with <svc>.<ns>.svc as server name, Host and verified name', async () => {
  const caller = new WebhookCaller(resolver);
  const svc = { namespace: 'ns1', name: 'hook', port: 8443, path: '/mutate' };
  await expect(caller.post({ service: svc, caBundle: certs.caBundle }, { a: 1 }, { timeoutSeconds: 5 })).resolves.toEqual({
    echoed: { a: 1 },
  });
  expect(seen.at(-1)).toMatchObject({ url: '/mutate?timeout=5s', host: 'hook.ns1.svc:8443', servername: 'hook.ns1.svc' });
  caller.close();
});

test('a URL webhook with an IP is verified against the IP', async () => {
  const caller = new WebhookCaller();
  await expect(
    caller.post({ url: `https://127.0.0.1:${port}/x?y=1`, caBundle: certs.caBundle }, {}, { timeoutSeconds: 5 }),
  ).resolves.toEqual({
    echoed: {},
  });
  expect(seen.at(-1)?.url).toBe('/x?y=1&timeout=5s');
  caller.close();
});

test('failures are worded as the apiserver words them', async () => {
  const caller = new WebhookCaller(resolver);
  const svc = { namespace: 'ns1', name: 'hook', port: 8443, path: '/mutate' };
  expect((await callError(caller.post({ service: svc, caBundle: other.caBundle }, {}, { timeoutSeconds: 5 }))).message).toBe(
    'failed to call webhook: Post "https://hook.ns1.svc:8443/mutate?timeout=5s": tls: failed to verify certificate: x509: certificate signed by unknown authority',
  );
  expect((await callError(caller.post({ service: { ...svc, name: 'missing' } }, {}, { timeoutSeconds: 5 }))).message).toBe(
    'failed to call webhook: Post "https://missing.ns1.svc:8443/mutate?timeout=5s": service "missing" not found',
  );
  const slow = await callError(caller.post({ service: { ...svc, path: '/slow' }, caBundle: certs.caBundle }, {}, { timeoutSeconds: 1 }));
  expect(slow.message).toBe('failed to call webhook: Post "https://hook.ns1.svc:8443/slow?timeout=1s": context deadline exceeded');
  const failed = await callError(caller.post({ service: { ...svc, path: '/fail' }, caBundle: certs.caBundle }, {}, { timeoutSeconds: 5 }));
  expect([failed.statusCode, failed.message]).toEqual([
    500,
    'failed to call webhook: the server responded with the status code 500 but did not return more information',
  ]);
  const garbage = await callError(
    caller.post({ service: { ...svc, path: '/garbage' }, caBundle: certs.caBundle }, {}, { timeoutSeconds: 5 }),
  );
  expect(garbage.message).toMatch(/^failed to call webhook: Post "https:\/\/hook.ns1.svc:8443\/garbage\?timeout=5s": /);
  caller.close();
});

test('a name the certificate does not hold is refused, and a closed port is a refused dial', async () => {
  const caller = new WebhookCaller();
  const wrong = await callError(caller.post({ url: `https://localhost:${port}/`, caBundle: certs.caBundle }, {}, { timeoutSeconds: 5 }));
  expect(wrong.message).toMatch(/tls: failed to verify certificate: x509: .*localhost/);
  const probe = https.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closed = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const refused = await callError(
    caller.post({ url: `https://127.0.0.1:${closed}/`, caBundle: certs.caBundle }, {}, { timeoutSeconds: 5 }),
  );
  expect(refused.message).toBe(
    `failed to call webhook: Post "https://127.0.0.1:${closed}/?timeout=5s": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
  );
  caller.close();
});
