// The audit log (audit.k8s.io/v1 Events by policy) and the request log (httplog's fields) of the app: a create at
// RequestResponse with its objects, a denied request with the authorizer's decision, levels and omitted stages.
import { startHarness, openWatch, type Harness, CM, configMap } from './harness.js';
import { parsePolicy } from '../../src/api/audit/policy.js';

const POLICY = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz"]
  - level: RequestResponse
    resources: [{ group: "", resources: ["configmaps"] }]
    verbs: ["create"]
  - level: Metadata
`;

type Event = Record<string, any>;
const events: Event[] = [];
const lines: { obj: Record<string, unknown>; msg: string }[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app: {
      audit: { policy: parsePolicy(POLICY), write: (l) => events.push(JSON.parse(l)) },
      requestLog: { log: { info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) }, level: 'info' },
    },
  });
});
afterAll(() => h.close());
beforeEach(() => {
  events.length = 0;
  lines.length = 0;
});

const settle = () => new Promise((r) => setTimeout(r, 20));

test('a create at RequestResponse: one ResponseComplete event with both objects and the allow decision', async () => {
  const res = await h.api
    .post(CM)
    .set('User-Agent', 'kubectl/v1.33.0')
    .send(configMap('audited', { data: { k: 'v' } }))
    .expect(201);
  await settle();
  expect(events).toHaveLength(1);
  const e = events[0]!;
  expect(e).toMatchObject({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: res.headers['audit-id'],
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/configmaps',
    verb: 'create',
    user: { username: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.33.0',
    objectRef: { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestObject: { kind: 'ConfigMap', metadata: { name: 'audited' }, data: { k: 'v' } },
    responseObject: { kind: 'ConfigMap', metadata: { name: 'audited', namespace: 'default' } },
    annotations: { 'authorization.k8s.io/decision': 'allow' },
  });
  expect(e.requestReceivedTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  expect(e.stageTimestamp >= e.requestReceivedTimestamp).toBe(true);
  expect(Object.keys(e).slice(0, 6)).toEqual(['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI']);
});

test('a denied request at Metadata: 403 status, forbid decision, no objects', async () => {
  await h
    .as('viewer')
    .post('/api/v1/namespaces/default/secrets')
    .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nope' } })
    .expect(403);
  await settle();
  expect(events).toHaveLength(1);
  const e = events[0]!;
  expect(e).toMatchObject({
    level: 'Metadata',
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: 'dockube-viewer' },
    objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 },
    annotations: { 'authorization.k8s.io/decision': 'forbid' },
  });
  expect(e.responseStatus.message).toContain('cannot create resource "secrets"');
  expect(e.objectRef).not.toHaveProperty('name'); // never decoded: authorization comes first
  expect(e).not.toHaveProperty('requestObject');
  expect(e).not.toHaveProperty('responseObject');
});

test('level None paths leave no event; others at Metadata have no objects', async () => {
  await h.api.get('/readyz').expect(200);
  await h.api.get(`${CM}`).expect(200);
  await settle();
  expect(events.map((e) => [e.verb, e.level, e.requestURI])).toEqual([['list', 'Metadata', '/api/v1/namespaces/default/configmaps']]);
  expect(events[0]).not.toHaveProperty('responseObject');
});

test('the request log: one HTTP line per request with httplog fields and the user', async () => {
  await h.api
    .patch(`${CM}/applied?fieldManager=t`)
    .set('Content-Type', 'application/apply-patch+yaml')
    .send(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' } }));
  await h.as(undefined).get('/api').expect(401);
  await settle();
  expect(lines.map((l) => l.msg)).toEqual(['HTTP', 'HTTP']);
  expect(lines[0]!.obj).toMatchObject({
    verb: 'APPLY',
    URI: '/api/v1/namespaces/default/configmaps/applied?fieldManager=t',
    user: 'dockube-admin',
    resp: 201,
  });
  expect(lines[0]!.obj.latency).toMatch(/^[\d.]+(ns|\u00b5s|ms|s)$/);
  expect(lines[0]!.obj['audit-ID']).toMatch(/^[0-9a-f-]{36}$/);
  expect(lines[1]!.obj).toMatchObject({ verb: 'GET', URI: '/api', user: '', resp: 401 });
});

test('a logger whose level drops the lines makes the request log a no-op', async () => {
  const { requestLog } = await import('../../src/api/request-log.js');
  const written: unknown[] = [];
  const quiet = { isLevelEnabled: (l: string) => l !== 'info', info: (o: unknown) => written.push(o) };
  const mw = requestLog(quiet, 'info');
  let nexted = false;
  const res = { once: () => written.push('listened'), locals: {} } as never;
  mw({} as never, res, () => (nexted = true));
  expect(nexted).toBe(true);
  expect(written).toEqual([]);
});

test('a watch is long-running: ResponseStarted when its headers go out, ResponseComplete when it ends', async () => {
  const w = await openWatch(h, `${CM}?watch=true`);
  await settle();
  expect(events.map((e) => e.stage)).toEqual(['ResponseStarted']);
  expect(events[0]).toMatchObject({ verb: 'watch', responseStatus: { metadata: {}, code: 200 }, objectRef: { resource: 'configmaps' } });
  w.close();
  await new Promise((r) => setTimeout(r, 200));
  expect(events.map((e) => e.stage)).toEqual(['ResponseStarted', 'ResponseComplete']);
  expect(events[1]!.auditID).toBe(events[0]!.auditID);
});

test('a refused login (401): one ResponseStarted event without a user, naming what was attempted', async () => {
  await h.as(undefined).get(CM).set('Authorization', 'Bearer not-a-token').expect(401);
  await h.as(undefined).get(CM).expect(401);
  await settle();
  expect(events.map((e) => e.stage)).toEqual(['ResponseStarted', 'ResponseStarted']);
  expect(events[0]).toMatchObject({
    level: 'Metadata',
    verb: 'list',
    user: {},
    objectRef: { resource: 'configmaps', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, message: 'Authentication failed, attempted: bearer', code: 401 },
  });
  expect(events[1]!.responseStatus.message).toBe('Authentication failed, no credentials provided');
  expect(events[0]!.auditID).toBeTruthy();
});

test('pods/log is long-running as upstream counts it: ResponseStarted, then ResponseComplete', async () => {
  await h.api.get('/api/v1/namespaces/default/pods/missing/log').expect(404);
  await settle();
  expect(events.map((e) => e.stage)).toEqual(['ResponseStarted', 'ResponseComplete']);
  expect(events[0]).toMatchObject({ objectRef: { resource: 'pods', subresource: 'log', name: 'missing' }, responseStatus: { code: 404 } });
});
