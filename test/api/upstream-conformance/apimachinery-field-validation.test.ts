// Mirrors test/e2e/apimachinery/field_validation.go's [Conformance] tests (promoted in upstream v1.27; the file is in
// v1.26 too) over the in-process server: `fieldValidation=Strict` on typed objects and on custom resources applied
// as YAML.
import { createCrd, randomNameCrd, startCluster, type Cluster, type J } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ customResources: true });
});
afterAll(() => c.close());

const STRICT = 'fieldManager=field_validation_mgr&fieldValidation=Strict';

/** fixtures.NewRandomNameMultipleVersionCustomResourceDefinition: v1beta1 (storage) and v1, both served. */
function multiVersionCrd(schema?: J): J {
  const crd = randomNameCrd('Cluster');
  const s = schema ?? crd.spec.versions[0].schema.openAPIV3Schema;
  crd.spec.versions = [
    { name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: s } },
    { name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: s } },
  ];
  return crd;
}

const PORTS = {
  type: 'array',
  'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
  'x-kubernetes-list-type': 'map',
  items: {
    properties: {
      containerPort: { format: 'int32', type: 'integer' },
      hostIP: { type: 'string' },
      hostPort: { format: 'int32', type: 'integer' },
      name: { type: 'string' },
      protocol: { type: 'string' },
    },
    required: ['containerPort', 'protocol'],
    type: 'object',
  },
};
const CRON = { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' };
const specSchema = (spec: J): J => ({ type: 'object', properties: { spec: { type: 'object', ...spec } } });

/** A server-side apply of a YAML body with Strict field validation. */
const apply = (crd: J, yaml: string) =>
  c.h.api
    .patch(`/apis/${crd.spec.group}/${crd.spec.versions[0].name}/${crd.spec.names.plural}/mytest?${STRICT}`)
    .set('Content-Type', 'application/apply-patch+yaml')
    .send(yaml);

const header = (crd: J) => `
apiVersion: ${crd.spec.group}/${crd.spec.versions[0].name}
kind: ${crd.spec.names.kind}
metadata:
  name: mytest
  finalizers:
  - test-finalizer`;

const deployment = (spec: string, meta = '') => `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "my-dep",${meta}
    "labels": {"app": "nginx"}
  },
  "spec": {${spec}
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}
    }
  }
}`;

describe('[sig-api-machinery] FieldValidation', () => {
  test('should detect unknown and duplicate fields of a typed object [Conformance]', async () => {
    const ns = await c.namespace('field-validation');
    const res = await c.h.api
      .post(`/apis/apps/v1/namespaces/${ns}/deployments?${STRICT}`)
      .set('Content-Type', 'application/json')
      .send(deployment('\n    "unknownField": "foo",\n    "replicas": 2,\n    "replicas": 3,'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.message).toContain('strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"');
  });

  test('should detect unknown metadata fields of a typed object [Conformance]', async () => {
    const ns = await c.namespace('field-validation');
    const res = await c.h.api
      .post(`/apis/apps/v1/namespaces/${ns}/deployments?${STRICT}`)
      .set('Content-Type', 'application/json')
      .send(deployment('', '\n    "unknownMeta": "foo",'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.message).toContain('strict decoding error: unknown field "metadata.unknownMeta"');
  });

  test('should create/apply a valid CR for CRD with validation schema [Conformance]', async () => {
    const crd = await createCrd(
      c.h,
      multiVersionCrd(specSchema({ properties: { foo: { type: 'string' }, cronSpec: CRON, ports: PORTS } })),
    );
    const res = await apply(
      crd,
      `${header(crd)}
spec:
  foo: foo1
  cronSpec: "* * * * */5"
  ports:
  - name: x
    containerPort: 80
    protocol: TCP`,
    );
    expect(res.status).toBe(201);
  });

  test('should create/apply a CR with unknown fields for CRD with no validation schema [Conformance]', async () => {
    const crd = await createCrd(c.h, multiVersionCrd());
    const res = await apply(
      crd,
      `${header(crd)}
spec:
  unknown: uk1
  cronSpec: "* * * * */5"
  ports:
  - name: x
    containerPort: 80
    protocol: TCP`,
    );
    expect(res.status).toBe(201);
  });

  test('should create/apply an invalid CR with extra properties for CRD with validation schema [Conformance]', async () => {
    const crd = await createCrd(
      c.h,
      multiVersionCrd(specSchema({ properties: { foo: { type: 'string' }, cronSpec: CRON, ports: PORTS } })),
    );
    const res = await apply(
      crd,
      `${header(crd)}
unknownField: unknown
spec:
  foo: foo1
  cronSpec: "* * * * */5"
  ports:
  - name: x
    containerPort: 80
    protocol: TCP`,
    );
    expect(res.text).toContain('.unknownField: field not declared in schema');
    // Beyond upstream's check: the whole answer, a 500 without a reason as kube-apiserver's field manager gives.
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `failed to create typed patch object (/mytest; ${crd.spec.group}/v1beta1, Kind=${crd.spec.names.kind}): .unknownField: field not declared in schema`,
      code: 500,
    });
  });

  test('should detect unknown metadata fields in both the root and embedded object of a CR [Conformance]', async () => {
    const ns = await c.namespace('field-validation');
    const crd = await createCrd(
      c.h,
      multiVersionCrd(
        specSchema({
          'x-kubernetes-preserve-unknown-fields': true,
          properties: {
            template: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              properties: { metadata: { type: 'object', properties: { name: { type: 'string' } } }, spec: { type: 'object' } },
            },
            foo: { type: 'string' },
            cronSpec: CRON,
            ports: PORTS,
          },
        }),
      ),
    );
    const yaml = `
apiVersion: ${crd.spec.group}/${crd.spec.versions[0].name}
kind: ${crd.spec.names.kind}
metadata:
  name: mytest
  unknownMeta: unknown
  finalizers:
  - test-finalizer
spec:
  template:
    apiversion: foo/v1
    kind: Sub
    metadata:
        unknownSubMeta: unknown
        name: subobject
        namespace: ${ns}
  foo: foo1
  cronSpec: "* * * * */5"
  ports:
  - name: x
    containerPort: 80
    protocol: TCP`;
    const res = await apply(crd, yaml);
    expect(
      res.text.includes('.spec.template.metadata.unknownSubMeta: field not declared in schema') ||
        res.text.includes('.metadata.unknownMeta: field not declared in schema'),
    ).toBe(true);
  });

  test('should detect duplicates in a CR when preserving unknown fields [Conformance]', async () => {
    const crd = await createCrd(
      c.h,
      multiVersionCrd(
        specSchema({ 'x-kubernetes-preserve-unknown-fields': true, properties: { foo: { type: 'string' }, cronSpec: CRON, ports: PORTS } }),
      ),
    );
    const res = await apply(
      crd,
      `${header(crd)}
spec:
  unknown: uk1
  foo: foo1
  foo: foo2
  cronSpec: "* * * * */5"
  ports:
  - name: x
    containerPort: 80
    protocol: TCP`,
    );
    expect(res.text).toContain('line 11: key \\"foo\\" already set in map');
  });
});
