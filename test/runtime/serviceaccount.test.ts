// Service account tokens end to end on the real engine: the full server (as `dockube server` runs it) admits a pod
// with the kube-api-access volume, the kubelet projects token/ca.crt/namespace and the KUBERNETES_* variables, the
// API server answers on the pod network gateway, and the token read out of the container authenticates as the
// service account. If no engine can be reached this FAILS (it never skips).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import https from 'node:https';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { RunningServer } from '../../src/server/server.js';
import { dockerCli, FullServer } from './full-server.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NS = 'default';
const full = new FullServer('sa', '10.110.0.0/16');
let dataDir: string;
let server: RunningServer;
let ca: string;
let admin: string;

function request(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: J }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${server.url}${path}`,
      {
        method,
        ca,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as J });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: { text } });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const docker = dockerCli;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

beforeAll(async () => {
  await full.start();
  ({ server, dataDir, ca, admin } = full);
});

afterAll(() => full.stop());

it('gives a pod a working service account token, the CA, its namespace and the KUBERNETES_* variables', async () => {
  expect((await stat(join(dataDir, 'sa.key'))) & 0o777).toBe(0o600);
  await waitFor(
    'the default service account',
    async () => (await request('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`, admin)).status === 200,
  );
  const node = (await request('GET', '/api/v1/nodes', admin)).body.items[0].metadata.name as string;
  const created = await request('POST', `/api/v1/namespaces/${NS}/pods`, admin, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'sa-runtime' },
    spec: {
      nodeName: node,
      containers: [{ name: 'main', image: 'dockube/busybox:test', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    },
  });
  expect(created.status).toBe(201);
  expect(created.body.spec.volumes[0].name).toMatch(/^kube-api-access-/);

  const id = await waitFor(
    'the running container',
    async () =>
      docker(
        'ps',
        '-q',
        '--filter',
        `label=dockube.io/data-dir=${dataDir}`,
        '--filter',
        'label=io.kubernetes.pod.name=sa-runtime',
        '--filter',
        'label=io.kubernetes.container.name=main',
      ).trim() || undefined,
  );
  const inPod = (...cmd: string[]) => docker('exec', id, ...cmd);
  const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
  expect(inPod('cat', `${dir}/namespace`)).toBe(NS);
  expect(inPod('cat', `${dir}/ca.crt`)).toBe(ca);
  const env = Object.fromEntries(
    inPod('env')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  // As upstream: the kubernetes Service's ClusterIP and port, carried to the API by the service proxy.
  expect(env).toMatchObject({
    KUBERNETES_SERVICE_HOST: '10.110.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.110.0.1:443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.110.0.1',
  });
  // The server listens on the gateway: a TCP connection from the pod succeeds (busybox wget cannot do TLS with an
  // ECDSA server key). Asynchronously: this process is the server and must keep serving meanwhile.
  const nc = async (port: number, host = full.gateway) =>
    (
      await promisify(execFile)('docker', ['exec', id, 'sh', '-c', `timeout 5 nc -w 3 ${host} ${port} </dev/null && echo open; true`])
    ).stdout.trim();
  // The gateway listener binds once the address exists on the host (it polls for it): give it a moment.
  let reached = '';
  for (let i = 0; i < 20 && reached !== 'open'; i++) {
    reached = await nc(server.port);
    if (reached !== 'open') await new Promise((r) => setTimeout(r, 500));
  }
  expect(reached).toBe('open');
  expect(await nc(server.port === 1 ? 2 : 1)).toBe('');
  // ...and through the kubernetes Service's ClusterIP once the proxy's rules are in (one sync after the endpoints).
  let viaService = '';
  for (let i = 0; i < 20 && viaService !== 'open'; i++) {
    viaService = await nc(443, '10.110.0.1');
    if (viaService !== 'open') await new Promise((r) => setTimeout(r, 500));
  }
  expect(viaService).toBe('open');

  const token = inPod('cat', `${dir}/token`);
  const review = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', token, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  expect(review.status).toBe(201);
  expect(review.body.status.userInfo).toMatchObject({
    username: 'system:serviceaccount:default:default',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/pod-name': ['sa-runtime'], 'authentication.kubernetes.io/pod-uid': [created.body.metadata.uid] },
  });
  // Service accounts get discovery and self reviews only.
  expect((await request('GET', `/api/v1/namespaces/${NS}/pods`, token)).status).toBe(403);
  expect((await request('GET', '/apis', token)).status).toBe(200);
});

async function stat(path: string): Promise<number> {
  const { stat: s } = await import('node:fs/promises');
  return (await s(path)).mode;
}
