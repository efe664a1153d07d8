// Users of the cluster: certificates minted for a user (`dockube kubeconfig --user`) and CSR-signed ones map CN →
// user and O → groups through a real TLS handshake; --token-auth-file users; legacy service account token Secrets.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ensurePki, type Pki } from '../../src/pki/certs.js';
import { loadClusterCa, mintUserCredentials, MissingCaError } from '../../src/pki/user-credentials.js';
import { createAuthenticator } from '../../src/api/auth.js';
import { parseTokenFile } from '../../src/api/token-file.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueSelfSigned } from '../../src/pki/x509.js';
import { parseKubeconfigFlags, runKubeconfigCommand } from '../../src/cli/kubeconfig-command.js';
import type { CliIo } from '../../src/cli/flags.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import { generateSigningKey } from '../../src/serviceaccount/signing-key.js';
import { LegacyServiceAccountTokens, unverifiedIssuer, LEGACY_ISSUER } from '../../src/serviceaccount/legacy-tokens.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { needsTokenData, tokenDataFor, SA_UID_ANNOTATION } from '../../src/reconcilers/serviceaccount-tokens/token-secret.js';

let dataDir: string;
let pki: Pki;
let server: Server;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dockube-users-'));
  pki = await ensurePki(dataDir, { hosts: ['127.0.0.1'] });
  const { users } = parseTokenFile('file-token,bob,1001,"dev,qa"\n', 'f');
  const authenticate = createAuthenticator(pki, { staticTokens: users });
  server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
    async (req, res) => {
      const user = await authenticate(req);
      res.end(JSON.stringify(user ?? null));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dataDir, { recursive: true, force: true });
});

function whoami(opts: { cert?: string; key?: string; token?: string }): Promise<UserInfo | null> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        agent: false,
        ca: pki.caCert,
        cert: opts.cert,
        key: opts.key,
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d)).on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject).end();
  });
}

test('a minted user certificate authenticates as CN in its O groups', async () => {
  const creds = await mintUserCredentials(await loadClusterCa(dataDir), 'alice', ['dev', 'team:blue'], 3600);
  expect(await whoami({ cert: creds.certPem, key: creds.keyPem })).toEqual({
    name: 'alice',
    groups: ['dev', 'team:blue', 'system:authenticated'],
  });
});

test('a certificate of another CA is not a user', async () => {
  const k = await generateKeyPairPem();
  const otherCa = { certPem: await issueSelfSigned({ commonName: 'other', usage: 'ca', validDays: 1 }, k), keyPem: k.privateKey };
  const creds = await mintUserCredentials(otherCa, 'mallory', ['system:masters'], 3600);
  expect(await whoami({ cert: creds.certPem, key: creds.keyPem })).toBeNull();
});

test('a --token-auth-file token authenticates with its uid and groups; an unknown one does not', async () => {
  expect(await whoami({ token: 'file-token' })).toEqual({ name: 'bob', uid: '1001', groups: ['dev', 'qa', 'system:authenticated'] });
  expect(await whoami({ token: 'file-token2' })).toBeNull();
});

describe('dockube kubeconfig', () => {
  const io = () => {
    const out = { stdout: '', stderr: '', code: -1 };
    const cli: CliIo = {
      stdout: (s) => void (out.stdout += s),
      stderr: (s) => void (out.stderr += s),
      exit: ((c: number) => {
        out.code = c;
        throw new Error('exit');
      }) as CliIo['exit'],
    };
    return { out, cli };
  };

  test('flags: --user is required, --group repeats, expiration has a floor', () => {
    expect(() => parseKubeconfigFlags([])).toThrow('required flag(s) "user" not set');
    expect(parseKubeconfigFlags(['--user', 'a', '--group', 'g1', '--group=g2'], '/w')).toMatchObject({
      user: 'a',
      groups: ['g1', 'g2'],
      dataDir: '/w/.dockube',
    });
    expect(() => parseKubeconfigFlags(['--user', 'a', '--expiration-seconds', '60'])).toThrow(/at least 600/);
  });

  test('prints a kubeconfig whose certificate authenticates, from the data dir alone', async () => {
    const { out, cli } = io();
    await runKubeconfigCommand(['--user', 'carol', '--group', 'dev', '--data-dir', dataDir, '--server', 'https://127.0.0.1:1'], cli);
    const doc = yaml.load(out.stdout) as {
      clusters: { cluster: { server: string } }[];
      users: { name: string; user: Record<string, string> }[];
      'current-context': string;
    };
    expect(doc.clusters[0]!.cluster.server).toBe('https://127.0.0.1:1');
    expect(doc['current-context']).toBe('carol@dockube');
    const u = doc.users[0]!.user;
    const pem = (k: string) => Buffer.from(u[k]!, 'base64').toString('utf8');
    expect(await whoami({ cert: pem('client-certificate-data'), key: pem('client-key-data') })).toEqual({
      name: 'carol',
      groups: ['dev', 'system:authenticated'],
    });
  });

  test('writes --out with mode 0600', async () => {
    const { cli } = io();
    const out = join(dataDir, 'u.yaml');
    await runKubeconfigCommand(['--user', 'dave', '--data-dir', dataDir, '--out', out], cli);
    expect((await readFile(out, 'utf8')).includes('dave@dockube')).toBe(true);
  });

  test('a data dir without a CA is refused clearly (exit 1)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'dockube-noca-'));
    await expect(loadClusterCa(empty)).rejects.toBeInstanceOf(MissingCaError);
    const { out, cli } = io();
    await expect(runKubeconfigCommand(['--user', 'x', '--data-dir', empty], cli)).rejects.toThrow('exit');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/no cluster CA in .*pki/);
    await rm(empty, { recursive: true, force: true });
  });
});

describe('legacy service account token Secrets', () => {
  const sa: KObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'ns', uid: 'sa-uid' } };
  const secret: KObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name: 'bot-token', namespace: 'ns', uid: 's-uid', annotations: { 'kubernetes.io/service-account.name': 'bot' } },
  };
  const key = generateSigningKey();

  const setup = () => {
    const objects = new Map<string, KObject>();
    const tokens = new LegacyServiceAccountTokens(key, async (kind, ns, name) => objects.get(`${kind}/${ns}/${name}`));
    return { objects, tokens };
  };

  test('the controller fills token, ca.crt, namespace and the uid annotation; a filled Secret needs nothing', async () => {
    const { tokens } = setup();
    expect(needsTokenData(secret, 'CA', sa)).toBe(true);
    const filled = await tokenDataFor(secret, sa, 'CA', (a, s) => tokens.issue(a, s));
    const data = filled.data as Record<string, string>;
    expect(Buffer.from(data['ca.crt']!, 'base64').toString()).toBe('CA');
    expect(Buffer.from(data.namespace!, 'base64').toString()).toBe('ns');
    expect(filled.metadata.annotations?.[SA_UID_ANNOTATION]).toBe('sa-uid');
    expect(needsTokenData(filled, 'CA', sa)).toBe(false);
    expect(needsTokenData(filled, 'OTHER CA', sa)).toBe(true);
    // An existing token is kept: clients hold it.
    expect(((await tokenDataFor(filled, sa, 'OTHER CA', () => 'new')).data as Record<string, string>).token).toBe(data.token);
  });

  test('its token authenticates while the Secret holds it and the account exists', async () => {
    const { objects, tokens } = setup();
    const filled = await tokenDataFor(secret, sa, 'CA', (a, s) => tokens.issue(a, s));
    const token = Buffer.from((filled.data as Record<string, string>).token!, 'base64').toString();
    expect(unverifiedIssuer(token)).toBe(LEGACY_ISSUER);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.exp).toBeUndefined();
    expect(claims['kubernetes.io/serviceaccount/secret.name']).toBe('bot-token');
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'Token has been invalidated' });
    objects.set('Secret/ns/bot-token', filled);
    objects.set('ServiceAccount/ns/bot', sa);
    expect(await tokens.authenticate(token)).toEqual({
      name: 'system:serviceaccount:ns:bot',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
    });
    objects.set('ServiceAccount/ns/bot', { ...sa, metadata: { ...sa.metadata, uid: 'new-uid' } });
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'ServiceAccount UID (new-uid) does not match claim (sa-uid)' });
    objects.set('ServiceAccount/ns/bot', sa);
    objects.set('Secret/ns/bot-token', { ...filled, data: { ...(filled.data as object), token: Buffer.from('other').toString('base64') } });
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: "Token does not match server's copy" });
    // A token signed by another key is no token.
    const forged = await new LegacyServiceAccountTokens(generateSigningKey(), async () => undefined).issue(sa, secret);
    expect(await tokens.verify(forged)).toEqual({ ok: false, reason: 'invalid signature' });
  });
});
