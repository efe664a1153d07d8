import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from '../../src/pki/certs.js';
import { canonicalIp, ipToBytes, sanSetOf } from '../../src/pki/hosts.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dockube-pki-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

// No time limit asserted: the shared machine's load decides it (the X.509 library alone loads in 0.15-0.4 s).
test('first start creates a CA and certificates that chain to it', async () => {
  const pki = await ensurePki(dataDir, { hosts: ['myhost.example', '10.1.2.3', 'fd00::7'] });

  const ca = new X509Certificate(pki.caCert);
  expect(ca.ca).toBe(true);
  expect(ca.subject).toBe('CN=dockube-ca');
  expect(ca.verify(ca.publicKey)).toBe(true);
  expect(ca.checkPrivateKey(createPrivateKey(pki.caKey))).toBe(true);

  const server = new X509Certificate(pki.serverCert);
  expect(server.ca).toBe(false);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkIssued(ca)).toBe(true);
  expect(server.checkPrivateKey(createPrivateKey(pki.serverKey))).toBe(true);
  for (const h of ['localhost', 'myhost.example']) expect(server.checkHost(h)).toBe(h);
  for (const ip of ['127.0.0.1', '::1', '10.1.2.3', 'fd00::7']) expect(server.checkIP(ip)).toBe(ip);
  expect(server.checkHost('other.example')).toBeUndefined();
  expect(server.checkIP('10.9.9.9')).toBeUndefined();
  expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth

  const admin = new X509Certificate(pki.adminCert);
  expect(admin.verify(ca.publicKey)).toBe(true);
  expect(admin.subject.split('\n').sort()).toEqual(['CN=dockube-admin', 'O=system:masters']);
  expect(admin.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
  expect(admin.checkPrivateKey(createPrivateKey(pki.adminKey))).toBe(true);
  const viewer = new X509Certificate(pki.viewerCert);
  expect(viewer.verify(ca.publicKey)).toBe(true);
  expect(viewer.subject.split('\n').sort()).toEqual(['CN=dockube-viewer', 'O=dockube:viewers']);

  expect(pki.tokens.admin).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  expect(pki.tokens.viewer).not.toBe(pki.tokens.admin);
  const stored = JSON.parse(await readFile(join(dataDir, 'pki', 'tokens.json'), 'utf8'));
  expect(stored).toEqual(pki.tokens);

  expect(await mode(join(dataDir, 'pki'))).toBe(0o700);
  for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.key', 'viewer.crt', 'tokens.json']) {
    expect(await mode(join(dataDir, 'pki', f))).toBe(0o600);
  }
});

test('a second start reloads everything unchanged', async () => {
  const first = await ensurePki(dataDir, { hosts: ['10.1.2.3'] });
  const second = await ensurePki(dataDir, { hosts: ['10.1.2.3', '127.0.0.1'] });
  expect(second).toEqual(first);
});

test('a new host re-issues only the serving certificate', async () => {
  const first = await ensurePki(dataDir, { hosts: ['127.0.0.1'] });
  const second = await ensurePki(dataDir, { hosts: ['192.168.50.4', 'newname'] });
  expect(second.serverCert).not.toBe(first.serverCert);
  expect(second.serverKey).not.toBe(first.serverKey);
  const server = new X509Certificate(second.serverCert);
  expect(server.checkIP('192.168.50.4')).toBe('192.168.50.4');
  expect(server.checkHost('newname')).toBe('newname');
  expect(server.verify(new X509Certificate(first.caCert).publicKey)).toBe(true);
  expect({ ...second, serverCert: '', serverKey: '' }).toEqual({ ...first, serverCert: '', serverKey: '' });
});

test('a damaged leaf is re-issued; a lost CA re-issues everything but keeps the tokens', async () => {
  const first = await ensurePki(dataDir, { hosts: [] });
  await writeFile(join(dataDir, 'pki', 'admin.key'), first.viewerKey); // key no longer matches the cert
  const second = await ensurePki(dataDir, { hosts: [] });
  expect(second.adminCert).not.toBe(first.adminCert);
  expect(second.caCert).toBe(first.caCert);
  expect(second.viewerCert).toBe(first.viewerCert);

  await rm(join(dataDir, 'pki', 'ca.key'));
  const third = await ensurePki(dataDir, { hosts: [] });
  expect(third.caCert).not.toBe(first.caCert);
  for (const c of [third.serverCert, third.adminCert, third.viewerCert]) {
    expect(new X509Certificate(c).verify(new X509Certificate(third.caCert).publicKey)).toBe(true);
  }
  expect(third.tokens).toEqual(first.tokens);
});

test('hosts are split into DNS names and canonical IPs, unspecified addresses dropped', () => {
  expect(sanSetOf(['0.0.0.0', '::', 'Box.Local', '[::1]', '0:0::1', '10.0.0.1'])).toEqual({
    dnsNames: ['localhost', 'box.local'],
    ips: ['127.0.0.1', '::1', '10.0.0.1'],
  });
  expect(canonicalIp('fd00:0:0:0:0:0:0:7')).toBe('fd00::7');
  expect(canonicalIp('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
  expect(ipToBytes('::ffff:1.2.3.4').toString('hex')).toBe('00000000000000000000ffff01020304');
  expect(ipToBytes('10.0.0.1').toString('hex')).toBe('0a000001');
});
