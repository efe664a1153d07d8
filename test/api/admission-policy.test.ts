// ValidatingAdmissionPolicy through the HTTP API (the plugin on the service's admission chain, as the server wires
// it): Deny with upstream's Status, Warn as a Warning header, Audit and auditAnnotations in the request's audit event,
// policies read fresh (a binding created just before a write applies to it).
import { startHarness, type Harness, CM, configMap } from './harness.js';
import { parsePolicy } from '../../src/api/audit/policy.js';
import { servicePolicyHost, type ServicePolicyHost } from '../../src/admission/policy/host.js';
import { lazyValidatingAdmissionPolicy } from '../../src/admission/policy/lazy-plugin.js';

const VAP = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
const VAPB = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';

/** The fields of an audit.k8s.io/v1 Event line the test reads. */
type Event = { verb?: string; objectRef?: { name?: string }; annotations?: Record<string, string> };
const events: Event[] = [];
let h: Harness;
let host: ServicePolicyHost;
beforeAll(async () => {
  h = await startHarness({
    app: {
      audit: {
        policy: parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules: [{level: Metadata}]\n'),
        write: (l) => events.push(JSON.parse(l)),
      },
    },
  });
  host = servicePolicyHost(h.service, h.service.authorizer);
  h.service.admission.addValidating(lazyValidatingAdmissionPolicy(host));
  await host.start();
});
afterAll(async () => {
  host.stop();
  await h.close();
});

const settle = () => new Promise((r) => setTimeout(r, 20));

const policy = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'small-configmaps' },
  spec: {
    matchConstraints: {
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
    },
    matchConditions: [{ name: 'labelled', expression: "has(object.metadata.labels) && 'checked' in object.metadata.labels" }],
    validations: [
      { expression: 'size(object.data) <= 1', messageExpression: "'too many keys: ' + string(size(object.data))", reason: 'Forbidden' },
    ],
    auditAnnotations: [{ key: 'keys', valueExpression: "string(size(object.data)) + ' keys'" }],
  },
};
const binding = (name: string, actions: string[]) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName: 'small-configmaps', validationActions: actions },
});
const checked = (name: string, keys: number) =>
  configMap(name, {
    metadata: { name, labels: { checked: 'yes' } },
    data: Object.fromEntries([...Array(keys)].map((_, i) => [`k${i}`, 'v'])),
  });

test('Deny: 403 Forbidden (the validation reason) with upstream message and cause; matchConditions exclude', async () => {
  await h.api.post(VAP).send(policy).expect(201);
  await h.api
    .post(VAPB)
    .send(binding('deny', ['Deny']))
    .expect(201);
  const res = await h.api.post(CM).send(checked('big', 2)).expect(403);
  const message = `ValidatingAdmissionPolicy 'small-configmaps' with binding 'deny' denied request: too many keys: 2`;
  expect(res.body).toMatchObject({
    kind: 'Status',
    status: 'Failure',
    reason: 'Forbidden',
    code: 403,
    message: `configmaps "big" is forbidden: ${message}`,
    details: { name: 'big', kind: 'configmaps', causes: [{ message }] },
  });
  await h.api.post(CM).send(checked('small', 1)).expect(201);
  await h.api
    .post(CM)
    .send(configMap('unlabelled', { data: { a: '1', b: '2' } }))
    .expect(201);
  await h.api.post(`${CM}?dryRun=All`).send(checked('dry', 3)).expect(403);
  await h.api.delete(`${VAPB}/deny`).expect(200);
});

test('Warn and Audit: a Warning header, the validation_failure and policy annotations in the audit event', async () => {
  await h.api
    .post(VAPB)
    .send(binding('warn-audit', ['Warn', 'Audit']))
    .expect(201);
  events.length = 0;
  const res = await h.api.post(CM).send(checked('warned', 3)).expect(201);
  expect(res.headers.warning).toBe(
    `299 - "Validation failed for ValidatingAdmissionPolicy 'small-configmaps' with binding 'warn-audit': too many keys: 3"`,
  );
  await settle();
  const created = events.find((e) => e.verb === 'create' && e.objectRef?.name === 'warned');
  expect(created?.annotations).toMatchObject({
    'validation.policy.admission.k8s.io/validation_failure': JSON.stringify([
      {
        message: 'too many keys: 3',
        policy: 'small-configmaps',
        binding: 'warn-audit',
        expressionIndex: 0,
        validationActions: ['Warn', 'Audit'],
      },
    ]),
    'small-configmaps/keys': '3 keys',
  });
});

test('matchPolicy Equivalent: the same resource in another served version (shared storage) matches', () => {
  const hpa = host.equivalents({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' }, '');
  expect(hpa.map((m) => `${m.resource.group}/${m.resource.version}/${m.resource.resource} ${m.kind.kind}`)).toEqual([
    'autoscaling/v1/horizontalpodautoscalers HorizontalPodAutoscaler',
  ]);
  const events = host.equivalents({ group: '', version: 'v1', resource: 'events' }, '');
  expect(events.map((m) => `${m.resource.group}/${m.resource.version}/${m.resource.resource}`)).toEqual(['events.k8s.io/v1/events']);
  expect(host.equivalents({ group: '', version: 'v1', resource: 'configmaps' }, '')).toEqual([]);
});

test('params by selector from the served kind; an unknown paramKind has no source', async () => {
  await h.api
    .post(CM)
    .send(configMap('limit-a', { metadata: { name: 'limit-a', labels: { limits: 'yes' } }, data: { max: '1' } }))
    .expect(201);
  const source = host.paramSource('v1', 'ConfigMap')!;
  expect(source.namespaced).toBe(true);
  expect((await source.get('default', 'limit-a'))?.data).toEqual({ max: '1' });
  expect(await source.get('default', 'nope')).toBeUndefined();
  expect((await source.list('default', { matchLabels: { limits: 'yes' } })).map((p) => p.metadata.name)).toEqual(['limit-a']);
  expect(host.paramSource('example.com/v1', 'Nothing')).toBeUndefined();
});
