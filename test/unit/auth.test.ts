import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ensurePki, type Pki } from '../../src/pki/certs.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueSelfSigned, issueCertificate } from '../../src/pki/x509.js';
import { kubeconfigFor, serverUrlFor, writeKubeconfig } from '../../src/pki/kubeconfig.js';
import { createAuthenticator, hasCredentials } from '../../src/api/auth.js';
import { isAnonymousAllowedPath } from '../../src/authorization/authorizer.js';
import { unauthorized } from '../../src/machinery/api/errors.js';
import type { UserInfo } from '../../src/machinery/api/user.js';

/** Runs a command with stdin closed: kubectl prompts for a password on 401 if stdin stays open. */
function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 20000 }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
    child.stdin?.end();
  });
}

let dataDir: string;
let pki: Pki;
let server: Server;
let port: number;
/** Who the server saw, per request, in order. */
const seen: { path: string; user: UserInfo | undefined }[] = [];

const VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-dockube',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '',
  goVersion: 'node',
  compiler: 'node',
  platform: 'linux/amd64',
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dockube-auth-'));
  pki = await ensurePki(dataDir, { hosts: ['127.0.0.1'] });
  const authenticate = createAuthenticator(pki);
  // A tiny API server: public /version, everything else needs credentials.
  server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const user = authenticate(req);
      // Certificates and static tokens are answered synchronously; this server has no service account tokens.
      if (user instanceof Promise) throw new Error('authentication was not synchronous');
      seen.push({ path, user });
      res.setHeader('Content-Type', 'application/json');
      if (!user && (hasCredentials(req) || !isAnonymousAllowedPath(path))) {
        res.statusCode = 401;
        res.end(JSON.stringify(unauthorized().toStatus()));
      } else if (path === '/version') {
        res.end(JSON.stringify(VERSION));
      } else if (path === '/api') {
        res.end(
          JSON.stringify({
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
            user,
          }),
        );
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dataDir, { recursive: true, force: true });
});

function get(
  path: string,
  opts: { cert?: string; key?: string; token?: string; ca?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: false,
        ca: opts.ca ?? pki.caCert,
        cert: opts.cert,
        key: opts.key,
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
const lastUser = () => seen[seen.length - 1]!.user;

describe('authenticator over real TLS', () => {
  test('admin client certificate', async () => {
    const r = await get('/api', { cert: pki.adminCert, key: pki.adminKey });
    expect(r.status).toBe(200);
    expect(lastUser()).toEqual({ name: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('viewer client certificate', async () => {
    expect((await get('/api', { cert: pki.viewerCert, key: pki.viewerKey })).status).toBe(200);
    expect(lastUser()).toEqual({ name: 'dockube-viewer', groups: ['dockube:viewers', 'system:authenticated'] });
  });

  test('bearer tokens', async () => {
    expect((await get('/api', { token: pki.tokens.admin })).status).toBe(200);
    expect(lastUser()).toEqual({ name: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] });
    expect((await get('/api', { token: pki.tokens.viewer })).status).toBe(200);
    expect(lastUser()).toEqual({ name: 'dockube-viewer', groups: ['dockube:viewers', 'system:authenticated'] });
    expect((await get('/api', { token: pki.tokens.monitoring })).status).toBe(200);
    expect(lastUser()).toEqual({ name: 'dockube-monitoring', groups: ['system:monitoring', 'system:authenticated'] });
  });

  test('anonymous requests: /api refused, /version served', async () => {
    const r = await get('/api');
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect(lastUser()).toBeUndefined();
    expect((await get('/version')).status).toBe(200);
  });

  test('wrong token, token prefix, and a bad token on a public path are all 401', async () => {
    expect((await get('/api', { token: 'not-the-token' })).status).toBe(401);
    expect((await get('/api', { token: pki.tokens.admin.slice(0, -1) })).status).toBe(401);
    expect((await get('/version', { token: 'not-the-token' })).status).toBe(401);
  });

  test('a certificate from another CA, or one not meant for clients, identifies nobody', async () => {
    const otherCaKeys = await generateKeyPairPem();
    const otherCa = await issueSelfSigned({ commonName: 'evil-ca', usage: 'ca', validDays: 1 }, otherCaKeys);
    const k = await generateKeyPairPem();
    const forged = await issueCertificate(
      { commonName: 'dockube-admin', organizations: ['system:masters'], usage: 'client', validDays: 1 },
      k.publicKey,
      { keyPem: otherCaKeys.privateKey, certPem: otherCa },
    );
    expect((await get('/api', { cert: forged, key: k.privateKey })).status).toBe(401);
    // The serving certificate chains to our CA but carries serverAuth only.
    expect((await get('/api', { cert: pki.serverCert, key: pki.serverKey })).status).toBe(401);
  });
});

test('isAnonymousAllowedPath', () => {
  for (const p of ['/healthz', '/livez', '/readyz', '/version', '/readyz/ping', '/livez/etcd', '/healthz?verbose=1', '/version/'])
    expect(isAnonymousAllowedPath(p)).toBe(true);
  for (const p of ['/', '/api', '/apis', '/healthzz', '/versions', '/metrics', '/api/v1/namespaces'])
    expect(isAnonymousAllowedPath(p)).toBe(false);
});

describe('kubeconfig', () => {
  test('is written 0600 with the cluster, users and contexts', async () => {
    const path = join(dataDir, 'sub', 'kubeconfig.yaml');
    await writeKubeconfig(path, { server: 'https://127.0.0.1:6443', pki });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const kc = yaml.load(await readFile(path, 'utf8')) as ReturnType<typeof kubeconfigFor> & Record<string, any>;
    expect(kc['current-context']).toBe('dockube');
    const ctx = Object.fromEntries((kc.contexts as any[]).map((c) => [c.name, c.context]));
    expect(ctx.dockube).toEqual({ cluster: 'dockube', user: 'dockube-admin' });
    expect(ctx['dockube-view']).toEqual({ cluster: 'dockube', user: 'dockube-view' });
    const cluster = (kc.clusters as any[])[0];
    expect(cluster.name).toBe('dockube');
    expect(cluster.cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(cluster.cluster['certificate-authority-data'], 'base64').toString()).toBe(pki.caCert);
    const users = Object.fromEntries((kc.users as any[]).map((u) => [u.name, u.user]));
    expect(Buffer.from(users['dockube-admin']['client-certificate-data'], 'base64').toString()).toBe(pki.adminCert);
    expect(Buffer.from(users['dockube-admin']['client-key-data'], 'base64').toString()).toBe(pki.adminKey);
    expect(users['dockube-view']).toEqual({ token: pki.tokens.viewer });
    expect(users['dockube-admin-token']).toEqual({ token: pki.tokens.admin });
    expect(users['dockube-monitoring']).toEqual({ token: pki.tokens.monitoring });
    expect(ctx['dockube-monitoring']).toEqual({ cluster: 'dockube', user: 'dockube-monitoring' });
  });

  test('serverUrlFor', () => {
    expect(serverUrlFor('127.0.0.1', 6443)).toBe('https://127.0.0.1:6443');
    expect(serverUrlFor('0.0.0.0', 1)).toBe('https://127.0.0.1:1');
    expect(serverUrlFor('::', 2)).toBe('https://[::1]:2');
    expect(serverUrlFor('fd00::5', 3)).toBe('https://[fd00::5]:3');
  });
});

describe('real kubectl with the written kubeconfig', () => {
  let kubeconfig: string;
  const kubectl = async (...args: string[]) => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
    try {
      return await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args]);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  };
  beforeAll(async () => {
    kubeconfig = join(dataDir, 'kubectl.yaml');
    await writeKubeconfig(kubeconfig, { server: serverUrlFor('127.0.0.1', port), pki });
  });

  test('version -o json trusts our CA and shows the server version', async () => {
    const { stdout } = await kubectl('version', '-o', 'json');
    const out = JSON.parse(stdout);
    expect(out.serverVersion.gitVersion).toBe('v1.33.0-dockube');
    expect(out.clientVersion.gitVersion).toMatch(/^v1\.\d+/);
  });

  test.each([
    ['dockube', 'dockube-admin'],
    ['dockube-admin-token', 'dockube-admin'],
    ['dockube-view', 'dockube-viewer'],
  ])('context %s presents credentials of %s', async (context, user) => {
    const { stdout } = await kubectl('--context', context, 'get', '--raw', '/api');
    expect(JSON.parse(stdout).user.name).toBe(user);
    expect(seen.filter((s) => s.path === '/api').at(-1)!.user!.name).toBe(user);
  });

  test('the oldest supported kubectl (1.27) accepts the ECDSA chain and client certificate', async () => {
    const { stdout: real } = await run('sh', ['-c', 'readlink -f "$(command -v kubectl)"']);
    const old = join(real.trim(), '..', 'kubectl.1.27');
    if (!(await stat(old).catch(() => undefined))) return; // not installed here
    const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
    const { stdout } = await run(old, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, 'get', '--raw', '/api']);
    await rm(cacheDir, { recursive: true, force: true });
    expect(JSON.parse(stdout).user.name).toBe('dockube-admin');
  });

  // (With no credentials at all kubectl would prompt for a username on 401; a wrong token shows the plain error.)
  test('with a wrong token kubectl reports Unauthorized', async () => {
    const kc = kubeconfigFor({ server: serverUrlFor('127.0.0.1', port), pki }) as any;
    kc.users = [{ name: 'nobody', user: { token: 'wrong-token' } }];
    kc.contexts = [{ name: 'anon', context: { cluster: 'dockube', user: 'nobody' } }];
    kc['current-context'] = 'anon';
    const anon = join(dataDir, 'anon.yaml');
    await writeFile(anon, yaml.dump(kc));
    const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
    const err = await run('kubectl', ['--kubeconfig', anon, '--cache-dir', cacheDir, 'get', '--raw', '/api']).catch((e) => e);
    await rm(cacheDir, { recursive: true, force: true });
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/You must be logged in to the server \(Unauthorized\)/);
  });
});
