// Pull-secret parsing and registry matching (kubelet's docker keyring rules).
import { credentialsFor, dockerConfigOf, registryOf } from '../../src/reconcilers/kubelet/pull-credentials.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (type: string, key: string, body: unknown): KObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type, data: { [key]: b64(JSON.stringify(body)) } }) as KObject;
const dcj = (auths: Record<string, unknown>) => secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', { auths });

describe('pull secrets', () => {
  test('dockerconfigjson and legacy dockercfg are read; other types and broken data give nothing', () => {
    expect(dockerConfigOf(dcj({ 'r:5001': { username: 'u' } }))).toEqual({ 'r:5001': { username: 'u' } });
    expect(dockerConfigOf(secret('kubernetes.io/dockercfg', '.dockercfg', { 'r:5001': { username: 'v' } }))).toEqual({
      'r:5001': { username: 'v' },
    });
    expect(dockerConfigOf(secret('Opaque', '.dockerconfigjson', { auths: { r: {} } }))).toEqual({});
    // the type must match its key, as kubelet checks both
    expect(dockerConfigOf(secret('kubernetes.io/dockercfg', '.dockerconfigjson', { auths: { r: {} } }))).toEqual({});
    const broken = { ...dcj({}), data: { '.dockerconfigjson': b64('{nope') } } as KObject;
    expect(dockerConfigOf(broken)).toEqual({});
  });

  test('registryOf: explicit hosts keep their port; short names are Docker Hub library images', () => {
    expect(registryOf('127.0.0.1:5001/private/busybox:1')).toEqual({ hostPort: '127.0.0.1:5001', repo: 'private/busybox' });
    expect(registryOf('busybox')).toEqual({ hostPort: 'index.docker.io', repo: 'library/busybox' });
    expect(registryOf('me/app@sha256:abc')).toEqual({ hostPort: 'index.docker.io', repo: 'me/app' });
    expect(registryOf('localhost/x:1')).toEqual({ hostPort: 'localhost', repo: 'x' });
  });

  test('the entry for the image host is picked (port exact, scheme ignored), auth wins over user/password', () => {
    const s = dcj({
      'https://127.0.0.1:5001': { username: 'a', password: 'pa' },
      '127.0.0.1:5000': { username: 'other', password: 'x' },
      'registry.example.com': { auth: b64('dec:pw:with:colons'), username: 'ignored', password: 'ignored' },
    });
    expect(credentialsFor('127.0.0.1:5001/private/busybox:1', [s])).toEqual([
      { serveraddress: '127.0.0.1:5001', username: 'a', password: 'pa' },
    ]);
    expect(credentialsFor('127.0.0.1:5002/private/busybox:1', [s])).toEqual([]);
    expect(credentialsFor('registry.example.com/a/b:1', [s])).toEqual([
      { serveraddress: 'registry.example.com', username: 'dec', password: 'pw:with:colons' },
    ]);
    expect(credentialsFor('busybox:1', [s])).toEqual([]);
  });

  test('globs match one host label each; path prefixes narrow; the more specific key comes first', () => {
    const s = dcj({
      '*.example.com': { username: 'glob', password: 'g' },
      'r.example.com/team': { username: 'team', password: 't' },
      'https://index.docker.io/v1/': { username: 'hub', password: 'h' },
    });
    expect(credentialsFor('r.example.com/team/app:1', [s]).map((c) => c.username)).toEqual(['team', 'glob']);
    expect(credentialsFor('r.example.com/teamx/app:1', [s]).map((c) => c.username)).toEqual(['glob']);
    expect(credentialsFor('a.b.example.com/app:1', [s])).toEqual([]);
    expect(credentialsFor('busybox', [s]).map((c) => c.username)).toEqual(['hub']);
    expect(credentialsFor('docker.io/library/busybox:1', [s]).map((c) => c.username)).toEqual(['hub']);
  });
});

describe('pull durations as kubelet prints them (Go Duration of a millisecond-truncated time)', () => {
  test('goMillis', async () => {
    const { goMillis } = await import('../../src/reconcilers/kubelet/image-puller.js');
    expect([0, 7.9, 523, 1000, 1234, 1500, 62_500, 3_723_004].map(goMillis)).toEqual([
      '0s',
      '7ms',
      '523ms',
      '1s',
      '1.234s',
      '1.5s',
      '1m2.5s',
      '1h2m3.004s',
    ]);
  });
});
