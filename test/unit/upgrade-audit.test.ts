// Audit events of upgraded requests (exec, attach, port-forward...), which bypass express: RequestReceived,
// ResponseStarted with the status line's code (101, or a refusal's), ResponseComplete when the connection closes;
// a failed login gets the one ResponseStarted event of upstream's failed-authentication audit.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { auditUpgrades, type UpgradeHandler } from '../../src/api/audit/upgrade-audit.js';
import { parsePolicy } from '../../src/api/audit/policy.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';

const registry = new Registry(RESOURCES);
const policy = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n');
const admin = { name: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] };
const EXEC = '/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function run(handler: UpgradeHandler, who: typeof admin | undefined, headers: Record<string, string> = {}) {
  const events: Event[] = [];
  const audited = auditUpgrades(handler, { policy, registry, write: (l) => events.push(JSON.parse(l)), authenticate: async () => who });
  const socket = new PassThrough();
  const req = { url: EXEC, method: 'GET', headers, socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as IncomingMessage;
  audited(req, socket, Buffer.alloc(0));
  return { events, socket };
}
const settle = () => new Promise((r) => setTimeout(r, 20));

test('an exec session: RequestReceived, ResponseStarted 101 when the handshake goes out, ResponseComplete at close', async () => {
  const { events, socket } = run((_req, s) => void setTimeout(() => s.write('HTTP/1.1 101 Switching Protocols\r\n\r\n'), 5), admin);
  await settle();
  expect(events.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseStarted']);
  expect(events[1]).toMatchObject({
    level: 'Metadata',
    verb: 'get',
    user: { username: 'dockube-admin' },
    sourceIPs: ['127.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'default', name: 'web', subresource: 'exec', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 101 },
  });
  socket.destroy();
  await settle();
  expect(events.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  expect(new Set(events.map((e) => e.auditID)).size).toBe(1);
});

test('a refusal answered with end(data) reports its code; a failed login is one ResponseStarted without a user', async () => {
  const refused = run((_req, s) => void s.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'), admin);
  refused.socket.resume();
  await settle();
  refused.socket.destroy();
  await settle();
  expect(refused.events.map((e) => [e.stage, e.responseStatus?.code])).toEqual([
    ['RequestReceived', undefined],
    ['ResponseStarted', 403],
    ['ResponseComplete', 403],
  ]);
  const anonymous = run((_req, s) => void s.end('HTTP/1.1 401 Unauthorized\r\n\r\n'), undefined, { authorization: 'Bearer nope' });
  await settle();
  expect(anonymous.events).toHaveLength(1);
  expect(anonymous.events[0]).toMatchObject({
    stage: 'ResponseStarted',
    user: {},
    responseStatus: { message: 'Authentication failed, attempted: bearer', code: 401 },
  });
});
