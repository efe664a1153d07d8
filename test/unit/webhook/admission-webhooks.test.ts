// The webhook admission plugins against a real HTTPS webhook on 127.0.0.1: what is sent, what comes back, and which
// requests reach which webhook.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { StatusError } from '../../../src/machinery/api/errors.js';
import type { KObject } from '../../../src/machinery/api/meta.js';
import { Registry } from '../../../src/registry/registry.js';
import type { ResourceDef } from '../../../src/registry/types.js';
import { WebhookCaller } from '../../../src/webhook/https-caller.js';
import type { AdmissionAttributes } from '../../../src/admission/chain.js';
import { webhooksOf, type WebhookSpec } from '../../../src/admission/webhook/config.js';
import type { DispatcherDeps } from '../../../src/admission/webhook/dispatcher.js';
import { EquivalentResources } from '../../../src/admission/webhook/equivalents.js';
import { matchConditionsHold } from '../../../src/admission/webhook/match-conditions.js';
import { MutatingWebhookPlugin } from '../../../src/admission/webhook/mutating.js';
import { ValidatingWebhookPlugin } from '../../../src/admission/webhook/validating.js';
import { makeWebhookCerts } from '../../support/webhook-certs.js';

type Review = { apiVersion: string; kind: string; request: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
type Answer = (review: Review) => Record<string, unknown>;

const certs = makeWebhookCerts([], ['127.0.0.1']);
const answers = new Map<string, Answer>();
const received: { path: string; review: Review }[] = [];
let server: https.Server;
let base: string;

beforeAll(async () => {
  server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      received.push({ path, review });
      const answer = answers.get(path) ?? (() => ({ allowed: true }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          apiVersion: review.apiVersion,
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, ...answer(review) },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  received.length = 0;
  answers.clear();
});

const patchOf = (ops: unknown[]) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

const podRule = { operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };

function hook(name: string, path: string, extra: Partial<WebhookSpec> = {}): WebhookSpec {
  return {
    name,
    clientConfig: { url: `${base}${path}`, caBundle: certs.caBundle },
    rules: [podRule],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

const config = (name: string, webhooks: WebhookSpec[]): KObject =>
  ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'X', metadata: { name }, webhooks }) as KObject;

const namespaces: Record<string, Record<string, string>> = { default: {}, team: { env: 'prod' } };

function plugins(mutating: KObject[], validating: KObject[] = [], registry = new Registry([])) {
  const caller = new WebhookCaller();
  const failedOpen: string[] = [];
  const deps: DispatcherDeps = {
    caller,
    equivalents: new EquivalentResources(registry),
    namespaceLabels: async (n) => namespaces[n],
    matchConditions: async (h, a, m) => matchConditionsHold(h, a, m),
    onFailOpen: (_h, f) => failedOpen.push(f.message),
  };
  const source = {
    mutating: () => mutating.flatMap((c) => webhooksOf(c, true)),
    validating: () => validating.flatMap((c) => webhooksOf(c, false)),
  };
  return { mutating: new MutatingWebhookPlugin(source, deps), validating: new ValidatingWebhookPlugin(source, deps), failedOpen, caller };
}

const pod = (labels: Record<string, string> = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  }) as KObject;

function attrs(over: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    subresource: '',
    namespace: 'default',
    name: 'p',
    object: pod(),
    user: { name: 'alice', groups: ['dev', 'system:authenticated'], uid: 'u1' },
    dryRun: false,
    warnings: [],
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<StatusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StatusError);
  return e as StatusError;
}

test('a mutating webhook gets an AdmissionReview v1 and its JSONPatch and warnings are applied', async () => {
  answers.set('/label', () => ({ ...patchOf([{ op: 'add', path: '/metadata/labels/seen', value: 'yes' }]), warnings: ['careful'] }));
  const { mutating, caller } = plugins([config('a', [hook('label.example.com', '/label')])]);
  const a = attrs();
  expect(mutating.handles(a)).toBe(true);
  const out = await mutating.admit(a);
  expect(out?.metadata.labels).toEqual({ seen: 'yes' });
  expect(a.warnings).toEqual(['careful']);
  const r = received[0]!.review;
  expect([r.apiVersion, r.kind]).toEqual(['admission.k8s.io/v1', 'AdmissionReview']);
  expect(r.request).toMatchObject({
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    requestResource: { group: '', version: 'v1', resource: 'pods' },
    name: 'p',
    namespace: 'default',
    operation: 'CREATE',
    userInfo: { username: 'alice', uid: 'u1', groups: ['dev', 'system:authenticated'] },
    object: pod(),
    oldObject: null,
    dryRun: false,
    options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
  });
  expect(r.request.uid).toMatch(/^[0-9a-f-]{36}$/);
  caller.close();
});

test("audit annotations: each mutating call, failures let through, and the webhook's own (prefixed by its name)", async () => {
  answers.set('/label', () => ({
    ...patchOf([{ op: 'add', path: '/metadata/labels/seen', value: 'yes' }]),
    auditAnnotations: { why: 'policy' },
  }));
  answers.set('/noop', () => ({ allowed: true }));
  const down = { url: 'https://127.0.0.1:1/' };
  const { mutating, validating, caller } = plugins(
    [config('a', [hook('label.example.com', '/label'), hook('noop.example.com', '/noop')])],
    [config('v', [{ ...hook('down.example.com', '/'), clientConfig: down, failurePolicy: 'Ignore' }])],
  );
  const a = attrs({ auditAnnotations: {} });
  await mutating.admit(a);
  await validating.validate(a);
  expect(a.auditAnnotations).toEqual({
    'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"a","webhook":"label.example.com","mutated":true}',
    'mutation.webhook.admission.k8s.io/round_0_index_1': '{"configuration":"a","webhook":"noop.example.com","mutated":false}',
    'label.example.com/why': 'policy',
    'failed-open.validating.webhook.admission.k8s.io/round_0_index_0': 'down.example.com',
  });
  caller.close();
});

test('a patch may not move the object to another namespace or name', async () => {
  answers.set('/move', () => patchOf([{ op: 'replace', path: '/metadata/namespace', value: 'team' }]));
  answers.set('/rename', () => patchOf([{ op: 'replace', path: '/metadata/name', value: 'q' }]));
  const move = plugins([config('a', [hook('move.example.com', '/move')])]);
  expect((await refusal(move.mutating.admit(attrs()))).message).toBe(
    'the namespace of the provided object does not match the namespace sent on the request',
  );
  const rename = plugins([config('a', [hook('rename.example.com', '/rename')])]);
  expect((await refusal(rename.mutating.admit(attrs()))).message).toBe('the name of the object (q) does not match the name on the URL (p)');
  move.caller.close();
  rename.caller.close();
});

test('rules: operations, resources with subresources, scope; the webhook configurations are never sent', async () => {
  const { mutating, caller } = plugins([
    config('a', [
      hook('status.example.com', '/x', { rules: [{ ...podRule, resources: ['*/status'] }] }),
      hook('cluster.example.com', '/x', {
        rules: [{ ...podRule, apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Cluster' }],
      }),
    ]),
  ]);
  expect(mutating.handles(attrs())).toBe(false); // */status names no main resource; the pod is namespaced
  expect(mutating.handles(attrs({ subresource: 'status', operation: 'UPDATE' }))).toBe(true);
  expect(mutating.handles(attrs({ operation: 'DELETE', subresource: 'status' }))).toBe(false);
  const node = { group: '', version: 'v1', resource: 'nodes' };
  expect(mutating.handles(attrs({ resource: node, namespace: '' }))).toBe(true);
  // `pods/*` is every subresource of pods and, as upstream's matcher reads `*`, the pods themselves.
  const sub = plugins([config('b', [hook('sub.example.com', '/x', { rules: [{ ...podRule, resources: ['pods/*'] }] })])]);
  expect([sub.mutating.handles(attrs()), sub.mutating.handles(attrs({ subresource: 'binding' }))]).toEqual([true, true]);
  expect(sub.mutating.handles(attrs({ resource: { group: '', version: 'v1', resource: 'services' } }))).toBe(false);
  const vwc = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' };
  expect(mutating.handles(attrs({ resource: vwc, namespace: '' }))).toBe(false);
  caller.close();
});

test('CONNECT rules: an exec reaches a webhook for pods/exec with its PodExecOptions', async () => {
  const { validating, caller } = plugins(
    [],
    [config('c', [hook('exec.example.com', '/exec', { rules: [{ ...podRule, operations: ['CONNECT'], resources: ['pods/exec'] }] })])],
  );
  answers.set('/exec', () => ({ allowed: false, status: { code: 403, message: 'no exec here' } }));
  const exec = attrs({
    operation: 'CONNECT',
    subresource: 'exec',
    object: { kind: 'PodExecOptions', apiVersion: 'v1', command: ['sh'], stdout: true } as unknown as KObject,
  });
  expect([validating.handles(attrs()), validating.handles(exec)]).toEqual([false, true]);
  expect((await refusal(validating.validate(exec))).message).toBe('admission webhook "exec.example.com" denied the request: no exec here');
  expect(received[0]!.review.request).toMatchObject({
    operation: 'CONNECT',
    subResource: 'exec',
    object: { kind: 'PodExecOptions', command: ['sh'] },
  });
  caller.close();
});

test('namespaceSelector and objectSelector choose the requests (old object labels count too)', async () => {
  const { mutating, caller } = plugins([
    config('a', [
      hook('prod.example.com', '/prod', { namespaceSelector: { matchLabels: { env: 'prod' } } }),
      hook('tagged.example.com', '/tagged', { objectSelector: { matchExpressions: [{ key: 'tag', operator: 'Exists' }] } }),
    ]),
  ]);
  await mutating.admit(attrs());
  expect(received.map((r) => r.path)).toEqual([]);
  await mutating.admit(attrs({ namespace: 'team' }));
  expect(received.map((r) => r.path)).toEqual(['/prod']);
  await mutating.admit(attrs({ operation: 'UPDATE', oldObject: pod({ tag: 'x' }) }));
  expect(received.map((r) => r.path)).toEqual(['/prod', '/tagged']);
  const missing = await refusal(mutating.admit(attrs({ namespace: 'gone' })));
  expect([missing.code, missing.message]).toEqual([404, 'namespaces "gone" not found']);
  caller.close();
});

test('denials carry the webhook name, its message and code; validating webhooks too', async () => {
  answers.set('/deny', () => ({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no pods named p' } }));
  answers.set('/silent', () => ({ allowed: false }));
  const m = plugins([config('a', [hook('deny.example.com', '/deny')])]);
  const e = await refusal(m.mutating.admit(attrs()));
  expect([e.code, e.reason, e.message]).toEqual([
    403,
    'Forbidden',
    'admission webhook "deny.example.com" denied the request: no pods named p',
  ]);
  const v = plugins([], [config('b', [hook('ok.example.com', '/ok'), hook('silent.example.com', '/silent')])]);
  const e2 = await refusal(v.validating.validate(attrs()));
  expect([e2.code, e2.message]).toEqual([400, 'admission webhook "silent.example.com" denied the request without explanation']);
  expect(received.map((r) => r.path).sort()).toEqual(['/deny', '/ok', '/silent']);
  m.caller.close();
  v.caller.close();
});

test('failurePolicy: Fail refuses with the call error, Ignore lets the request through', async () => {
  const down = `https://127.0.0.1:1/`;
  const fail = plugins(
    [],
    [config('a', [{ ...hook('down.example.com', '/'), clientConfig: { url: down, caBundle: certs.caBundle }, timeoutSeconds: 5 }])],
  );
  const e = await refusal(fail.validating.validate(attrs()));
  expect([e.code, e.reason, e.message]).toEqual([
    500,
    'InternalError',
    'Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:1/?timeout=5s": dial tcp 127.0.0.1:1: connect: connection refused',
  ]);
  const ignore = plugins([config('a', [{ ...hook('down.example.com', '/'), clientConfig: { url: down }, failurePolicy: 'Ignore' }])]);
  await expect(ignore.mutating.admit(attrs())).resolves.toBeUndefined();
  expect(ignore.failedOpen[0]).toMatch(/^failed calling webhook "down.example.com": failed to call webhook: Post/);
  answers.set('/badpatch', () => ({ allowed: true, patch: 'W10=' }));
  const invalid = plugins([config('a', [hook('bad.example.com', '/badpatch')])]);
  expect((await refusal(invalid.mutating.admit(attrs()))).message).toBe(
    'Internal error occurred: failed calling webhook "bad.example.com": received invalid webhook response: webhook returned response.patch but not response.patchType',
  );
  fail.caller.close();
  ignore.caller.close();
  invalid.caller.close();
});

test('a dry run is refused by a webhook with side effects and sent to one without', async () => {
  const { mutating, caller } = plugins([config('a', [hook('effects.example.com', '/x', { sideEffects: 'Some' })])]);
  const e = await refusal(mutating.admit(attrs({ dryRun: true })));
  expect([e.code, e.message]).toEqual([400, 'admission webhook "effects.example.com" does not support dry run']);
  const ok = plugins([config('a', [hook('none.example.com', '/x', { sideEffects: 'NoneOnDryRun' })])]);
  await ok.mutating.admit(attrs({ dryRun: true }));
  expect(received.at(-1)?.review.request.dryRun).toBe(true);
  caller.close();
  ok.caller.close();
});

test('reinvocationPolicy IfNeeded calls a webhook again when a later one changed the object', async () => {
  answers.set('/first', (r) =>
    r.request.object.metadata.labels?.second
      ? patchOf([{ op: 'add', path: '/metadata/labels/first', value: 'again' }])
      : patchOf([{ op: 'add', path: '/metadata/labels/first', value: 'once' }]),
  );
  answers.set('/second', () => patchOf([{ op: 'add', path: '/metadata/labels/second', value: 'yes' }]));
  const { mutating, caller } = plugins([
    config('a', [hook('first.example.com', '/first', { reinvocationPolicy: 'IfNeeded' })]),
    config('b', [hook('second.example.com', '/second')]),
  ]);
  const out = await mutating.admit(attrs());
  expect(out?.metadata.labels).toEqual({ first: 'again', second: 'yes' });
  expect(received.map((r) => r.path)).toEqual(['/first', '/second', '/first']);
  caller.close();
});

test('matchConditions: a false one skips the webhook, an error follows the failurePolicy', async () => {
  const { validating, caller } = plugins(
    [],
    [
      config('a', [
        hook('cel.example.com', '/cel', { matchConditions: [{ name: 'not-alice', expression: "request.userInfo.username != 'alice'" }] }),
        hook('err.example.com', '/err', {
          matchConditions: [{ name: 'boom', expression: 'object.metadata.missing.deeper == 1' }],
          failurePolicy: 'Ignore',
        }),
      ]),
    ],
  );
  await validating.validate(attrs());
  await validating.validate(attrs({ user: { name: 'bob', groups: [] } }));
  expect(received.map((r) => r.path)).toEqual(['/cel']);
  const fail = plugins(
    [],
    [
      config('b', [
        hook('err.example.com', '/err', { matchConditions: [{ name: 'boom', expression: 'object.metadata.missing.deeper == 1' }] }),
      ]),
    ],
  );
  const e = await refusal(fail.validating.validate(attrs()));
  expect([e.code, e.message]).toEqual([
    500,
    expect.stringMatching(
      /^Internal error occurred: failed calling webhook "err.example.com": failed evaluating match conditions: expression 'object.metadata.missing.deeper == 1' resulted in error: /,
    ),
  ]);
  caller.close();
  fail.caller.close();
});

test('matchPolicy Equivalent sends the object in the version the rule names; Exact does not match', async () => {
  const def = (version: string, extra: Partial<ResourceDef> = {}) =>
    ({
      group: 'example.com',
      version,
      kind: 'Widget',
      plural: 'widgets',
      singular: 'widget',
      namespaced: true,
      strategy: {},
      ...extra,
    }) as ResourceDef;
  const registry = new Registry([def('v2'), def('v1')]);
  answers.set('/v1', (r) => {
    expect(r.request.object.apiVersion).toBe('example.com/v1');
    return patchOf([{ op: 'add', path: '/metadata/labels', value: { v1: 'saw' } }]);
  });
  const rule = { operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'] };
  const { mutating, caller } = plugins(
    [
      config('a', [
        hook('v1.example.com', '/v1', { rules: [rule] }),
        hook('exact.example.com', '/exact', { rules: [rule], matchPolicy: 'Exact' }),
      ]),
    ],
    [],
    registry,
  );
  const widget = { apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } } as KObject;
  const out = await mutating.admit(
    attrs({
      kind: { group: 'example.com', version: 'v2', kind: 'Widget' },
      resource: { group: 'example.com', version: 'v2', resource: 'widgets' },
      name: 'w',
      object: widget,
    }),
  );
  expect(out).toEqual({ ...widget, metadata: { ...widget.metadata, labels: { v1: 'saw' } } });
  expect(received.map((r) => r.path)).toEqual(['/v1']);
  expect(received[0]!.review.request).toMatchObject({
    kind: { version: 'v1' },
    resource: { version: 'v1' },
    requestKind: { version: 'v2' },
    requestResource: { version: 'v2' },
  });
  caller.close();
});
