// Mirrors test/e2e/apimachinery/webhook.go's [Conformance] tests (upstream v1.26) whose webhook needs no pod of its
// own: agnhost's sample webhook runs in process (sample-webhook.ts) behind a selectorless Service, called by the
// server's admission webhook plugins over TLS. The namespace setup is the BeforeEach's: the test namespace labelled
// `<ns>: "true"` and a `<ns>-markers` namespace for the readiness markers.
import { randomUUID } from 'node:crypto';
import { deploySampleWebhook, type SampleWebhook } from './sample-webhook.js';
import { createCrd, deleteCrd, startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ admissionWebhooks: true, customResources: true });
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

  test('should mutate pod and apply defaults after mutation [Conformance]', async () => {
    await c.h.api
      .post(MUTATING)
      .send(
        configuration('Mutating', env.ns, [
          {
            name: 'adding-init-container.k8s.io',
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
            clientConfig: env.hook.clientConfig('/mutating-pods'),
            namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
            ...common,
          },
          isReadyWebhook('mutating'),
        ]),
      )
      .expect(201);
    await waitWebhookConfigurationReady();
    const pod = (
      await c.h.api.post(`/api/v1/namespaces/${env.ns}/pods`).send({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'webhook-to-be-mutated' },
        spec: { containers: [{ name: 'example', image: 'registry.k8s.io/pause:3.9' }] },
      })
    ).body;
    expect(pod.message).toBeUndefined();
    expect(pod.spec.initContainers).toHaveLength(1);
    expect(pod.spec.initContainers[0].name).toBe('webhook-added-init-container');
    // Defaulted after the mutation.
    expect(pod.spec.initContainers[0].terminationMessagePolicy).toBe('File');
    await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
  });

  test('should deny crd creation [Conformance]', async () => {
    await c.h.api
      .post(VALIDATING)
      .send(
        configuration('Validating', env.ns, [
          {
            name: 'deny-crd-with-unwanted-label.k8s.io',
            rules: [
              { operations: ['CREATE'], apiGroups: ['apiextensions.k8s.io'], apiVersions: ['*'], resources: ['customresourcedefinitions'] },
            ],
            clientConfig: env.hook.clientConfig('/crd'),
            objectSelector: { matchLabels: { [env.ns]: 'true' } },
            ...common,
          },
          isReadyWebhook('validating'),
        ]),
      )
      .expect(201);
    await waitWebhookConfigurationReady();
    const res = await c.h.api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').send({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: 'e2e-test-webhook-deny-crds.webhook.example.com',
        labels: { [env.ns]: 'true', 'webhook-e2e-test': 'webhook-disallow' },
      },
      spec: {
        group: 'webhook.example.com',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
        names: {
          singular: 'e2e-test-webhook-deny-crd',
          kind: 'E2e-test-webhook-deny-crd',
          listKind: 'E2e-test-webhook-deny-crdList',
          plural: 'e2e-test-webhook-deny-crds',
        },
        scope: 'Namespaced',
      },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.message).toContain('the crd contains unwanted label');
    await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
  });

  // The custom resource tests (a block for their helpers; no describe, so the names stay upstream's).
  {
    /** crd.CreateTestCRD (versions given), namespaced, group webhook.example.com. */
    let seq = 0;
    async function testCrd(versions: J[]): Promise<J> {
      const name = `e2e-test-webhook-${1000 + ++seq}-crd`;
      const kind = `E2e-test-webhook-${1000 + seq}-crd`;
      return createCrd(c.h, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${name}s.webhook.example.com` },
        spec: {
          group: 'webhook.example.com',
          scope: 'Namespaced',
          names: { plural: `${name}s`, singular: name, kind, listKind: `${kind}List` },
          versions,
        },
      });
    }
    const anySchema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    const v1Only = [{ name: 'v1', served: true, storage: true, schema: anySchema }];
    /** createAdmissionWebhookMultiVersionTestCRDWithV1Storage. */
    const v1StorageV2 = (schema: J = anySchema) => [
      { name: 'v1', served: true, storage: true, schema },
      { name: 'v2', served: true, storage: false, schema },
    ];
    const crs = (crd: J, version: string) => `/apis/${crd.spec.group}/${version}/namespaces/${env.ns}/${crd.spec.names.plural}`;
    const crRule = (crd: J, operations: string[]) => [
      {
        operations,
        apiGroups: [crd.spec.group],
        apiVersions: (crd.spec.versions as J[]).filter((v) => v.served).map((v) => v.name),
        resources: [crd.spec.names.plural],
      },
    ];
    const cr = (crd: J, name: string, data: Record<string, string>) => ({
      kind: crd.spec.names.kind,
      apiVersion: `${crd.spec.group}/${crd.spec.versions[0].name}`,
      metadata: { name, namespace: env.ns },
      data,
    });

    /** registerMutatingWebhookForCustomResource. */
    async function registerMutating(crd: J): Promise<void> {
      const stage = (n: number, operations: string[]) => ({
        name: `mutate-custom-resource-data-stage-${n}.k8s.io`,
        rules: crRule(crd, operations),
        clientConfig: env.hook.clientConfig('/mutating-custom-resource'),
        namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
        ...common,
      });
      await c.h.api
        .post(MUTATING)
        .send(configuration('Mutating', env.ns, [stage(1, ['CREATE', 'UPDATE']), stage(2, ['CREATE']), isReadyWebhook('mutating')]))
        .expect(201);
      await waitWebhookConfigurationReady();
    }

    test('should be able to deny custom resource creation, update and deletion [Conformance]', async () => {
      const crd = await testCrd(v1Only);
      await c.h.api
        .post(VALIDATING)
        .send(
          configuration('Validating', env.ns, [
            {
              name: 'deny-unwanted-custom-resource-data.k8s.io',
              rules: crRule(crd, ['CREATE', 'UPDATE', 'DELETE']),
              clientConfig: env.hook.clientConfig('/custom-resource'),
              namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
              ...common,
            },
            isReadyWebhook('validating'),
          ]),
        )
        .expect(201);
      await waitWebhookConfigurationReady();
      const path = crs(crd, 'v1');

      const denied = await c.h.api.post(path).send(cr(crd, 'cr-instance-1', { 'webhook-e2e-test': 'webhook-disallow' }));
      expect(denied.status).toBeGreaterThanOrEqual(400);
      expect(denied.body.message).toContain('the custom resource contains unwanted data');

      // testBlockingCustomResourceUpdateDeletion.
      await c.h.api
        .post(path)
        .send(cr(crd, 'cr-instance-2', { 'webhook-e2e-test': 'webhook-nondeletable' }))
        .expect(201);
      const current = (await c.h.api.get(`${path}/cr-instance-2`).expect(200)).body;
      current.data['webhook-e2e-test'] = 'webhook-disallow';
      const upd = await c.h.api.put(`${path}/cr-instance-2`).send(current);
      expect(upd.status).toBeGreaterThanOrEqual(400);
      expect(upd.body.message).toContain('the custom resource contains unwanted data');

      const del = await c.h.api.delete(`${path}/cr-instance-2`);
      expect(del.status).toBeGreaterThanOrEqual(400);
      expect(del.body.message).toContain('the custom resource cannot be deleted because it contains unwanted key and value');

      const again = (await c.h.api.get(`${path}/cr-instance-2`).expect(200)).body;
      again.data['webhook-e2e-test'] = 'webhook-allow';
      await c.h.api.put(`${path}/cr-instance-2`).send(again).expect(200);
      await c.h.api.delete(`${path}/cr-instance-2`).expect(200);
      await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
      await deleteCrd(c.h, crd);
    });

    test('should mutate custom resource [Conformance]', async () => {
      const crd = await testCrd(v1Only);
      await registerMutating(crd);
      const created = (
        await c.h.api
          .post(crs(crd, 'v1'))
          .send(cr(crd, 'cr-instance-1', { 'mutation-start': 'yes' }))
          .expect(201)
      ).body;
      expect(created.data).toEqual({ 'mutation-start': 'yes', 'mutation-stage-1': 'yes', 'mutation-stage-2': 'yes' });
      await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
      await deleteCrd(c.h, crd);
    });

    test('should mutate custom resource with pruning [Conformance]', async () => {
      const schema = {
        openAPIV3Schema: {
          type: 'object',
          // mutation-stage-2 is left out, so that it is pruned.
          properties: {
            data: { type: 'object', properties: { 'mutation-start': { type: 'string' }, 'mutation-stage-1': { type: 'string' } } },
          },
        },
      };
      const crd = await testCrd(v1StorageV2(schema));
      await registerMutating(crd);
      const created = (
        await c.h.api
          .post(crs(crd, 'v1'))
          .send(cr(crd, 'cr-instance-1', { 'mutation-start': 'yes' }))
          .expect(201)
      ).body;
      expect(created.data).toEqual({ 'mutation-start': 'yes', 'mutation-stage-1': 'yes' });
      await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
      await deleteCrd(c.h, crd);
    });

    test('should mutate custom resource with different stored version [Conformance]', async () => {
      const crd = await testCrd(v1StorageV2());
      await registerMutating(crd);
      await c.h.api
        .post(crs(crd, 'v1'))
        .send(cr(crd, 'cr-instance-1', { 'mutation-start': 'yes' }))
        .expect(201);

      // v2 becomes the storage version (a strategic merge patch of the CRD: its lists are replaced).
      await c.h.api
        .patch(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`)
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({
          spec: {
            versions: [
              { name: 'v1', storage: false, served: true, schema: anySchema },
              { name: 'v2', storage: true, served: true, schema: anySchema },
            ],
          },
        })
        .expect(200);
      const mutated = (
        await c.h.api
          .patch(`${crs(crd, 'v2')}/cr-instance-1`)
          .set('Content-Type', 'application/json-patch+json')
          .send([{ op: 'add', path: '/dummy', value: 'test' }])
          .expect(200)
      ).body;
      expect(mutated.data).toEqual({ 'mutation-start': 'yes', 'mutation-stage-1': 'yes', 'mutation-stage-2': 'yes' });
      expect(mutated.dummy).toBe('test');
      await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
    });
  }

  test('should be able to deny pod and configmap creation [Conformance]', async () => {
    // registerWebhook: pods and configmaps denied by content, a webhook the server cannot reach failing open.
    const failOpen = {
      name: 'fail-open.k8s.io',
      rules: configMapRule(['CREATE']),
      clientConfig: env.hook.clientConfig('/configmaps', false),
      failurePolicy: 'Ignore',
      namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
      ...common,
    };
    const denyPod = {
      name: 'deny-unwanted-pod-container-name-and-label.k8s.io',
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      clientConfig: env.hook.clientConfig('/pods'),
      namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
      ...common,
    };
    await c.h.api
      .post(VALIDATING)
      .send(configuration('Validating', env.ns, [denyPod, denyConfigMapWebhook(), failOpen, isReadyWebhook('validating')]))
      .expect(201);
    await waitWebhookConfigurationReady();
    const pods = `/api/v1/namespaces/${env.ns}/pods`;
    const pod = (name: string, label: string, container: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { 'webhook-e2e-test': label } },
      spec: { containers: [{ name: container, image: 'registry.k8s.io/pause:3.9' }] },
    });

    const denied = await c.h.api.post(pods).send(pod('disallowed-pod', 'webhook-disallow', 'webhook-disallow'));
    expect(denied.status).toBeGreaterThanOrEqual(400);
    expect(denied.body.message).toContain('the pod contains unwanted container name');
    expect(denied.body.message).toContain('the pod contains unwanted label');

    // A webhook that never answers: the call times out (the default 10 s) and the pod is not created.
    const hanging = await c.h.api.post(pods).send(pod('hanging-pod', 'wait-forever', 'wait-forever'));
    expect(hanging.status).toBeGreaterThanOrEqual(400);
    expect(hanging.body.message).toContain('webhook');
    expect(hanging.body.message).toContain('deadline');
    await c.h.api.get(`${pods}/hanging-pod`).expect(404);

    const cm = await c.h.api.post(configmaps(env.ns)).send(nonCompliant('disallowed-configmap'));
    expect(cm.status).toBeGreaterThanOrEqual(400);
    expect(cm.body.message).toContain('the configmap contains unwanted key and value');

    await c.h.api
      .post(configmaps(env.ns))
      .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'allowed-configmap' }, data: { admit: 'this' } })
      .expect(201);
    const current = (await c.h.api.get(`${configmaps(env.ns)}/allowed-configmap`).expect(200)).body;
    current.data['webhook-e2e-test'] = 'webhook-disallow';
    const put = await c.h.api.put(`${configmaps(env.ns)}/allowed-configmap`).send(current);
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(put.body.message).toContain('the configmap contains unwanted key and value');
    const patched = await c.h.api
      .patch(`${configmaps(env.ns)}/allowed-configmap`)
      .set('Content-Type', 'application/strategic-merge-patch+json')
      .send('{"data":{"webhook-e2e-test":"webhook-disallow"}}');
    expect(patched.status).toBeGreaterThanOrEqual(400);
    expect(patched.body.message).toContain('the configmap contains unwanted key and value');

    // A namespace the webhook's selector skips.
    const skipped = `exempted-namespace-${n}`;
    await c.h.api
      .post('/api/v1/namespaces')
      .send({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: skipped, labels: { 'skip-webhook-admission': 'yes', [env.ns]: 'true' } },
      })
      .expect(201);
    await c.h.api.post(configmaps(skipped)).send(nonCompliant('disallowed-configmap')).expect(201);
    await c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
  });

  test('should honor timeout [Conformance]', async () => {
    /** registerSlowWebhook: configmap creates go to a webhook that admits after 5 s. */
    const register = async (failurePolicy: string, timeoutSeconds?: number) => {
      const slow = {
        name: 'allow-configmap-with-delay-webhook.k8s.io',
        rules: configMapRule(['CREATE']),
        clientConfig: env.hook.clientConfig('/always-allow-delay-5s'),
        namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
        failurePolicy,
        ...(timeoutSeconds ? { timeoutSeconds } : {}),
        ...common,
      };
      await c.h.api
        .post(VALIDATING)
        .send(configuration('Validating', env.ns, [slow, isReadyWebhook('validating')]))
        .expect(201);
      await waitWebhookConfigurationReady();
    };
    const unregister = () => c.h.api.delete(`${VALIDATING}/${env.ns}`).expect(200);
    const create = () =>
      c.h.api.post(configmaps(env.ns)).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-test-slow-webhook-configmap' } });
    const createsWithoutError = async () => {
      await create().expect(201);
      await c.h.api.delete(`${configmaps(env.ns)}/e2e-test-slow-webhook-configmap`).expect(200);
    };

    // A 1 s timeout, failing closed: the create fails on the timeout, naming the webhook's URL.
    await register('Fail', 1);
    const failed = await create();
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const message = String(failed.body.message);
    expect(message.includes('context deadline exceeded') || message.includes('timeout')).toBe(true);
    expect(message).toContain('/always-allow-delay-5s?timeout=1s');
    await unregister();

    // The same, failing open: no error.
    await register('Ignore', 1);
    await createsWithoutError();
    await unregister();

    // 10 s, longer than the webhook's 5: no error; nor with the default (10 s in v1).
    await register('Fail', 10);
    await createsWithoutError();
    await unregister();
    await register('Fail');
    await createsWithoutError();
    await unregister();
  });

  // v1.28's additions to webhook.go: matchConditions.
  {
    const cmRule = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
    /** newValidatingWebhookWithMatchConditions. */
    const validatingWith = (matchConditions: J[]) =>
      configuration('Validating', env.ns, [
        {
          name: 'validation-webhook-with-match-conditions.k8s.io',
          rules: cmRule,
          clientConfig: env.hook.clientConfig('/always-deny'),
          sideEffects: 'None',
          matchPolicy: 'Equivalent',
          admissionReviewVersions: ['v1'],
          namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
          matchConditions,
        },
        isReadyWebhook('validating'),
      ]);
    /** newMutatingWebhookWithMatchConditions. */
    const mutatingWith = (matchConditions: J[]) =>
      configuration('Mutating', env.ns, [
        {
          name: 'adding-configmap-data.k8s.io',
          rules: cmRule,
          clientConfig: env.hook.clientConfig('/mutating-configmaps'),
          namespaceSelector: { matchLabels: { [env.ns]: 'true' } },
          matchConditions,
          ...common,
        },
        isReadyWebhook('mutating'),
      ]);
    const initial = [{ name: 'expression-1', expression: "object.metadata.namespace == 'production'" }];
    const updated = [...initial, { name: 'expression-2', expression: "object.metadata.namespace == 'staging'" }];
    const invalid = [{ name: 'invalid-expression-1', expression: '... [] bad expression' }];

    for (const [kind, path, build] of [
      ['validating', VALIDATING, validatingWith],
      ['mutating', MUTATING, mutatingWith],
    ] as const) {
      test(`should be able to create and update ${kind} webhook configurations with match conditions [Conformance]`, async () => {
        await c.h.api.post(path).send(build(initial)).expect(201);
        const got = (await c.h.api.get(`${path}/${env.ns}`).expect(200)).body;
        expect(got.webhooks[0].matchConditions).toEqual(initial);
        got.webhooks[0].matchConditions = updated;
        await c.h.api.put(`${path}/${env.ns}`).send(got).expect(200);
        expect((await c.h.api.get(`${path}/${env.ns}`).expect(200)).body.webhooks[0].matchConditions).toEqual(updated);
        await c.h.api.delete(`${path}/${env.ns}`).expect(200);
      });

      test(`should reject ${kind} webhook configurations with invalid match conditions [Conformance]`, async () => {
        const res = await c.h.api.post(path).send(build(invalid));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.body.message).toContain('compilation failed');
      });
    }

    test("should mutate everything except 'skip-me' configmaps [Conformance]", async () => {
      const hook = {
        ...mutateConfigMapWebhook(1),
        matchConditions: [{ name: 'skip-me', expression: "object.metadata.name != 'skip-me'" }],
      };
      await c.h.api
        .post(MUTATING)
        .send(configuration('Mutating', env.ns, [hook, isReadyWebhook('mutating')]))
        .expect(201);
      await waitWebhookConfigurationReady();
      const mutated = (await c.h.api.post(configmaps(env.ns)).send(toBeMutated(randomUUID())).expect(201)).body;
      expect(mutated.data).toEqual({ 'mutation-start': 'yes', 'mutation-stage-1': 'yes' });
      const skipped = (await c.h.api.post(configmaps(env.ns)).send(toBeMutated('skip-me')).expect(201)).body;
      expect(skipped.data).toEqual({ 'mutation-start': 'yes' });
      await c.h.api.delete(`${MUTATING}/${env.ns}`).expect(200);
    });
  }
});
