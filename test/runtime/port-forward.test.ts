// pods/portforward end to end on the real engine: the full server (as `dockube server` runs it) forwards to a pod
// running busybox httpd, over TLS, in the three protocols (plain SPDY/3.1, SPDY tunnelled in a WebSocket, the v4
// channel WebSocket, also through @kubernetes/client-node's own PortForward): an HTTP request and its answer, and a
// port nobody listens on refused in the kubelet's words. The real kubectl is in conformance/scenarios/65-port-forward.sh.
// If no engine can be reached this FAILS.
import https from 'node:https';
import type net from 'node:net';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import type { RunningServer } from '../../src/server/server.js';
import { FLAG_FIN } from '../../src/api/streams/spdy/frames.js';
import { SpdyTestClient } from '../support/spdy-client.js';
import { clientWebSocket, rawUpgrade } from '../support/raw-upgrade.js';
import { FullServer } from './full-server.js';

jest.setTimeout(120_000);

const NS = 'default';
const POD = 'pf-runtime';
const full = new FullServer('pf', '10.114.0.0/16');
let dataDir: string;
let server: RunningServer;
let ca: string;
let admin: string;
let port: number;
const PF = `/api/v1/namespaces/${NS}/pods/${POD}/portforward`;

function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${server.url}${path}`,
      { method, ca, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  await full.start();
  ({ server, dataDir, ca, admin, port } = full);
  const created = await request('POST', `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'web',
          image: 'dockube/busybox:test',
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', 'mkdir -p /www && echo hello-pf > /www/index.html && exec httpd -f -p 8080 -h /www'],
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  });
  expect(created.status).toBe(201);
  const end = Date.now() + 90_000;
  for (;;) {
    const pod = (await request('GET', `/api/v1/namespaces/${NS}/pods/${POD}`)).body as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
    if (Date.now() > end) throw new Error(`pod never became Ready: ${JSON.stringify(pod.status)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
});

afterAll(() => full.stop());

const HTTP_GET = Buffer.from('GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n');

async function spdyOver(kind: 'plain' | 'tunnel'): Promise<SpdyTestClient> {
  const auth = { Authorization: `Bearer ${admin}` };
  if (kind === 'plain') {
    const u = await rawUpgrade(
      port,
      'POST',
      PF,
      { ...auth, Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io', 'Content-Length': '0' },
      ca,
    );
    expect(u.status).toBe(101);
    const c = new SpdyTestClient(u.socket);
    u.socket.on('data', (d: Buffer) => c.receive(d));
    if (u.rest.length) c.receive(u.rest);
    u.socket.resume();
    return c;
  }
  const u = await rawUpgrade(
    port,
    'GET',
    PF,
    {
      ...auth,
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io',
    },
    ca,
  );
  expect(u.status).toBe(101);
  const duplex = createWebSocketStream(clientWebSocket(u.socket, u.rest));
  const c = new SpdyTestClient(duplex as unknown as net.Socket);
  duplex.on('data', (d: Buffer) => c.receive(d));
  return c;
}

for (const kind of ['plain', 'tunnel'] as const) {
  test(`${kind} SPDY: an HTTP request to the pod's httpd, and a closed port refused in the kubelet's words`, async () => {
    const c = await spdyOver(kind);
    const h = (type: string, requestId: string, p: string) => ({ streamtype: [type], port: [p], requestid: [requestId] });
    c.open(1, h('error', '0', '8080'));
    c.open(3, h('data', '0', '8080'));
    c.send({ type: 'DATA', streamId: 3, flags: FLAG_FIN, data: HTTP_GET });
    await c.waitFor(() => c.dataOf(3).fin && c.dataOf(1).fin, 15_000);
    const answer = c.dataOf(3).data.toString();
    expect(answer).toMatch(/^HTTP\/1\.[01] 200 OK/);
    expect(answer).toContain('hello-pf');
    expect(c.dataOf(1).data.length).toBe(0);

    c.open(5, h('error', '1', '81'));
    c.open(7, h('data', '1', '81'));
    await c.waitFor(() => c.dataOf(5).fin, 15_000);
    expect(c.dataOf(5).data.toString()).toMatch(
      /^error forwarding port 81 to pod pf-runtime, uid [0-9a-f-]+: dial tcp [\d.]+:81: connect: connection refused$/,
    );
    c.close();
  });
}

test('v4 channel WebSocket: the port first on each channel, then the answer on the data channel', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${port}${PF}?ports=8080`, ['v4.channel.k8s.io'], {
    ca,
    headers: { Authorization: `Bearer ${admin}` },
  });
  const byChannel = new Map<number, Buffer[]>();
  ws.on('message', (d: Buffer) => byChannel.set(d[0]!, [...(byChannel.get(d[0]!) ?? []), d.subarray(1)]));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => {
      ws.send(Buffer.concat([Buffer.from([0]), HTTP_GET]));
      resolve();
    });
    ws.on('error', reject);
  });
  await new Promise<void>((resolve) => ws.on('close', () => resolve()));
  expect(byChannel.get(0)![0]).toEqual(Buffer.from([0x90, 0x1f]));
  expect(byChannel.get(1)![0]).toEqual(Buffer.from([0x90, 0x1f]));
  expect(Buffer.concat(byChannel.get(0)!.slice(1)).toString()).toContain('hello-pf');
});

test("@kubernetes/client-node's PortForward (the v4 channel protocol) carries an HTTP request to the pod", async () => {
  const { KubeConfig, PortForward } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(join(dataDir, 'kubeconfig.yaml'));
  const input = new PassThrough();
  const output = new PassThrough();
  let received = '';
  output.on('data', (d: Buffer) => (received += d.toString()));
  const ws = (await new PortForward(kc).portForward(NS, POD, [8080], output, null, input)) as WebSocket;
  input.write(HTTP_GET);
  await new Promise<void>((resolve) => ws.on('close', () => resolve()));
  expect(received).toMatch(/^HTTP\/1\.[01] 200 OK/);
  expect(received).toContain('hello-pf');
});
