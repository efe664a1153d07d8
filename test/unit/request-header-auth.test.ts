// Front-proxy (request header) authentication over real TLS: a client certificate signed by the front-proxy CA with an
// allowed CN asserts the user in X-Remote-* headers (removed once used); the same headers from a user's certificate,
// a token or a certificate of another CN or CA are ignored; a front proxy's certificate is no user of its own.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator } from '../../src/api/auth.js';
import {
  REQUEST_HEADER_DEFAULTS,
  requestHeaderAuthenticator,
  type RequestHeaderAuthenticator,
  type RequestHeaderConfig,
} from '../../src/api/request-header-auth.js';
import { dataDirLayout } from '../../src/data-dir.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import { ensurePki, type Pki } from '../../src/pki/certs.js';
import { ensureFrontProxyCredentials, type FrontProxyCredentials } from '../../src/pki/front-proxy.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueCertificate, issueSelfSigned } from '../../src/pki/x509.js';

interface Seen {
  user?: UserInfo;
  /** The X-Remote-* headers still on the request after authentication. */
  left: string[];
}

let dataDir: string;
let pki: Pki;
let frontProxy: FrontProxyCredentials;
let server: Server;
let port: number;
let config: RequestHeaderConfig;
const certs: Record<string, { cert: string; key: string }> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dockube-requestheader-'));
  pki = await ensurePki(dataDir, { hosts: ['127.0.0.1'] });
  frontProxy = await ensureFrontProxyCredentials(dataDir);
  const caKey = await readFile(dataDirLayout(dataDir).pki.key('front-proxy-ca'), 'utf8');
  const signer = { keyPem: caKey, certPem: frontProxy.caCert };
  const other = await generateKeyPairPem();
  certs.other = {
    cert: await issueCertificate({ commonName: 'other-proxy', usage: 'client', validDays: 1 }, other.publicKey, signer),
    key: other.privateKey,
  };
  // Same CN as the real one, but from a CA nobody trusts.
  const rogue = await generateKeyPairPem();
  certs.rogue = {
    cert: await issueSelfSigned({ commonName: 'front-proxy-client', usage: 'client', validDays: 1 }, rogue),
    key: rogue.privateKey,
  };
  certs.proxy = { cert: frontProxy.clientCert, key: frontProxy.clientKey };
  certs.admin = { cert: pki.adminCert, key: pki.adminKey };
  config = { clientCaPem: frontProxy.caCert, allowedNames: ['front-proxy-client'], ...REQUEST_HEADER_DEFAULTS };
  // Rebuilt when a test changes `config`, as a restart with other flags would.
  let built: [RequestHeaderConfig, RequestHeaderAuthenticator] | undefined;
  const current = () => (built?.[0] === config ? built[1] : (built = [config, requestHeaderAuthenticator(config)])[1]);
  const authenticate = createAuthenticator(pki, { requestHeader: current });
  server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: [pki.caCert, frontProxy.caCert], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const user = authenticate(req) as UserInfo | undefined;
      // Authenticated again (as an upgrade's audit and its handler both do): the same user, though the headers are gone.
      if (JSON.stringify(authenticate(req)) !== JSON.stringify(user)) res.statusCode = 500;
      const left = Object.keys(req.headers).filter((h) => h.startsWith('x-remote-') || h === 'x-user');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...(user ? { user } : {}), left } satisfies Seen));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dataDir, { recursive: true, force: true });
});

/** Header lines as Node sends them: an array value is one line per value. */
function lines(headers: [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of headers) (out[k] ??= []).push(v);
  return out;
}

/** One request with the named client certificate (or none) and raw header lines (repeated names kept apart). */
function call(cert: string | undefined, headers: [string, string][]): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        ca: pki.caCert,
        agent: false,
        ...(cert ? { cert: certs[cert]!.cert, key: certs[cert]!.key } : {}),
        headers: lines(headers),
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(body) as Seen) : reject(new Error('authenticated differently twice')),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const asserted: [string, string][] = [
  ['X-Remote-User', 'alice'],
  ['X-Remote-Group', 'devs'],
  ['X-Remote-Group', 'ops'],
  ['X-Remote-Extra-Scopes', 'read'],
  ['X-Remote-Extra-Scopes', 'write'],
  ['X-Remote-Extra-Acme.com%2fproject', 'p1'],
];

test('the front proxy asserts user, groups and extras; the headers are gone after', async () => {
  expect(await call('proxy', asserted)).toEqual({
    user: {
      name: 'alice',
      groups: ['devs', 'ops', 'system:authenticated'],
      extra: { scopes: ['read', 'write'], 'acme.com/project': ['p1'] },
    },
    left: [],
  });
});

test('without X-Remote-User the front proxy is nobody: its certificate is no user certificate, a token still speaks', async () => {
  expect(await call('proxy', [['X-Remote-Group', 'devs']])).toEqual({ left: ['x-remote-group'] });
  const token = await call('proxy', [['Authorization', `Bearer ${pki.tokens.viewer}`]]);
  expect(token.user?.name).toBe('dockube-viewer');
});

test("others' X-Remote-* headers are ignored: a user's certificate, a token, another CN, an untrusted CA", async () => {
  const admin = await call('admin', asserted);
  expect(admin.user).toEqual({ name: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] });
  expect(admin.left).toContain('x-remote-user');
  const viewer = await call(undefined, [...asserted, ['Authorization', `Bearer ${pki.tokens.viewer}`]]);
  expect(viewer.user?.name).toBe('dockube-viewer');
  expect((await call('other', asserted)).user).toBeUndefined();
  expect((await call('rogue', asserted)).user).toBeUndefined();
  expect((await call(undefined, asserted)).user).toBeUndefined();
});

test('an empty allowed-names list takes any CN the CA signed; other header names replace the defaults', async () => {
  const saved = config;
  try {
    config = { ...saved, allowedNames: [] };
    expect((await call('other', asserted)).user?.name).toBe('alice');
    config = { ...saved, usernameHeaders: ['X-User'], groupHeaders: [], extraHeadersPrefixes: [] };
    expect((await call('proxy', asserted)).user).toBeUndefined();
    const custom = await call('proxy', [...asserted, ['X-User', 'bob']]);
    expect(custom.user).toEqual({ name: 'bob', groups: ['system:authenticated'] });
    expect(custom.left.sort()).toEqual(['x-remote-extra-acme.com%2fproject', 'x-remote-extra-scopes', 'x-remote-group', 'x-remote-user']);
  } finally {
    config = saved;
  }
});
