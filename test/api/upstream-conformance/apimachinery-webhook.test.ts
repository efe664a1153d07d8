// Mirrors test/e2e/apimachinery/webhook.go's [Conformance] tests (upstream v1.26) whose webhook needs no pod of its
// own: agnhost's sample webhook runs in process (sample-webhook.ts) behind a selectorless Service, called by the
// server's admission webhook plugins over TLS. The namespace setup is the BeforeEach's: the test namespace labelled
// `<ns>: "true"` and a `<ns>-markers` namespace for the readiness markers.
import { randomUUID } from 'node:crypto';
import { deploySampleWebhook, type SampleWebhook } from './sample-webhook.js';
import { startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ admissionWebhooks: true });
});
afterAll(() => c.close());

const ADMISSION = '/apis/admissionregistration.k8s.io/v1';
const VALIDATING = `${ADMISSION}/validatingwebhookconfigurations`;
const MUTATING = `${ADMISSION}/mutatingwebhookconfigurations`;

interface Env {
  ns: string;
  hook: SampleWebhook;
}
let env: Env;
let n = 0;
beforeEach(async () => {
  const ns = `webhook-${++n}`;
  await c.h.api
    .post('/api/v1/namespaces')
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [ns]: 'true' } } })
    .expect(201);
  await c.h.api
    .post('/api/v1/namespaces')
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${ns}-markers`, labels: { [`${ns}-markers`]: 'true' } } })
    .expect(201);
  env = { ns, hook: await deploySampleWebhook(c.h, ns) };
});
afterEach(() => env.hook.close());

const configmaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const configMapRule = (operations: string[]) => [{ operations, apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
const common = { sideEffects: 'None', admissionReviewVersions: ['v1', 'v1beta1'] };

/** newDenyConfigMapWebhookFixture. */
const denyConfigMapWebhook = () => ({
  name: 'deny-unwanted-configmap-data.k8s.io',
  rules: configMapRule(['CREATE', 'UPDATE', 'DELETE']),
  namespaceSelector: {
    matchLabels: { [env.ns]: 'true' },
    matchExpressions: [{ key: 'skip-webhook-admission', operator: 'NotIn', values: ['yes'] }],
  },
  clientConfig: env.hook.clientConfig('/configmaps'),
  ...common,
});

/** newMutateConfigMapWebhookFixture. */
const mutateConfigMapWebhook = (stage: number) => ({
  name: `adding-configmap-data-stage-${stage}.k8s.io`,
  rules: configMapRule(['CREATE']),
  clientConfig: env.hook.clientConfig('/mutating-configmaps'),
  namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
  ...common,
});

/** new{Validating,Mutating}IsReadyWebhookFixture: always-deny on markers, failing open. */
const isReadyWebhook = (kind: 'validating' | 'mutating') => ({
  name: `${kind}-is-webhook-configuration-ready.k8s.io`,
  rules: configMapRule(['CREATE']),
  clientConfig: env.hook.clientConfig('/always-deny'),
  failurePolicy: 'Ignore',
  namespaceSelector: { matchLabels: { [`${env.ns}-markers`]: 'true' } },
  objectSelector: { matchLabels: { [env.ns]: 'true' } },
  ...common,
});

const configuration = (kind: 'Validating' | 'Mutating', name: string, webhooks: J[], labels?: Record<string, string>) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: `${kind}WebhookConfiguration`,
  metadata: { name, ...(labels ? { labels } : {}) },
  webhooks,
});

/** waitWebhookConfigurationReady: marker configmaps until one is denied. */
const waitWebhookConfigurationReady = () =>
  until(async () => {
    const name = randomUUID();
    const res = await c.h.api
      .post(configmaps(`${env.ns}-markers`))
      .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { [env.ns]: 'true' } } });
    if (res.status === 201) {
      await c.h.api.delete(`${configmaps(`${env.ns}-markers`)}/${name}`);
      return false;
    }
    if (!String(res.body.message).includes('denied')) throw new Error(`marker: ${res.status} ${res.body.message}`);
    return true;
  }, 30_000);

/** namedNonCompliantConfigMap / namedToBeMutatedConfigMap. */
const nonCompliant = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { 'webhook-e2e-test': 'webhook-disallow' },
});
const toBeMutated = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'mutation-start': 'yes' } });

/** Creates (and deletes) configmaps until one is denied (`want` true) or admitted (false). */
const untilDenied = (want: boolean) =>
  until(async () => {
    const name = randomUUID();
    const res = await c.h.api.post(configmaps(env.ns)).send(nonCompliant(name));
    if (res.status === 201) {
      await c.h.api.delete(`${configmaps(env.ns)}/${name}`).expect(200);
      return !want;
    }
    if (!String(res.body.message).includes('denied')) throw new Error(`unexpected: ${res.status} ${res.body.message}`);
    return want;
  }, 30_000);

/** Creates (and deletes) configmaps until one comes back mutated (`want` true) or not (false). */
const untilMutated = (want: boolean) =>
  until(async () => {
    const name = randomUUID();
    const created = (await c.h.api.post(configmaps(env.ns)).send(toBeMutated(name)).expect(201)).body;
    await c.h.api.delete(`${configmaps(env.ns)}/${name}`).expect(200);
    return 'mutation-stage-1' in (created.data ?? {}) === want;
  }, 30_000);

describe('[sig-api-machinery] AdmissionWebhook [Privileged:ClusterAdmin]', () => {
  test('should include webhook resources in discovery documents [Conformance]', async () => {
    const groups = (await c.h.api.get('/apis').expect(200)).body.groups as J[];
    const group = groups.find((g) => g.name === 'admissionregistration.k8s.io');
    expect((group?.versions as J[]).some((v) => v.version === 'v1')).toBe(true);
    const g = (await c.h.api.get('/apis/admissionregistration.k8s.io').expect(200)).body;
    expect(g.name).toBe('admissionregistration.k8s.io');
    expect((g.versions as J[]).some((v) => v.version === 'v1')).toBe(true);
    const list = (await c.h.api.get(ADMISSION).expect(200)).body;
    expect(list.groupVersion).toBe('admissionregistration.k8s.io/v1');
    const names = (list.resources as J[]).map((r) => r.name);
    expect(names).toContain('mutatingwebhookconfigurations');
    expect(names).toContain('validatingwebhookconfigurations');
  });

  test('should mutate configmap [Conformance]', async () => {
    await c.h.api
      .post(MUTATING)
      .send(configuration('Mutating', env.ns, [mutateConfigMapWebhook(1), mutateConfigMapWebhook(2), isReadyWebhook('mutating')]))
      .expect(201);
    await waitWebhookConfigurationReady();
    const created = (await c.h.api.post(configmaps(env.ns)).send(toBeMutated('to-be-mutated')).expect(201)).body;
    expect(created.data).toEqual({ 'mutation-start': 'yes', 'mutation-stage-1': 'yes', 'mutation-stage-2': 'yes' });
    await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
  });

  test('patching/updating a validating webhook should work [Conformance]', async () => {
    await c.h.api
      .post(VALIDATING)
      .send(configuration('Validating', env.ns, [denyConfigMapWebhook(), isReadyWebhook('validating')]))
      .expect(201);
    await waitWebhookConfigurationReady();
    await untilDenied(true);

    // Rules without CREATE: admitted.
    const h = (await c.h.api.get(`${VALIDATING}/${env.ns}`).expect(200)).body;
    h.webhooks[0].rules[0].operations = ['UPDATE'];
    await c.h.api.put(`${VALIDATING}/${env.ns}`).send(h).expect(200);
    await untilDenied(false);

    // CREATE again, by a JSON patch: denied.
    await c.h.api
      .patch(`${VALIDATING}/${env.ns}`)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'replace', path: '/webhooks/0/rules/0/operations', value: ['CREATE'] }])
      .expect(200);
    await untilDenied(true);
    await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
  });

  test('patching/updating a mutating webhook should work [Conformance]', async () => {
    await c.h.api
      .post(MUTATING)
      .send(configuration('Mutating', env.ns, [mutateConfigMapWebhook(1), isReadyWebhook('mutating')]))
      .expect(201);
    await waitWebhookConfigurationReady();

    const hook = (await c.h.api.get(`${MUTATING}/${env.ns}`).expect(200)).body;
    hook.webhooks[0].rules[0].operations = ['UPDATE'];
    await c.h.api.put(`${MUTATING}/${env.ns}`).send(hook).expect(200);
    await untilMutated(false);

    await c.h.api
      .patch(`${MUTATING}/${env.ns}`)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'replace', path: '/webhooks/0/rules/0/operations', value: ['CREATE'] }])
      .expect(200);
    await untilMutated(true);
    await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
  });

  test('listing validating webhooks should work [Conformance]', async () => {
    const uuid = randomUUID();
    for (let i = 0; i < 10; i++)
      await c.h.api
        .post(VALIDATING)
        .send(
          configuration('Validating', `${env.ns}-${i}`, [denyConfigMapWebhook(), isReadyWebhook('validating')], {
            'e2e-list-test-uuid': uuid,
          }),
        )
        .expect(201);
    const selector = `labelSelector=${encodeURIComponent(`e2e-list-test-uuid=${uuid}`)}`;
    expect((await c.h.api.get(`${VALIDATING}?${selector}`).expect(200)).body.items).toHaveLength(10);
    await waitWebhookConfigurationReady();
    await untilDenied(true);
    await c.h.api.delete(`${VALIDATING}?${selector}`).expect(200);
    await untilDenied(false);
  });

  test('listing mutating webhooks should work [Conformance]', async () => {
    const uuid = randomUUID();
    for (let i = 0; i < 10; i++)
      await c.h.api
        .post(MUTATING)
        .send(
          configuration('Mutating', `${env.ns}-${i}`, [mutateConfigMapWebhook(1), isReadyWebhook('mutating')], {
            'e2e-list-test-uuid': uuid,
          }),
        )
        .expect(201);
    const selector = `labelSelector=${encodeURIComponent(`e2e-list-test-uuid=${uuid}`)}`;
    expect((await c.h.api.get(`${MUTATING}?${selector}`).expect(200)).body.items).toHaveLength(10);
    await waitWebhookConfigurationReady();
    await untilMutated(true);
    await c.h.api.delete(`${MUTATING}?${selector}`).expect(200);
    await untilMutated(false);
  });

  test('should unconditionally reject operations on fail closed webhook [Conformance]', async () => {
    // A webhook the server cannot verify (no CA bundle), failing closed, for namespaces labelled fail-closed-webhook.
    const failClosed = {
      name: 'fail-closed.k8s.io',
      rules: configMapRule(['CREATE']),
      clientConfig: env.hook.clientConfig('/configmaps', false),
      failurePolicy: 'Fail',
      namespaceSelector: {
        matchLabels: { [env.ns]: 'true' },
        matchExpressions: [{ key: 'fail-closed-webhook', operator: 'In', values: ['yes'] }],
      },
      ...common,
    };
    await c.h.api
      .post(VALIDATING)
      .send(configuration('Validating', env.ns, [failClosed, isReadyWebhook('validating')]))
      .expect(201);
    await waitWebhookConfigurationReady();
    const failNs = `fail-closed-namespace-${n}`;
    await c.h.api
      .post('/api/v1/namespaces')
      .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: failNs, labels: { 'fail-closed-webhook': 'yes', [env.ns]: 'true' } } })
      .expect(201);
    const res = await c.h.api.post(configmaps(failNs)).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo' } });
    expect(res.status).toBe(500);
    expect(res.body.reason).toBe('InternalError');
    await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
  });

  test('should not be able to mutate or prevent deletion of webhook configuration objects [Conformance]', async () => {
    const forConfigurations = (operations: string[]) => [
      {
        operations,
        apiGroups: ['admissionregistration.k8s.io'],
        apiVersions: ['*'],
        resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
      },
    ];
    const scoped = { namespaceSelector: { matchLabels: { [env.ns]: 'true' } }, failurePolicy: 'Fail', ...common };
    // Webhooks that would deny deleting, and label creating, webhook configurations: never called for them.
    await c.h.api
      .post(VALIDATING)
      .send(
        configuration('Validating', `${env.ns}blocking`, [
          {
            name: 'deny-webhook-configuration-deletions.k8s.io',
            rules: forConfigurations(['DELETE']),
            clientConfig: env.hook.clientConfig('/always-deny'),
            ...scoped,
          },
          isReadyWebhook('validating'),
        ]),
      )
      .expect(201);
    await waitWebhookConfigurationReady();
    await c.h.api
      .post(MUTATING)
      .send(
        configuration('Mutating', `${env.ns}blocking`, [
          {
            name: 'add-label-to-webhook-configurations.k8s.io',
            rules: forConfigurations(['CREATE']),
            clientConfig: env.hook.clientConfig('/add-label'),
            ...scoped,
          },
          isReadyWebhook('mutating'),
        ]),
      )
      .expect(201);
    await waitWebhookConfigurationReady();

    // Dummy configurations (a rule no resource matches, a path the webhook does not serve, failing open).
    const dummy = (kind: string) => ({
      name: `dummy-${kind}-webhook.k8s.io`,
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['invalid'] }],
      clientConfig: env.hook.clientConfig('', false),
      failurePolicy: 'Ignore',
      namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
      ...common,
    });
    const v = (
      await c.h.api
        .post(VALIDATING)
        .send(configuration('Validating', env.ns, [dummy('validating'), isReadyWebhook('validating')]))
        .expect(201)
    ).body;
    expect(v.metadata.labels?.['added-label']).toBeUndefined();
    await waitWebhookConfigurationReady();
    await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);

    const m = (
      await c.h.api
        .post(MUTATING)
        .send(configuration('Mutating', env.ns, [dummy('mutating'), isReadyWebhook('mutating')]))
        .expect(201)
    ).body;
    expect(m.metadata.labels?.['added-label']).toBeUndefined();
    await waitWebhookConfigurationReady();
    await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);

    await c.h.api.delete(`${MUTATING}/${env.ns}blocking`).expect(200);
    await c.h.api.delete(`${VALIDATING}/${env.ns}blocking`).expect(200);
  });
});
