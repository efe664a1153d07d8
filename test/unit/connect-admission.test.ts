// CONNECT admission (src/admission/connect.ts) through a real chain: the ValidatingAdmissionPolicy plugin and the
// validating webhook plugin calling a real HTTPS webhook. Each connect subresource arrives with its options kind and
// object; objects without metadata are never selected by a non-empty objectSelector (upstream's object.Matcher).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdmissionChain } from '../../src/admission/chain.js';
import { admitConnect, proxyOptions, type ConnectRequest } from '../../src/admission/connect.js';
import { ValidatingAdmissionPolicyPlugin, type PolicyHost } from '../../src/admission/policy/plugin.js';
import { webhooksOf, type WebhookSpec } from '../../src/admission/webhook/config.js';
import { EquivalentResources } from '../../src/admission/webhook/equivalents.js';
import { matchConditionsHold } from '../../src/admission/webhook/match-conditions.js';
import { ValidatingWebhookPlugin } from '../../src/admission/webhook/validating.js';
import type { Authorizer } from '../../src/authorization/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { Registry } from '../../src/registry/registry.js';
import type { KObject } from '../../src/registry/types.js';
import { WebhookCaller } from '../../src/webhook/https-caller.js';
import { makeWebhookCerts } from '../support/webhook-certs.js';

type Request = Record<string, unknown> & { object: Record<string, unknown> };

const certs = makeWebhookCerts([], ['127.0.0.1']);
const received: { path: string; request: Request }[] = [];
let server: https.Server;
let base: string;
const caller = new WebhookCaller();

beforeAll(async () => {
  server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { apiVersion: string; request: Request };
      received.push({ path: (req.url ?? '').split('?')[0]!, request: review.request });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  caller.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  received.length = 0;
});

const allowAll: Authorizer = {
  authorize: () => ({ allowed: true }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

const connectRule = (resources: string[]) => ({ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources, scope: '*' });

const policy = (name: string, expression: string, objectSelector?: Record<string, unknown>): KObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name, resourceVersion: '1' },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: [connectRule(['pods/exec', 'pods/attach'])], ...(objectSelector ? { objectSelector } : {}) },
    validations: [{ expression }],
  },
});

const binding = (policyName: string): KObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: `${policyName}-binding` },
  spec: { policyName, validationActions: ['Deny'] },
});

function chainWith(policies: KObject[], webhooks: WebhookSpec[]): AdmissionChain {
  const host: PolicyHost = {
    authorizer: allowAll,
    hasPolicies: () => policies.length > 0,
    policies: async () => policies,
    bindings: async () => policies.map((p) => binding(p.metadata.name!)),
    namespace: async (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: 'a' } } }),
    paramSource: () => undefined,
    equivalents: () => [],
  };
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'c' },
    webhooks,
  };
  const validating = new ValidatingWebhookPlugin(
    { mutating: () => [], validating: () => webhooksOf(config as unknown as KObject, false) },
    {
      caller,
      equivalents: new EquivalentResources(new Registry([])),
      namespaceLabels: async () => ({ team: 'a' }),
      matchConditions: async (h, a, m) => matchConditionsHold(h, a, m),
    },
  );
  const chain = new AdmissionChain();
  chain.addValidating(new ValidatingAdmissionPolicyPlugin(host));
  chain.addValidating(validating);
  return chain;
}

const hook = (name: string, resources: string[], objectSelector?: Record<string, unknown>): WebhookSpec => ({
  name,
  clientConfig: { url: `${base}/${name}`, caBundle: certs.caBundle },
  rules: [connectRule(resources)],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...(objectSelector ? { objectSelector } : {}),
});

const NO_FORBIDDEN = 'object.kind != "PodExecOptions" || object.command[0] != "forbidden"';
const user = { name: 'alice', groups: ['system:authenticated'] };
const exec = (command: string[]): ConnectRequest => ({
  target: 'pods/exec',
  version: 'v1',
  namespace: 'default',
  name: 'web',
  user,
  options: { stdout: true, command },
});

async function refusal(p: Promise<void>): Promise<StatusError | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
}

test('exec and attach with objectSelector policies and webhooks configured: options have no labels, so no selector selects them', async () => {
  // DoesNotExist would match empty labels: upstream still skips an object whose metadata cannot be read.
  const notLabelled = { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] };
  const chain = chainWith(
    [policy('selected', 'false', notLabelled), policy('no-forbidden', NO_FORBIDDEN)],
    [hook('selected', ['pods/exec', 'pods/attach'], notLabelled), hook('all', ['pods/*'])],
  );
  expect(await refusal(admitConnect(chain, exec(['ls'])))).toBeUndefined();
  expect(
    await refusal(admitConnect(chain, { ...exec([]), target: 'pods/attach', options: { stdin: true, stdout: true, tty: true } })),
  ).toBeUndefined();
  expect(received.map((r) => [r.path, r.request.subResource, (r.request.kind as { kind: string }).kind])).toEqual([
    ['/all', 'exec', 'PodExecOptions'],
    ['/all', 'attach', 'PodAttachOptions'],
  ]);
  const denied = (await refusal(admitConnect(chain, exec(['forbidden', 'x']))))!;
  expect([denied.code, denied.message]).toEqual([
    422,
    `pods "web" is forbidden: ValidatingAdmissionPolicy 'no-forbidden' with binding 'no-forbidden-binding' denied request: failed expression: ${NO_FORBIDDEN}`,
  ]);
});

test('port-forward and the proxy subresources are admitted with their options kinds and objects', async () => {
  const chain = chainWith([], [hook('pods', ['pods/portforward', 'pods/proxy']), hook('others', ['services/proxy', 'nodes/proxy'])]);
  const base = { version: 'v1', user };
  await admitConnect(chain, { ...base, target: 'pods/portforward', namespace: 'default', name: 'web', options: { ports: [80, 8080] } });
  await admitConnect(chain, { ...base, target: 'pods/proxy', namespace: 'default', name: 'web:8080', options: proxyOptions('/a%20b/') });
  await admitConnect(chain, { ...base, target: 'services/proxy', namespace: 'default', name: 'https:svc:443', options: proxyOptions('') });
  await admitConnect(chain, { ...base, target: 'nodes/proxy', namespace: '', name: 'node-1', options: proxyOptions('/healthz') });
  const seen = received.map(({ path, request: r }) => ({
    path,
    kind: r.kind,
    resource: r.resource,
    subResource: r.subResource,
    name: r.name,
    namespace: r.namespace,
    operation: r.operation,
    object: r.object,
  }));
  const core = (kind: string) => ({ group: '', version: 'v1', kind });
  const res = (resource: string) => ({ group: '', version: 'v1', resource });
  expect(seen).toEqual([
    {
      path: '/pods',
      kind: core('PodPortForwardOptions'),
      resource: res('pods'),
      subResource: 'portforward',
      name: 'web',
      namespace: 'default',
      operation: 'CONNECT',
      object: { kind: 'PodPortForwardOptions', apiVersion: 'v1', ports: [80, 8080] },
    },
    {
      path: '/pods',
      kind: core('PodProxyOptions'),
      resource: res('pods'),
      subResource: 'proxy',
      name: 'web:8080',
      namespace: 'default',
      operation: 'CONNECT',
      object: { kind: 'PodProxyOptions', apiVersion: 'v1', path: '/a b/' },
    },
    {
      path: '/others',
      kind: core('ServiceProxyOptions'),
      resource: res('services'),
      subResource: 'proxy',
      name: 'https:svc:443',
      namespace: 'default',
      operation: 'CONNECT',
      object: { kind: 'ServiceProxyOptions', apiVersion: 'v1' },
    },
    {
      path: '/others',
      kind: core('NodeProxyOptions'),
      resource: res('nodes'),
      subResource: 'proxy',
      name: 'node-1',
      namespace: '',
      operation: 'CONNECT',
      object: { kind: 'NodeProxyOptions', apiVersion: 'v1', path: '/healthz' },
    },
  ]);
});
