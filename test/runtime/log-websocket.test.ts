// pods/log over WebSocket (issue 9) against the real engine: binary.k8s.io, base64.binary.k8s.io and no subprotocol,
// as the apiserver's wsstream.Reader serves any streaming GET, with the plain GET's options.
// If no engine answers this FAILS (it never skips).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ADMIN } from '../api/harness.js';
import { selectReaderProtocol } from '../../src/api/streams/log-websocket.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { StreamsServer } from './streams-fixture.js';

const rand = randomBytes(3).toString('hex');

const authenticate = (req: IncomingMessage) => (req.headers.authorization === 'Bearer admin' ? ADMIN : undefined);
const server = new StreamsServer(authenticate);
const { createPod } = server;
/** The pod's one container, `main`. */
const runContainer = (pod: Pod, cmd: string[], o: { attempt?: number; wait?: boolean } = {}) => server.runContainer(pod, 'main', cmd, o);

interface Read {
  protocol: string;
  messages: { binary: boolean; data: Buffer }[];
  closeCode?: number;
  /** The log: binary messages as they are, text ones base64-decoded. */
  text: string;
}

function readLog(pod: string, query: string, protocols: string[], token = 'admin', onMessage?: (r: Read) => void): Promise<Read> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.h.port}/api/v1/namespaces/default/pods/${pod}/log?${query}`, protocols, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const r: Read = { protocol: '', messages: [], text: '' };
    ws.on('open', () => (r.protocol = ws.protocol));
    ws.on('message', (data: Buffer, binary: boolean) => {
      r.messages.push({ binary, data });
      r.text += binary ? data.toString('utf8') : Buffer.from(data.toString('utf8'), 'base64').toString('utf8');
      onMessage?.(r);
    });
    ws.on('close', (code) => {
      r.closeCode = code;
      resolve(r);
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, body: JSON.parse(body) })),
      );
    });
    ws.on('error', (e) => {
      if (!e.message.startsWith('Unexpected server response')) reject(e);
    });
  });
}

let logs: Pod;
const LOG = 'line1\nline2\nline3\nline4\nline5\n';

beforeAll(async () => {
  await server.start();
  logs = await createPod(`wslogs-${rand}`);
  await runContainer(logs, ['sh', '-c', 'echo old-run'], { wait: true });
  await runContainer(logs, ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done'], { attempt: 1, wait: true });
}, 120_000);

afterAll(() => server.stop(), 60_000);

test('the handshake picks the first offered reader protocol, none offered is binary, channel protocols are refused', () => {
  expect(selectReaderProtocol([])).toBe('');
  expect(selectReaderProtocol(['base64.binary.k8s.io', 'binary.k8s.io'])).toBe('base64.binary.k8s.io');
  expect(selectReaderProtocol(['v4.channel.k8s.io', 'binary.k8s.io'])).toBe('binary.k8s.io');
  expect(selectReaderProtocol(['v5.channel.k8s.io'])).toBeUndefined();
});

test('binary.k8s.io: an empty first message, then the log as binary messages without a channel byte, then a normal close', async () => {
  const r = await readLog(logs.metadata.name!, '', ['binary.k8s.io']);
  expect(r.protocol).toBe('binary.k8s.io');
  expect(r.messages[0]).toEqual({ binary: true, data: Buffer.alloc(0) });
  expect(r.messages.every((m) => m.binary)).toBe(true);
  expect(r.text).toBe(LOG);
  expect(r.closeCode).toBe(1000);
});

test('base64.binary.k8s.io: text messages holding the base64 of the bytes', async () => {
  const r = await readLog(logs.metadata.name!, '', ['base64.binary.k8s.io']);
  expect(r.protocol).toBe('base64.binary.k8s.io');
  expect(r.messages.every((m) => !m.binary)).toBe(true);
  expect(
    r.messages
      .slice(1)
      .map((m) => m.data.toString())
      .join(''),
  ).not.toContain('line');
  expect(r.text).toBe(LOG);
});

test('no subprotocol is binary; tailLines, limitBytes and previous as the plain GET', async () => {
  const n = logs.metadata.name!;
  const plain = await readLog(n, '', []);
  expect(plain.protocol).toBe('');
  expect(plain.text).toBe(LOG);
  expect((await readLog(n, 'tailLines=2', ['binary.k8s.io'])).text).toBe('line4\nline5\n');
  expect((await readLog(n, 'limitBytes=8', ['binary.k8s.io'])).text).toBe('line1\nli');
  expect((await readLog(n, 'previous=true', ['base64.binary.k8s.io'])).text).toBe('old-run\n');
});

test('follow=true streams a running container until it exits', async () => {
  const pod = await createPod(`wsfollow-${rand}`);
  await runContainer(pod, ['sh', '-c', 'echo first; sleep 1.5; echo second']);
  let sawFirstAlone = false;
  const r = await readLog(pod.metadata.name!, 'follow=true', ['binary.k8s.io'], 'admin', (x) => {
    if (x.text === 'first\n') sawFirstAlone = true;
  });
  expect(sawFirstAlone).toBe(true);
  expect(r.text).toBe('first\nsecond\n');
  expect(r.closeCode).toBe(1000);
}, 30_000);

test('refusals: channel protocols (403), no credentials (401), invalid options (422), an unknown container (400)', async () => {
  const n = logs.metadata.name!;
  await expect(readLog(n, '', ['v5.channel.k8s.io'])).rejects.toMatchObject({
    statusCode: 403,
    body: { message: expect.stringContaining('requested protocol(s) are not supported') },
  });
  await expect(readLog(n, '', ['binary.k8s.io'], 'nobody')).rejects.toMatchObject({ statusCode: 401 });
  await expect(readLog(n, 'tailLines=-1', ['binary.k8s.io'])).rejects.toMatchObject({ statusCode: 422 });
  await expect(readLog(n, 'container=nope', ['binary.k8s.io'])).rejects.toMatchObject({
    statusCode: 400,
    body: { message: `container nope is not valid for pod ${n}` },
  });
});
