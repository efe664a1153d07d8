// CRD validation rules over property names that are not CEL identifiers, through the real server paths: the rules
// read them escaped (x__dash__prop, __namespace__, redact__underscores__d) when the CRD is compiled and when custom
// resources are written, has() tests a field of an indexed operand, and indexing an object is refused at CRD write.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { serveCustomResources, type CustomResourceServing } from '../../src/apiextensions/serving.js';
import { startCrdControllers } from '../../src/apiextensions/controller.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { until } from '../support/until.js';
import { namespacedCrd } from '../support/crd.js';

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

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const T = '/apis/escapes.example.com/v1/namespaces/default/tenants';
const RULE = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule';
const rules = [
  { rule: 'self.x__dash__prop <= 10', message: 'x-prop must be at most 10' },
  {
    rule: "!has(self.__namespace__) || self.namespace.startsWith('team-')",
    messageExpression: "'namespace ' + self.__namespace__ + ' must start with team-'",
  },
  { rule: 'size(self.items) == 0 || has(self.items[0].name)', message: 'the first item needs a name' },
  { rule: "!('k' in self.m) || has(self.m['k'].x)", message: "m['k'] needs x" },
  { rule: 'self.redact__underscores__d == oldSelf.redact__underscores__d', message: 'redact__d is immutable' },
  { rule: 'self.items.all(i, !has(i.max__dash__size) || i.max__dash__size > 0)', message: 'max-size must be positive' },
];
const crd = (specRules: object[]) =>
  namespacedCrd(
    'escapes.example.com',
    { plural: 'tenants', singular: 'tenant', kind: 'Tenant' },
    {
      type: 'object',
      'x-kubernetes-validations': specRules,
      properties: {
        'x-prop': { type: 'integer' },
        namespace: { type: 'string' },
        redact__d: { type: 'string' },
        items: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, 'max-size': { type: 'integer' } } },
        },
        m: { type: 'object', additionalProperties: { type: 'object', properties: { x: { type: 'integer' } } } },
      },
    },
  );
const tenant = (name: string, spec: object, resourceVersion?: string) => ({
  apiVersion: 'escapes.example.com/v1',
  kind: 'Tenant',
  metadata: { name, ...(resourceVersion ? { resourceVersion } : {}) },
  spec: { items: [], m: {}, ...spec },
});
const invalid = (name: string, ...causes: string[]) =>
  `Tenant.escapes.example.com "${name}" is invalid: ${causes.length > 1 ? `[${causes.join(', ')}]` : causes[0]}`;

test('a rule indexing an object or naming a property unescaped is refused when the CRD is written', async () => {
  const indexed = await h.api
    .post(CRDS)
    .send(crd([{ rule: "self['x-prop'] <= 10" }]))
    .expect(422);
  expect(indexed.body.details.causes[0].field).toBe(RULE);
  expect(indexed.body.message).toMatch(
    /compilation failed: ERROR: <input>:1:5: found no matching overload for '_\[_\]' applied to '\(selfType\d+\.spec, string\)'\n \| self\['x-prop'\] <= 10\n \| \.\.\.\.\^/,
  );
  const raw = await h.api
    .post(CRDS)
    .send(crd([{ rule: "self.redact__d == 'x'" }]))
    .expect(422);
  expect(raw.body.message).toContain("compilation failed: ERROR: <input>:1:5: undefined field 'redact__d'");
  await h.api.get(`${CRDS}/tenants.escapes.example.com`).expect(404);
});

test('escaped names and has() over indexed operands, on create and update, with upstream messages', async () => {
  await h.api.post(CRDS).send(crd(rules)).expect(201);
  await until(async () => (await h.api.get(T)).status === 200);

  const good = { 'x-prop': 3, namespace: 'team-a', redact__d: 'r', items: [{ name: 'a', 'max-size': 2 }], m: { k: { x: 1 } } };
  const created = await h.api.post(T).send(tenant('good', good)).expect(201);

  const bad = await h.api
    .post(T)
    .send(tenant('bad', { 'x-prop': 11, namespace: 'other', items: [{ 'max-size': 0 }], m: { k: {} } }))
    .expect(422);
  expect(bad.body.message).toBe(
    invalid(
      'bad',
      'spec: Invalid value: "object": x-prop must be at most 10',
      'spec: Invalid value: "object": namespace other must start with team-',
      'spec: Invalid value: "object": the first item needs a name',
      `spec: Invalid value: "object": m['k'] needs x`,
      'spec: Invalid value: "object": max-size must be positive',
    ),
  );
  expect(bad.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec', 'spec', 'spec', 'spec', 'spec']);

  // The transition rule reads oldSelf by the same escaped name.
  const changed = await h.api
    .put(`${T}/good`)
    .send(tenant('good', { ...good, redact__d: 's' }, created.body.metadata.resourceVersion))
    .expect(422);
  expect(changed.body.message).toBe(invalid('good', 'spec: Invalid value: "object": redact__d is immutable'));
  await h.api
    .put(`${T}/good`)
    .send(tenant('good', { ...good, 'x-prop': 4 }, created.body.metadata.resourceVersion))
    .expect(200);
});
