// pods/log, pods/exec and pods/attach against the real engine: containers are created here with the pod labels
// (the pod runtime is not needed), and found by the lookup through those labels.
// If no engine answers this FAILS (it never skips).
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { asText, ADMIN, VIEWER } from '../api/harness.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { StreamsServer } from './streams-fixture.js';

const rand = randomBytes(3).toString('hex');

function authenticate(req: IncomingMessage) {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] === 'admin' ? ADMIN : m?.[1] === 'viewer' ? VIEWER : undefined;
}
const server = new StreamsServer(authenticate);
const { createPod, runContainer } = server;

const get = (path: string) => server.h.api.get(path).buffer(true).parse(asText);
const logPath = (pod: string, q = '') => `/api/v1/namespaces/default/pods/${pod}/log${q ? `?${q}` : ''}`;

interface Session {
  protocol: string;
  stdout: string;
  stderr: string;
  status?: any;
  statusText?: string;
  closeCode?: number;
}

/** One exec/attach session over the ws client; `send` runs once the socket is open. */
function session(path: string, protocols: string[], send: (ws: WebSocket) => void = () => undefined, token = 'admin'): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.h.port}${path}`, protocols, { headers: { Authorization: `Bearer ${token}` } });
    const s: Session = { protocol: '', stdout: '', stderr: '' };
    ws.on('open', () => {
      s.protocol = ws.protocol;
      send(ws);
    });
    ws.on('message', (d: Buffer) => {
      const payload = d.subarray(1).toString('utf8');
      if (d[0] === 1) s.stdout += payload;
      else if (d[0] === 2) s.stderr += payload;
      else if (d[0] === 3) {
        s.statusText = payload;
        try {
          s.status = JSON.parse(payload);
        } catch {
          /* v1-v3 text */
        }
      }
    });
    ws.on('close', (code) => {
      s.closeCode = code;
      resolve(s);
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c;
      });
      res.on('end', () =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, body: JSON.parse(body) })),
      );
    });
    ws.on('error', (e) => {
      if (!(e.message ?? '').startsWith('Unexpected server response')) reject(e);
    });
  });
}
const V5 = ['v5.channel.k8s.io'];
const execPath = (pod: string, cmd: string[], q: string) =>
  `/api/v1/namespaces/default/pods/${pod}/exec?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${q}`;
const frameOf = (ch: number, s: string | Buffer) => Buffer.concat([Buffer.from([ch]), Buffer.from(s)]);

let logs: Pod;
let web: Pod;

beforeAll(async () => {
  await server.start();
  logs = await createPod(`logs-${rand}`, [{ name: 'main' }]);
  // attempt 0 ran and exited; attempt 1 is the current one.
  // stdout and stderr are separate pipes: the pause keeps their order in the log deterministic.
  await runContainer(logs, 'main', ['sh', '-c', 'echo old-run'], { wait: true });
  await runContainer(logs, 'main', ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 0.3; echo oops >&2'], {
    attempt: 1,
    wait: true,
  });
  web = await createPod(`web-${rand}`, [{ name: 'main' }]);
  await runContainer(web, 'main', ['sleep', '3600']);
}, 120_000);

afterAll(() => server.stop(), 60_000);

describe('discovery', () => {
  it('lists pods/log (get) and pods/exec, pods/attach (create, get)', async () => {
    const r = await server.h.api.get('/api/v1');
    const by = Object.fromEntries(r.body.resources.map((x: any) => [x.name, x]));
    expect(by['pods/log']).toMatchObject({ kind: 'Pod', verbs: ['get'], namespaced: true });
    expect(by['pods/exec']).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(by['pods/attach']).toMatchObject({ kind: 'PodAttachOptions', verbs: ['create', 'get'] });
  });
});

describe('pods/log', () => {
  it('returns the current container log as text/plain, stdout and stderr merged', async () => {
    const r = await get(logPath(logs.metadata.name!));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toBe('line1\nline2\nline3\nline4\nline5\noops\n');
    // The only container is the default.
    expect((await get(logPath(logs.metadata.name!, 'container=main'))).body).toBe(r.body);
  });

  it('honours tailLines, limitBytes, timestamps, sinceTime and sinceSeconds', async () => {
    const n = logs.metadata.name!;
    expect((await get(logPath(n, 'tailLines=2'))).body).toBe('line5\noops\n');
    expect((await get(logPath(n, 'tailLines=0'))).body).toBe('');
    expect((await get(logPath(n, 'limitBytes=8'))).body).toBe('line1\nli');
    const ts = (await get(logPath(n, 'timestamps=true&tailLines=1'))).body as string;
    expect(ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z oops\n$/);
    expect((await get(logPath(n, `sinceTime=${new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z/, 'Z')}`))).body).toBe('');
    expect((await get(logPath(n, 'sinceSeconds=3600'))).body).toContain('line1\n');
  });

  it('reads the previous container with previous=true', async () => {
    expect((await get(logPath(logs.metadata.name!, 'previous=true'))).body).toBe('old-run\n');
    const r = await server.h.api.get(logPath(web.metadata.name!, 'previous=true'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      reason: 'BadRequest',
      message: `previous terminated container "main" in pod "${web.metadata.name}" not found`,
    });
  });

  it('rejects invalid options and unknown or unnamed containers as the apiserver does', async () => {
    const bad = await server.h.api.get(logPath(logs.metadata.name!, 'container=nope'));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(`container nope is not valid for pod ${logs.metadata.name}`);
    const two = await createPod(`two-${rand}`, [{ name: 'a' }, { name: 'b' }]);
    const r = await server.h.api.get(logPath(two.metadata.name!));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(`a container name must be specified for pod ${two.metadata.name}, choose one of: [a b]`);
    const neg = await server.h.api.get(logPath(logs.metadata.name!, 'tailLines=-1'));
    expect(neg.status).toBe(422);
    expect(neg.body.message).toContain('tailLines: Invalid value: -1: must be greater than or equal to 0');
  });

  it('says a container without a Docker container is waiting to start', async () => {
    const p = await createPod(`pending-${rand}`, [{ name: 'main' }]);
    const r = await server.h.api.get(logPath(p.metadata.name!));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: `container "main" in pod "${p.metadata.name}" is waiting to start: ContainerCreating`,
    });
  });

  it('follow streams lines as they come and ends when the container stops', async () => {
    const p = await createPod(`follow-${rand}`, [{ name: 'main' }]);
    await runContainer(p, 'main', ['sh', '-c', 'echo first; sleep 1.5; echo second']);
    const started = Date.now();
    const chunks: { at: number; text: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: server.h.port,
            path: logPath(p.metadata.name!, 'follow=true'),
            headers: { Authorization: 'Bearer admin' },
          },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.on('data', (c: Buffer) => chunks.push({ at: Date.now() - started, text: c.toString() }));
            res.on('end', resolve);
          },
        )
        .on('error', reject);
    });
    expect(chunks.map((c) => c.text).join('')).toBe('first\nsecond\n');
    // The first line arrived well before the container ended: it was flushed, not buffered to the end.
    expect(chunks[0]!.text).toBe('first\n');
    expect(chunks[chunks.length - 1]!.at - chunks[0]!.at).toBeGreaterThan(1000);
  });
});

describe('pods/exec over WebSocket', () => {
  const name = () => web.metadata.name!;

  it('v5: routes stdout and stderr and reports exit code 3 as NonZeroExitCode', async () => {
    const s = await session(execPath(name(), ['sh', '-c', 'echo out; echo err >&2; exit 3'], 'container=main&stdout=true&stderr=true'), V5);
    expect(s.protocol).toBe('v5.channel.k8s.io');
    expect(s.stdout).toBe('out\n');
    expect(s.stderr).toBe('err\n');
    expect(s.status).toEqual({
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(s.closeCode).toBe(1000);
  });

  it('picks the highest protocol offered (client-node offers v5..v1) and speaks v4 when only v4 is offered', async () => {
    const all = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
    const a = await session(execPath(name(), ['echo', 'hi'], 'stdout=true&stderr=true'), all);
    expect(a.protocol).toBe('v5.channel.k8s.io');
    const b = await session(execPath(name(), ['echo', 'hi', 'there'], 'stdout=true&stderr=true'), ['v4.channel.k8s.io']);
    expect(b.protocol).toBe('v4.channel.k8s.io');
    expect(b.stdout).toBe('hi there\n');
    expect(b.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('forwards stdin and ends it on the v5 close frame (ff 00)', async () => {
    const s = await session(execPath(name(), ['cat'], 'stdin=true&stdout=true&stderr=true'), V5, (ws) => {
      ws.send(frameOf(0, 'abc\n'));
      ws.send(frameOf(0, 'def\n'));
      ws.send(Buffer.from([255, 0]));
    });
    expect(s.stdout).toBe('abc\ndef\n');
    expect(s.status.status).toBe('Success');
  });

  it('tty: raw output, and resize reaches the terminal', async () => {
    const s = await session(execPath(name(), ['sh', '-c', 'sleep 0.5; stty size'], 'stdin=true&stdout=true&tty=true'), V5, (ws) => {
      ws.send(frameOf(4, '{"Width":132,"Height":40}\n'));
    });
    expect(s.stdout.trim()).toBe('40 132');
    expect(s.stderr).toBe('');
    expect(s.status.status).toBe('Success');
  });

  it('a command that does not exist ends with the InternalError Status', async () => {
    const s = await session(execPath(name(), ['nosuchcmd'], 'stdout=true&stderr=true'), V5);
    expect(s.stdout).toBe('');
    expect(s.status).toMatchObject({
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
      message: 'exec: "nosuchcmd": executable file not found in $PATH',
    });
  });

  it('rejects what it cannot serve with a non-101 Status', async () => {
    const reject = (p: string, token = 'admin') =>
      session(p, V5, undefined, token).then(
        () => {
          throw new Error('upgraded');
        },
        (e) => e,
      );
    const unknown = await reject(execPath(name(), ['true'], 'container=nope&stdout=true'));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatchObject({ kind: 'Status', message: `container nope is not valid for pod ${name()}` });
    const viewer = await reject(execPath(name(), ['true'], 'stdout=true'), 'viewer');
    expect(viewer.statusCode).toBe(403);
    expect(viewer.body.message).toContain('cannot create resource "pods/exec"');
    expect((await reject(execPath(name(), ['true'], 'stdout=true'), 'bogus')).statusCode).toBe(401);
    const pending = await createPod(`pend2-${rand}`, [{ name: 'main' }]);
    const p = await reject(execPath(pending.metadata.name!, ['true'], 'stdout=true'));
    expect(p.body.message).toBe(`container "main" in pod "${pending.metadata.name}" is waiting to start: ContainerCreating`);
    const nocmd = await reject(`/api/v1/namespaces/default/pods/${name()}/exec?stdout=true`);
    expect(nocmd.statusCode).toBe(400);
    // A plain (non-upgrade) request.
    const plain = await server.h.api.post(execPath(name(), ['true'], 'stdout=true'));
    expect(plain.status).toBe(400);
    expect(plain.body.message).toBe('Upgrade request required');
  });

  it('a handshake the WebSocket layer refuses is a JSON Status too, never text/html', async () => {
    /** An upgrade request written by hand, with the headers a broken client might (not) send. */
    const raw = (headers: Record<string, string>, method = 'GET') =>
      new Promise<{ status: number; type: string; body: any }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: server.h.port,
          method,
          path: execPath(name(), ['true'], 'stdout=true'),
          headers: {
            Authorization: 'Bearer admin',
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Protocol': V5[0]!,
            ...headers,
          },
        });
        req.on('upgrade', () => reject(new Error('upgraded')));
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    const key = { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const noKey = await raw({ 'Sec-WebSocket-Version': '13' });
    expect(noKey).toEqual({
      status: 400,
      type: 'application/json',
      body: expect.objectContaining({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
        message: 'unable to upgrade connection: Missing or invalid Sec-WebSocket-Key header',
      }),
    });
    const badVersion = await raw({ ...key, 'Sec-WebSocket-Version': '99' });
    expect(badVersion.body).toMatchObject({
      code: 400,
      message: 'unable to upgrade connection: Missing or invalid Sec-WebSocket-Version header',
    });
    expect(badVersion.type).toBe('application/json');
    const post = await raw({ ...key, 'Sec-WebSocket-Version': '13' }, 'POST');
    expect(post).toMatchObject({ status: 405, type: 'application/json', body: { kind: 'Status', reason: 'MethodNotAllowed', code: 405 } });
  });
});

describe('pods/attach over WebSocket', () => {
  it('attaches to the main process: stdin in (container has stdin), output back, Success when it exits', async () => {
    const p = await createPod(`attach-${rand}`, [{ name: 'main', stdin: true }]);
    await runContainer(p, 'main', ['cat'], { stdin: true });
    const s = await session(
      `/api/v1/namespaces/default/pods/${p.metadata.name}/attach?container=main&stdin=true&stdout=true&stderr=true`,
      V5,
      (ws) => {
        setTimeout(() => {
          ws.send(frameOf(0, 'ping\n'));
          ws.send(Buffer.from([255, 0]));
        }, 200);
      },
    );
    expect(s.stdout).toBe('ping\n');
    expect(s.status).toEqual({ metadata: {}, status: 'Success' });
  });
});
