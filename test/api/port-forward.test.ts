// pods/portforward through the upgrade handler to a fake node whose connections go to local TCP servers (an echo
// server, one that sends a large deterministic payload, and a closed port), in each protocol clients use: plain SPDY/3.1
// (kubectl ≤ 1.30), SPDY tunnelled in a WebSocket (kubectl 1.31+), and the v4 channel WebSocket (client-node). The real
// engine and kubectl are in conformance/scenarios/65-port-forward.sh.
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { startHarness, type Harness } from './harness.js';
import { authenticate } from './harness.js';
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { nodeLookup, type NodeConnection, type PodLike } from '../../src/node/types.js';
import { SpdyTestClient } from '../support/spdy-client.js';
import { clientWebSocket, rawUpgrade } from '../support/raw-upgrade.js';
import { FLAG_FIN } from '../../src/api/streams/spdy/frames.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const BIG = 10 * 1024 * 1024;
/** Deterministic bytes, so a transfer's checksum can be compared with the source's. */
function payload(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((i * 2654435761) >>> 0, i);
  return b;
}
const bigPayload = payload(BIG);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let echoPort = 0;
let bigPort = 0;
let closedPort = 0;
const servers: net.Server[] = [];
const listen = (s: net.Server) =>
  new Promise<number>((r) => {
    servers.push(s);
    s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port));
  });

/** Port 80 is the echo server, 82 sends the large payload, anything else is refused. */
class ForwardingNode implements NodeConnection {
  asked: number[] = [];
  constructor(readonly nodeName: string) {}
  async portForward(pod: PodLike, port: number): Promise<Duplex> {
    this.asked.push(port);
    const to = port === 80 ? echoPort : port === 82 ? bigPort : closedPort;
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: to, allowHalfOpen: true });
      s.once('connect', () => resolve(s));
      s.once('error', () =>
        reject(
          new Error(
            `error forwarding port ${port} to pod ${pod.metadata.name}, uid ${pod.metadata.uid}: dial tcp 127.0.0.1:${to}: connect: connection refused`,
          ),
        ),
      );
    });
  }
  containerLogs(): never {
    throw new Error('unused');
  }
  exec(): never {
    throw new Error('unused');
  }
  attach(): never {
    throw new Error('unused');
  }
  async stats() {
    return { containers: [] };
  }
}

let h: Harness;
const node = new ForwardingNode('near');
const PF = '/api/v1/namespaces/default/pods/web/portforward';

beforeAll(async () => {
  echoPort = await listen(net.createServer({ allowHalfOpen: true }, (s) => s.pipe(s)));
  bigPort = await listen(net.createServer((s) => s.end(bigPayload)));
  const closed = net.createServer();
  closedPort = await listen(closed);
  servers.pop();
  await new Promise((r) => closed.close(r));
  const nodes = nodeLookup(node);
  h = await startHarness({ nodes });
  h.server.on('upgrade', createUpgradeHandler({ service: h.service, registry: h.service.registry, authenticate, nodes }));
  await h.api
    .post('/api/v1/namespaces/default/pods')
    .send({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { nodeName: 'near', containers: [{ name: 'main', image: 'img' }] },
    })
    .expect(201);
});

afterAll(async () => {
  for (const s of servers) s.close();
  await h?.close();
});

const spdyHeaders = {
  Upgrade: 'SPDY/3.1',
  'X-Stream-Protocol-Version': 'portforward.k8s.io',
  Authorization: 'Bearer admin',
  'Content-Length': '0',
};

async function spdySession(): Promise<SpdyTestClient> {
  const u = await rawUpgrade(h.port, 'POST', PF, spdyHeaders);
  expect(u.status).toBe(101);
  expect(u.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
  expect(u.headers['upgrade']).toBe('SPDY/3.1');
  const c = new SpdyTestClient(u.socket);
  u.socket.on('data', (d: Buffer) => c.receive(d));
  if (u.rest.length) c.receive(u.rest);
  u.socket.resume();
  return c;
}

/** SPDY inside a WebSocket, as kubectl 1.31+ tunnels it; the ws client cannot offer the subprotocol, so it is raw. */
async function tunnelSession(): Promise<SpdyTestClient> {
  const u = await rawUpgrade(h.port, 'GET', PF, {
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io',
    Authorization: 'Bearer admin',
  });
  expect(u.status).toBe(101);
  expect(u.headers['sec-websocket-protocol']).toBe('SPDY/3.1+portforward.k8s.io');
  const ws = clientWebSocket(u.socket, u.rest);
  const duplex = createWebSocketStream(ws);
  const c = new SpdyTestClient(duplex as unknown as net.Socket);
  duplex.on('data', (d: Buffer) => c.receive(d));
  duplex.on('close', () => c.receive(Buffer.alloc(0)));
  return c;
}

/** Opens a forwarded connection's pair (error first, as kubectl does) and returns the data stream's id. */
function openPair(c: SpdyTestClient, requestId: number, port: number): { error: number; data: number } {
  const error = 4 * requestId + 1;
  const data = error + 2;
  const h = (type: string) => ({ streamtype: [type], port: [String(port)], requestid: [String(requestId)] });
  c.open(error, h('error'));
  c.open(data, h('data'));
  return { error, data };
}

const finOn = (c: SpdyTestClient, id: number) => () => c.dataOf(id).fin;

for (const [name, open] of [
  ['plain SPDY/3.1', spdySession],
  ['SPDY/3.1 tunnelled in a WebSocket', tunnelSession],
] as const) {
  describe(name, () => {
    test('concurrent connections each reach the pod port; the FIN of each side travels; error streams close empty', async () => {
      const c = await open();
      const pairs = [0, 1, 2, 3, 4].map((i) => ({ i, ...openPair(c, i, 80) }));
      for (const p of pairs) {
        c.send({ type: 'DATA', streamId: p.data, flags: 0, data: Buffer.from(`hello ${p.i} `) });
        c.send({ type: 'DATA', streamId: p.data, flags: FLAG_FIN, data: Buffer.from(`bye ${p.i}`) });
      }
      for (const p of pairs) {
        await c.waitFor(finOn(c, p.data));
        await c.waitFor(finOn(c, p.error));
        expect(c.dataOf(p.data).data.toString()).toBe(`hello ${p.i} bye ${p.i}`);
        expect(c.dataOf(p.error).data.length).toBe(0);
      }
      c.close();
    });

    test('a closed port: the error stream carries the refusal in upstream words, and both streams close', async () => {
      const c = await open();
      const p = openPair(c, 0, 81);
      await c.waitFor(finOn(c, p.error));
      expect(c.dataOf(p.error).data.toString()).toMatch(
        /^error forwarding port 81 to pod web, uid .*: dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/,
      );
      await c.waitFor(finOn(c, p.data));
      // The session goes on: another connection on it still works.
      const q = openPair(c, 1, 80);
      c.send({ type: 'DATA', streamId: q.data, flags: FLAG_FIN, data: Buffer.from('still here') });
      await c.waitFor(finOn(c, q.data));
      expect(c.dataOf(q.data).data.toString()).toBe('still here');
      c.close();
    });

    test('a 10 MB transfer from the pod arrives whole (checksum), beside an echo on the same session', async () => {
      const c = await open();
      const big = openPair(c, 0, 82);
      const small = openPair(c, 1, 80);
      c.send({ type: 'DATA', streamId: small.data, flags: FLAG_FIN, data: Buffer.from('x') });
      await c.waitFor(finOn(c, small.data), 10_000);
      await c.waitFor(finOn(c, big.data), 20_000);
      const got = c.dataOf(big.data).data;
      expect(got.length).toBe(BIG);
      expect(sha(got)).toBe(sha(bigPayload));
      c.close();
    }, 30_000);

    test('a 10 MB upload to the pod comes back whole through the echo', async () => {
      const c = await open();
      const p = openPair(c, 0, 80);
      for (let off = 0; off < BIG; off += 256 * 1024) {
        const last = off + 256 * 1024 >= BIG;
        c.send({ type: 'DATA', streamId: p.data, flags: last ? FLAG_FIN : 0, data: bigPayload.subarray(off, off + 256 * 1024) });
      }
      await c.waitFor(finOn(c, p.data), 20_000);
      expect(sha(c.dataOf(p.data).data)).toBe(sha(bigPayload));
      c.close();
    }, 30_000);

    test('a stream without a port header is reset; a pair left incomplete is not forwarded', async () => {
      const c = await open();
      const asked = node.asked.length;
      c.open(1, { streamtype: ['data'], requestid: ['0'] });
      await c.waitFor((f) => f.some((x) => x.type === 'RST_STREAM' && x.streamId === 1));
      c.open(3, { streamtype: ['data'], port: ['80'], requestid: ['1'] });
      await new Promise((r) => setTimeout(r, 100));
      expect(node.asked.length).toBe(asked);
      c.close();
    });
  });
}

describe('v4 channel WebSocket (client-node)', () => {
  interface Channels {
    ws: WebSocket;
    byChannel: Map<number, Buffer[]>;
    closed: Promise<void>;
  }
  /** Collects from the start: the port prefixes come right after the handshake. */
  function channels(query: string, protocols = ['v4.channel.k8s.io']): Promise<Channels> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${h.port}${PF}${query}`, protocols, { headers: { Authorization: 'Bearer admin' } });
      const byChannel = new Map<number, Buffer[]>();
      ws.on('message', (d: Buffer) => {
        const list = byChannel.get(d[0]!) ?? [];
        list.push(d.subarray(1));
        byChannel.set(d[0]!, list);
      });
      const closed = new Promise<void>((r) => ws.on('close', () => r()));
      ws.on('open', () => resolve({ ws, byChannel, closed }));
      ws.on('error', reject);
    });
  }

  test('each channel starts with the port (LE uint16); data goes both ways; the pod EOF closes the WebSocket', async () => {
    const { ws, byChannel, closed } = await channels('?ports=82');
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    await closed;
    const data = byChannel.get(0)!;
    expect(data[0]).toEqual(Buffer.from([82, 0]));
    expect(byChannel.get(1)![0]).toEqual(Buffer.from([82, 0]));
    expect(sha(Buffer.concat(data.slice(1)))).toBe(sha(bigPayload));
  }, 30_000);

  test('input on the data channel reaches the pod; a refused port is told on the error channel', async () => {
    const { ws, byChannel, closed } = await channels('?ports=80&ports=81');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => Buffer.concat(byChannel.get(0)?.slice(1) ?? []).toString() === 'ping');
    expect(Buffer.concat(byChannel.get(0)!.slice(1)).toString()).toBe('ping');
    await until(() => (byChannel.get(3)?.length ?? 0) > 1);
    expect(byChannel.get(2)![0]).toEqual(Buffer.from([81, 0]));
    expect(Buffer.concat(byChannel.get(3)!.slice(1)).toString()).toMatch(/error forwarding port 81 .*connection refused/);
    ws.close();
    await closed;
  });

  test('no ports is a 400', async () => {
    await expect(channels('')).rejects.toThrow(/Unexpected server response: 400/);
  });
});

describe('the upgrade itself', () => {
  test('SPDY without our protocol is 403; without any is 400', async () => {
    const wrong = await rawUpgrade(h.port, 'POST', PF, { ...spdyHeaders, 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body).message).toBe(
      'unable to upgrade: unable to negotiate protocol: client supports [v4.channel.k8s.io], server accepts [portforward.k8s.io]',
    );
    const none = await rawUpgrade(h.port, 'POST', PF, { Upgrade: 'SPDY/3.1', Authorization: 'Bearer admin', 'Content-Length': '0' });
    expect(none.status).toBe(400);
  });

  test('a get-only user is refused both ways (the WebSocket GET also needs create, KEP-4006)', async () => {
    const post = await rawUpgrade(h.port, 'POST', PF, { ...spdyHeaders, Authorization: 'Bearer viewer' });
    expect(post.status).toBe(403);
    expect(JSON.parse(post.body).message).toMatch(/cannot create resource "pods\/portforward"/);
    const get = await rawUpgrade(h.port, 'GET', `${PF}?ports=80`, {
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      Authorization: 'Bearer viewer',
    });
    expect(get.status).toBe(403);
  });

  test('CONNECT admission sees PodPortForwardOptions (ports from the query) and can refuse before the pod is asked', async () => {
    const seen: unknown[] = [];
    h.service.admission.addValidating({
      name: 'test-portforward-connect',
      handles: (a) => a.operation === 'CONNECT',
      validate: async (a) => {
        seen.push([a.kind.kind, `${a.resource.resource}/${a.subresource}`, a.name, a.object]);
        if ((a.object as unknown as { ports?: number[] }).ports?.includes(99))
          throw new StatusError(403, 'Forbidden', 'admission webhook "pf.example.com" denied the request: not 99');
      },
    });
    const asked = node.asked.length;
    const get = await rawUpgrade(h.port, 'GET', `${PF}?ports=80,99`, {
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      Authorization: 'Bearer admin',
    });
    expect([get.status, JSON.parse(get.body).message]).toEqual([403, 'admission webhook "pf.example.com" denied the request: not 99']);
    const c = await spdySession();
    c.close();
    expect(node.asked.length).toBe(asked);
    expect(seen).toEqual([
      ['PodPortForwardOptions', 'pods/portforward', 'web', { kind: 'PodPortForwardOptions', apiVersion: 'v1', ports: [80, 99] }],
      ['PodPortForwardOptions', 'pods/portforward', 'web', { kind: 'PodPortForwardOptions', apiVersion: 'v1' }],
    ]);
  });

  test('a missing pod is a 404 Status; a plain request (no upgrade) is a 400', async () => {
    const missing = await rawUpgrade(h.port, 'POST', '/api/v1/namespaces/default/pods/nope/portforward', spdyHeaders);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).message).toBe('pods "nope" not found');
    const plain = await h.api.post(PF).send('');
    expect(plain.status).toBe(400);
  });
});
