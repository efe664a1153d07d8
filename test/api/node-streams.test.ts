// The API layer asks the pod's node (spec.nodeName) for logs, exec and attach through the lookup it is given, never an
// engine of its own: a recording node shows what it was asked, and a pod on a node the server has no connection to
// gets a 500 Status naming that node.
import { PassThrough, Readable } from 'node:stream';
import WebSocket from 'ws';
import http from 'node:http';
import { startHarness, ADMIN, VIEWER, type Harness } from './harness.js';
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { nodeLookup, type ContainerLogOptions, type NodeConnection, type StreamOptions, type StreamSession } from '../../src/node/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { upgradeVerbs } from '../../src/api/streams/upgrade-verbs.js';

interface Call {
  method: string;
  pod: string;
  container?: string;
  command?: string[];
  options?: ContainerLogOptions | StreamOptions;
}

/** A node that answers every stream from memory and records what it was asked. */
class RecordingNode implements NodeConnection {
  calls: Call[] = [];
  resizes: { width: number; height: number }[] = [];
  constructor(readonly nodeName: string) {}
  async containerLogs(pod: { metadata: { name?: string } }, container: string, options: ContainerLogOptions) {
    this.calls.push({ method: 'containerLogs', pod: pod.metadata.name!, container, options });
    if (container === 'gone') throw new StatusError(400, 'BadRequest', 'container "gone" is waiting to start: ContainerCreating');
    return Readable.from([Buffer.from(`log of ${container} from ${this.nodeName}\n`)], { objectMode: false });
  }
  async exec(pod: { metadata: { name?: string } }, container: string, command: string[], options: StreamOptions) {
    this.calls.push({ method: 'exec', pod: pod.metadata.name!, container, command, options });
    return this.session(options, { exitCode: 7 });
  }
  async attach(pod: { metadata: { name?: string } }, container: string, options: StreamOptions) {
    this.calls.push({ method: 'attach', pod: pod.metadata.name!, container, options });
    return this.session(options, {});
  }
  async portForward(): Promise<never> {
    throw new Error('not used');
  }
  async stats() {
    return { containers: [] };
  }
  /** Echoes stdin to stdout until EOF, then ends with `result`. */
  private session(o: StreamOptions, result: { exitCode?: number }): StreamSession {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stderr.end(`from ${this.nodeName}\n`);
    if (o.stdin) stdin.pipe(stdout);
    else stdout.end();
    return {
      stdin: o.stdin ? stdin : undefined,
      stdout,
      stderr,
      tty: o.tty,
      resize: (s) => this.resizes.push(s),
      result: new Promise((resolve) => stdout.on('end', () => resolve(result))),
      close: () => stdin.destroy(),
    };
  }
}

let h: Harness;
const near = new RecordingNode('near');
const podPath = (name: string) => `/api/v1/namespaces/default/pods/${name}`;

async function createPod(name: string, nodeName?: string) {
  await h.api
    .post('/api/v1/namespaces/default/pods')
    .send({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers: [{ name: 'main', image: 'img' }] } })
    .expect(201);
}

interface Frames {
  stdout: string;
  stderr: string;
  status?: Record<string, unknown>;
}
function session(path: string, send: (ws: WebSocket) => void): Promise<Frames> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}${path}`, ['v5.channel.k8s.io'], { headers: { Authorization: 'Bearer admin' } });
    const f: Frames = { stdout: '', stderr: '' };
    ws.on('open', () => send(ws));
    ws.on('message', (d: Buffer) => {
      const text = d.subarray(1).toString('utf8');
      if (d[0] === 1) f.stdout += text;
      else if (d[0] === 2) f.stderr += text;
      else if (d[0] === 3) f.status = JSON.parse(text);
    });
    ws.on('close', () => resolve(f));
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

beforeAll(async () => {
  const nodes = nodeLookup(near);
  h = await startHarness({ nodes });
  // `Bearer viewer` is the viewer (get on everything, create on nothing); anything else the admin.
  const authenticate = (req: http.IncomingMessage) => (req.headers.authorization === 'Bearer viewer' ? VIEWER : ADMIN);
  h.server.on('upgrade', createUpgradeHandler({ service: h.service, registry: h.service.registry, authenticate, nodes }));
  await createPod('here', 'near');
  await createPod('far', 'ghost');
  await createPod('pending');
});

afterAll(() => h?.close());

test('logs come from the pod node, with the options the request gave', async () => {
  const r = await h.api.get(`${podPath('here')}/log?tailLines=3&timestamps=true&limitBytes=100&sinceSeconds=10`).buffer(true);
  expect(r.status).toBe(200);
  expect(r.text).toBe('log of main from near\n');
  expect(near.calls.at(-1)).toEqual({
    method: 'containerLogs',
    pod: 'here',
    container: 'main',
    options: { follow: false, previous: false, timestamps: true, tailLines: 3, limitBytes: 100, sinceSeconds: 10 },
  });
});

test('what the node refuses reaches the client as its Status', async () => {
  await h.api
    .post('/api/v1/namespaces/default/pods')
    .send({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'two' },
      spec: { nodeName: 'near', containers: [{ name: 'gone', image: 'img' }] },
    })
    .expect(201);
  const r = await h.api.get(`${podPath('two')}/log`);
  expect(r.status).toBe(400);
  expect(r.body.message).toBe('container "gone" is waiting to start: ContainerCreating');
});

test('exec and attach are the node sessions: stdin, resize and the exit code go through', async () => {
  const exec = await session(`${podPath('here')}/exec?command=cat&command=-n&stdin=true&stdout=true&stderr=true&tty=true`, (ws) => {
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":80,"Height":24}')]));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hi\n')]));
    ws.send(Buffer.from([255, 0]));
  });
  expect(exec.stdout).toBe('hi\n');
  expect(exec.stderr).toBe('from near\n');
  expect(exec.status).toMatchObject({
    status: 'Failure',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '7' }] },
  });
  expect(near.calls.at(-1)).toEqual({
    method: 'exec',
    pod: 'here',
    container: 'main',
    command: ['cat', '-n'],
    options: { stdin: true, stdout: true, stderr: true, tty: true },
  });
  expect(near.resizes).toEqual([{ width: 80, height: 24 }]);

  const attach = await session(`${podPath('here')}/attach?stdout=true`, () => undefined);
  expect(attach.status).toEqual({ metadata: {}, status: 'Success' });
  expect(near.calls.at(-1)).toMatchObject({
    method: 'attach',
    pod: 'here',
    options: { stdin: false, stdout: true, stderr: false, tty: false },
  });
});

test('a pod on a node without a connection gets a 500 naming the node, for logs, exec and attach', async () => {
  const calls = near.calls.length;
  const message = 'error dialing backend: no connection to node "ghost"';
  const logs = await h.api.get(`${podPath('far')}/log`);
  expect(logs.status).toBe(500);
  expect(logs.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 500, reason: 'InternalError', message });
  for (const sub of ['exec?command=ls&stdout=true', 'attach?stdout=true']) {
    await expect(session(`${podPath('far')}/${sub}`, () => undefined)).rejects.toMatchObject({
      statusCode: 500,
      body: { code: 500, message },
    });
  }
  expect(near.calls.length).toBe(calls);
});

test('an unscheduled pod: an empty log, and exec refused as having no host', async () => {
  const r = await h.api.get(`${podPath('pending')}/log`).buffer(true);
  expect(r.status).toBe(200);
  expect(r.text).toBe('');
  await expect(session(`${podPath('pending')}/exec?command=ls&stdout=true`, () => undefined)).rejects.toMatchObject({
    statusCode: 400,
    body: { message: 'pod pending does not have a host assigned' },
  });
});

/** A WebSocket handshake with any method and token; resolves with the non-101 answer. */
function handshake(method: string, path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: h.port,
      method,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Protocol': 'v5.channel.k8s.io',
        Authorization: `Bearer ${token}`,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('upgraded'));
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
    });
    req.on('error', reject).end();
  });
}

test('the upgrade verbs: create for SPDY POST, get and create for the WebSocket GET (KEP-4006), no other method', () => {
  expect(upgradeVerbs('POST')).toEqual(['create']);
  expect(upgradeVerbs('GET')).toEqual(['get', 'create']);
  expect(() => upgradeVerbs('PUT')).toThrow(expect.objectContaining({ code: 405 }));
});

test('exec and attach: a viewer is refused create on the WebSocket GET, another method is a 405, and the node is never asked', async () => {
  const calls = near.calls.length;
  for (const sub of ['exec?command=ls&stdout=true', 'attach?stdout=true']) {
    const viewer = await handshake('GET', `${podPath('here')}/${sub}`, 'viewer');
    expect(viewer.status).toBe(403);
    expect(viewer.body.message).toContain(`cannot create resource "pods/${sub.split('?')[0]}"`);
    const put = await handshake('PUT', `${podPath('here')}/${sub}`, 'admin');
    expect(put.status).toBe(405);
    expect(put.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
  }
  expect(near.calls.length).toBe(calls);
});

test('exec and attach pass CONNECT admission with their options before the node is asked', async () => {
  const seen: Record<string, unknown>[] = [];
  h.service.admission.addValidating({
    name: 'test-connect',
    handles: (a) => a.operation === 'CONNECT',
    validate: async (a) => {
      seen.push({ kind: a.kind.kind, resource: a.resource.resource, subresource: a.subresource, name: a.name, object: a.object });
      if ((a.object as unknown as { command?: string[] }).command?.[0] === 'forbidden')
        throw new StatusError(403, 'Forbidden', 'admission webhook "connect.example.com" denied the request: no');
    },
  });
  const calls = near.calls.length;
  await expect(session(`${podPath('here')}/exec?command=forbidden&stdout=true&container=main`, () => undefined)).rejects.toMatchObject({
    statusCode: 403,
    body: { message: 'admission webhook "connect.example.com" denied the request: no' },
  });
  expect(near.calls.length).toBe(calls);
  await session(`${podPath('here')}/attach?stdout=true`, () => undefined);
  expect(seen).toEqual([
    {
      kind: 'PodExecOptions',
      resource: 'pods',
      subresource: 'exec',
      name: 'here',
      object: {
        kind: 'PodExecOptions',
        apiVersion: 'v1',
        container: 'main',
        command: ['forbidden'],
        stdout: true,
      },
    },
    {
      kind: 'PodAttachOptions',
      resource: 'pods',
      subresource: 'attach',
      name: 'here',
      object: { kind: 'PodAttachOptions', apiVersion: 'v1', stdout: true },
    },
  ]);
});
