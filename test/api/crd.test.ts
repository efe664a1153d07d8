// CustomResourceDefinitions over the real app: a CRD is accepted and established, its kind served at once
// (discovery, OpenAPI, CRUD), custom resources pruned, defaulted and validated from the schema, printed with the
// printer columns, scaled, served in two versions, and deleted with their CRD.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { serveCustomResources, type CustomResourceServing } from '../../src/apiextensions/serving.js';
import { startCrdControllers } from '../../src/apiextensions/controller.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { until } from '../support/until.js';

const log = pino({ level: 'silent' });
let h: Harness;
let serving: CustomResourceServing;
let controllers: Controller;

beforeAll(async () => {
  h = await startHarness();
  serving = serveCustomResources(h.service, log);
  await serving.synced;
  controllers = await startCrdControllers(
    makeContext(h.service, log).client({ name: 'system:apiserver', groups: ['system:masters'] }),
    log as never,
  );
});
afterAll(async () => {
  controllers.stop();
  serving.stop();
  await h.close();
});

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['small', 'large'] },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        name: { type: 'string', maxLength: 5, pattern: '^[a-z]+$' },
        port: { 'x-kubernetes-int-or-string': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: {
          type: 'array',
          maxItems: 2,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
        },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
  },
};

const crd = (versions: unknown[]) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions,
  },
});

const v1 = {
  name: 'v1',
  served: true,
  storage: true,
  schema: { openAPIV3Schema: schema },
  subresources: {
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  },
  additionalPrinterColumns: [
    { name: 'Size', type: 'string', jsonPath: '.spec.size' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
  ],
};
const v1beta1 = { ...v1, name: 'v1beta1', storage: false, additionalPrinterColumns: undefined };

const W = '/apis/example.com/v1/namespaces/default/widgets';

describe('a CustomResourceDefinition', () => {
  test('is refused with upstream messages when invalid', async () => {
    const bad = crd([{ ...v1, storage: false }]);
    (bad.metadata as { name: string }).name = 'nope.example.com';
    const res = await h.api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').send(bad).expect(422);
    expect(res.body.message).toContain('metadata.name: Invalid value: "nope.example.com": must be spec.names.plural+"."+spec.group');
    expect(res.body.message).toContain('spec.versions: Invalid value: must have exactly one version marked as storage version');
    const nonStructural = crd([{ ...v1, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: {} } } } } }]);
    const r2 = await h.api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').send(nonStructural).expect(422);
    expect(r2.body.message).toContain(
      // One version's schema is hoisted to spec.validation in the internal CRD upstream validates.
      'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    );
  });

  test('is accepted, established and served at once', async () => {
    await h.api
      .post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')
      .send(crd([v1, v1beta1]))
      .expect(201);
    const established = await until(async () => {
      const got = (await h.api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).body;
      return got.status?.conditions?.find((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True') && got;
    });
    expect(established.status.acceptedNames).toMatchObject({ plural: 'widgets', kind: 'Widget', listKind: 'WidgetList' });
    expect(established.status.storedVersions).toEqual(['v1']);
    expect(established.status.conditions.find((c: { type: string }) => c.type === 'NamesAccepted')).toMatchObject({
      status: 'True',
      reason: 'NoConflicts',
      message: 'no conflicts found',
    });
    const group = (await h.api.get('/apis/example.com').expect(200)).body;
    expect(group.preferredVersion.version).toBe('v1');
    expect(group.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1']);
    const list = (await h.api.get('/apis/example.com/v1').expect(200)).body;
    expect(list.resources.map((r: { name: string }) => r.name).sort()).toEqual(['widgets', 'widgets/scale', 'widgets/status']);
    expect(list.resources[0]).toMatchObject({ shortNames: ['wd'], categories: ['all'], kind: 'Widget', namespaced: true });
    const v3 = (await h.api.get('/openapi/v3/apis/example.com/v1').expect(200)).body;
    expect(v3.components.schemas['com.example.v1.Widget'].properties.spec.properties.size.enum).toEqual(['small', 'large']);
  });

  test('aggregated discovery changes its ETag when a kind is added', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    const first = await h.api.get('/apis').set('Accept', accept).expect(200);
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    await h.api.get('/apis').set('Accept', accept).set('If-None-Match', etag).expect(304);
    expect(JSON.parse(first.text).items.some((g: { metadata: { name: string } }) => g.metadata.name === 'example.com')).toBe(true);
  });

  test('custom resources are pruned, defaulted and validated', async () => {
    const created = await h.api
      .post(W)
      .send({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'a' },
        spec: { size: 'small', unknown: 1, extra: { keep: true } },
        status: { replicas: 9 },
      })
      .expect(201);
    expect(created.body.spec).toEqual({ size: 'small', replicas: 1, extra: { keep: true } });
    expect(created.body.status).toBeUndefined();
    expect(created.body.metadata.generation).toBe(1);
    const bad = await h.api
      .post(W)
      .send({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'b' },
        spec: { size: 'huge', replicas: 'x', name: 'TOOLONG' },
      })
      .expect(422);
    expect(bad.body.message).toContain('spec.size: Unsupported value: "huge": supported values: "small", "large"');
    expect(bad.body.message).toContain('spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    expect(bad.body.message).toContain('spec.name: Too long: may not be more than 5 bytes');
    expect(bad.body.message).toContain('spec.name: Invalid value: "TOOLONG": spec.name in body should match \'^[a-z]+$\'');
    const missing = await h.api
      .post(W)
      .send({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'c' }, spec: {} })
      .expect(422);
    expect(missing.body.message).toBe('Widget.example.com "c" is invalid: spec.size: Required value');
    const max = await h.api
      .post(W)
      .send({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'd' }, spec: { size: 'small', replicas: 11, port: true } })
      .expect(422);
    expect(max.body.message).toContain('spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
    expect(max.body.message).toContain('spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
  });

  test('a Table with the printer columns, and the other version', async () => {
    const table = await h.api.get(W).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    expect(table.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Size', 'Replicas']);
    expect(table.body.rows[0].cells).toEqual(['a', 'small', 1]);
    const beta = await h.api.get('/apis/example.com/v1beta1/namespaces/default/widgets/a').expect(200);
    expect(beta.body.apiVersion).toBe('example.com/v1beta1');
    const betaTable = await h.api
      .get('/apis/example.com/v1beta1/namespaces/default/widgets')
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(betaTable.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Age']);
  });

  test('status and scale subresources', async () => {
    const cur = (await h.api.get(`${W}/a`).expect(200)).body;
    await h.api
      .put(`${W}/a/status`)
      .send({ ...cur, spec: { size: 'large' }, status: { replicas: 1, selector: 'app=a', junk: true } })
      .expect(200);
    const after = (await h.api.get(`${W}/a`).expect(200)).body;
    expect(after.spec.size).toBe('small');
    expect(after.status).toEqual({ replicas: 1, selector: 'app=a' });
    // A /status write that did not come through HTTP's fieldValidation is pruned when written, not only when read.
    const def = h.service.registry.find('example.com', 'v1', 'widgets')!;
    await h.service.update(def, 'default', 'a', { ...after, status: { ...after.status, junk: true } }, systemContext('test'), 'status');
    const stored = (await h.service.cache.list('/registry/example.com/widgets/')).items.find((o) => o.metadata.name === 'a')!;
    expect(stored.status).toEqual({ replicas: 1, selector: 'app=a' });
    const scale = (await h.api.get(`${W}/a/scale`).expect(200)).body;
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=a' } });
    await h.api
      .patch(`${W}/a/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 3 } })
      .expect(200);
    const scaled = (await h.api.get(`${W}/a`).expect(200)).body;
    expect(scaled.spec.replicas).toBe(3);
    expect(scaled.metadata.generation).toBe(2);
  });

  test('server-side apply merges a list-type map by its keys', async () => {
    const apply = (manager: string, items: unknown[]) =>
      h.api
        .patch(`${W}/e?fieldManager=${manager}`)
        .set('Content-Type', 'application/apply-patch+yaml')
        .send(JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'e' }, spec: { size: 'small', items } }));
    await apply('one', [{ name: 'x', value: '1' }]).expect(201);
    await apply('two', [{ name: 'y', value: '2' }]).expect(200);
    const got = (await h.api.get(`${W}/e`).expect(200)).body;
    expect(got.spec.items).toEqual([
      { name: 'x', value: '1' },
      { name: 'y', value: '2' },
    ]);
  });

  test('deleting the CRD deletes its objects, then stops serving the kind', async () => {
    await h.api.delete('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com').expect(200);
    await until(
      async () => (await h.api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).status === 404,
    );
    await h.api.get(W).expect(404);
    await h.api.get('/apis/example.com').expect(404);
    const stored = await h.service.cache.list('/registry/example.com/widgets/');
    expect(stored.items).toHaveLength(0);
  });
});

describe('x-kubernetes-validations are compiled when the CRD is written', () => {
  const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const G = '/apis/example.com/v1/namespaces/default/gadgets';
  const gadgets = (rules: object[]) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': rules,
                  properties: { replicas: { type: 'integer' }, max: { type: 'integer' }, url: { type: 'string' } },
                },
              },
            },
          },
        },
      ],
    },
  });
  const rulePath = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule';

  test('a rule calling an undefined function, or naming an undefined field of self, is refused with 422', async () => {
    const fn = await h.api
      .post(CRDS)
      .send(gadgets([{ rule: 'frobnicate(self.url)' }]))
      .expect(422);
    expect(fn.body.reason).toBe('Invalid');
    expect(fn.body.details.causes[0].field).toBe(rulePath);
    expect(fn.body.message).toContain(
      `CustomResourceDefinition.apiextensions.k8s.io "gadgets.example.com" is invalid: ${rulePath}: Invalid value: apiextensions.ValidationRule{Rule:"frobnicate(self.url)"`,
    );
    expect(fn.body.message).toContain("compilation failed: ERROR: <input>:1:11: undeclared reference to 'frobnicate' (in container '')");
    const field = await h.api
      .post(CRDS)
      .send(gadgets([{ rule: 'self.replicaz <= self.max' }]))
      .expect(422);
    expect(field.body.details.causes[0].field).toBe(rulePath);
    expect(field.body.message).toContain("compilation failed: ERROR: <input>:1:5: undefined field 'replicaz'");
    await h.api.get(`${CRDS}/gadgets.example.com`).expect(404);
  });

  test('valid rules are accepted and enforced; an update adding a broken rule is refused', async () => {
    const rules = [
      { rule: 'self.replicas <= self.max', messageExpression: '"replicas must be at most " + string(self.max)' },
      { rule: '!has(self.url) || isURL(self.url)', message: 'url must be a URL' },
    ];
    await h.api.post(CRDS).send(gadgets(rules)).expect(201);
    await until(async () => (await h.api.get(G)).status === 200);
    const g = (name: string, spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name }, spec });
    await h.api
      .post(G)
      .send(g('ok', { replicas: 1, max: 2, url: 'https://example.com/x' }))
      .expect(201);
    const over = await h.api
      .post(G)
      .send(g('over', { replicas: 3, max: 2, url: '%zz' }))
      .expect(422);
    expect(over.body.message).toContain('spec: Invalid value: "object": replicas must be at most 2');
    expect(over.body.message).toContain('spec: Invalid value: "object": url must be a URL');

    const current = (await h.api.get(`${CRDS}/gadgets.example.com`).expect(200)).body;
    current.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = [
      ...rules,
      { rule: 'self.replicas >= self.min' },
    ];
    const upd = await h.api.put(`${CRDS}/gadgets.example.com`).send(current).expect(422);
    expect(upd.body.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[2].rule',
    ]);
    expect(upd.body.message).toContain("undefined field 'min'");
    await h.api.delete(`${CRDS}/gadgets.example.com`).expect(200);
  });
});
