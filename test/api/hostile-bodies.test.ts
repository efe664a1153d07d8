// Bodies built to exhaust the server (the CVE-2019-11253 class): YAML alias bombs, self-referencing anchors,
// 10,000-level nesting in JSON, YAML and protobuf, JSON patch copies that double the object. Each is refused with a
// 4xx Status quickly, through every verb that decodes a body, and the server keeps answering. Values nested as deep
// as the bound allows go through every write and read path without a 500.
import { schemaRoot } from '../../src/protobuf/schema.js';
import { PROTOBUF_MAGIC } from '../../src/protobuf/decode.js';
import { MAX_DEPTH } from '../../src/machinery/decode/limits.js';
import { CM, configMap, openWatch, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const YAML = 'application/yaml';
const JSON_TYPE = 'application/json';
const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The classic billion laughs: 9 levels of 9 aliases, a few hundred bytes. */
function billionLaughs(indent = ''): string {
  let s = `${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 10; i++)
    s += `${indent}a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return s;
}
/** The issue's reproduction: a ConfigMap whose data nests the laughs (about 550 bytes). */
const bombConfigMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n${billionLaughs('    ')}data:\n  k: v\n`;
const deepJson = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepJsonObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** A request that must be refused with `code` and a Status, within a few seconds. */
async function refused(req: ReturnType<Harness['api']['post']>, code: number, message?: RegExp | string): Promise<void> {
  const started = Date.now();
  const res = await req;
  expect({ status: res.status, kind: res.body?.kind }).toEqual({ status: code, kind: 'Status' });
  if (message) expect(res.body.message).toMatch(message);
  expect(Date.now() - started).toBeLessThan(3000);
  await h.api.get('/api/v1/namespaces/default').expect(200);
}

beforeAll(async () => {
  await h.api.post(CM).send(configMap('target')).expect(201);
});

describe('YAML aliases', () => {
  const laughs = 'error converting YAML to JSON: yaml: document contains excessive aliasing';

  test('billion laughs in a create, an update and an apply is a 400 at once', async () => {
    await refused(h.api.post(CM).set('Content-Type', YAML).send(bombConfigMap('bomb')), 400, laughs);
    await refused(h.api.put(`${CM}/target`).set('Content-Type', YAML).send(bombConfigMap('target')), 400, laughs);
    await refused(h.api.patch(`${CM}/target?fieldManager=m`).set('Content-Type', APPLY).send(bombConfigMap('target')), 400, laughs);
    await h.api.get(`${CM}/bomb`).expect(404);
  });

  test('the laughs anywhere in the body, even under a field the kind does not have', async () => {
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb2\nunknown:\n${billionLaughs('  ')}`;
    await refused(h.api.post(CM).set('Content-Type', YAML).send(body), 400, laughs);
    await refused(
      h.api
        .post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
        .set('Content-Type', YAML)
        .send(`apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec:\n${billionLaughs('  ')}`),
      400,
      laughs,
    );
  });

  test('an anchor that contains its own alias is refused, not turned into a cycle', async () => {
    for (const body of [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: selfref\n  labels: *m\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: selfref\ndata: &d [*d]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: selfref\n  <<: *m\n',
    ]) {
      await refused(
        h.api.post(CM).set('Content-Type', YAML).send(body),
        400,
        /^error converting YAML to JSON: yaml: anchor '[md]' value contains itself$/,
      );
    }
  });

  test('one large anchor repeated past the body limit is 413, as the body itself would be', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    a: &a "${big}"\n    b: *a\n    c: *a\n    d: *a\n`;
    await refused(h.api.post(CM).set('Content-Type', YAML).send(body), 413, 'Request entity too large: limit is 3145728');
  });

  test('ordinary anchors, aliases and merge keys still work', async () => {
    const body =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anchors\n  labels: &l {app: web, tier: front}\n' +
      '  annotations:\n    <<: *l\n    tier: back\ndata:\n  a: &v hello\n  b: *v\n';
    const res = await h.api.post(CM).set('Content-Type', YAML).send(body).expect(201);
    expect(res.body.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(res.body.metadata.annotations).toEqual({ app: 'web', tier: 'back' });
    expect(res.body.data).toEqual({ a: 'hello', b: 'hello' });
  });
});

describe('nesting 10,000 levels deep', () => {
  const jsonDepth = /exceeded max depth$/;

  test("JSON create, update and each patch type: 400 with encoding/json's message", async () => {
    const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${deepJson(10000)}}`;
    await refused(
      h.api.post(CM).set('Content-Type', JSON_TYPE).send(deep),
      400,
      "couldn't get version/kind; json parse error: invalid character '[' exceeded max depth",
    );
    await refused(h.api.put(`${CM}/target`).set('Content-Type', JSON_TYPE).send(deep.replace('"deep"', '"target"')), 400, jsonDepth);
    await refused(
      h.api
        .patch(`${CM}/target`)
        .set('Content-Type', MERGE)
        .send(`{"data":${deepJsonObject(10000)}}`),
      400,
      jsonDepth,
    );
    await refused(
      h.api
        .patch(`${CM}/target`)
        .set('Content-Type', SMP)
        .send(`{"data":${deepJsonObject(10000)}}`),
      400,
      jsonDepth,
    );
    await refused(
      h.api
        .patch(`${CM}/target`)
        .set('Content-Type', JSONPATCH)
        .send(`[{"op":"add","path":"/metadata/annotations","value":${deepJsonObject(10000)}}]`),
      400,
      jsonDepth,
    );
    // Malformed as well as deep: the depth is what is reported, at the bracket that goes too deep.
    await refused(
      h.api
        .patch(`${CM}/target?fieldValidation=Ignore`)
        .set('Content-Type', MERGE)
        .send(`{"data":${'['.repeat(10000)}`),
      400,
      'Invalid JSON Patch',
    );
    await refused(
      h.api
        .patch(`${CM}/target?fieldValidation=Strict`)
        .set('Content-Type', MERGE)
        .send(`{"data":${'['.repeat(10000)}`),
      400,
      "error decoding patch: invalid character '[' exceeded max depth",
    );
  });

  test("YAML create and apply, flow or block style: 400 with go-yaml's message", async () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx: ${'['.repeat(10000)}${']'.repeat(10000)}\n`;
    // Block style needs an indent per level: 2,000 levels is what fits in the body limit.
    const block = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} x\n`;
    const seqs = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n  ${'- '.repeat(10000)}x\n`;
    for (const body of [flow, block, seqs]) {
      await refused(h.api.post(CM).set('Content-Type', YAML).send(body), 400, `exceeded max depth of ${MAX_DEPTH}`);
      await refused(
        h.api.patch(`${CM}/deep?fieldManager=m`).set('Content-Type', APPLY).send(body),
        400,
        `exceeded max depth of ${MAX_DEPTH}`,
      );
    }
  });

  test('3 MiB of brackets is refused without parsing them all', async () => {
    await refused(
      h.api
        .post(CM)
        .set('Content-Type', YAML)
        .send(`x: ${'['.repeat(3 * 1024 * 1024 - 10)}`),
      400,
      /exceeded max depth/,
    );
    await refused(
      h.api
        .post(CM)
        .set('Content-Type', JSON_TYPE)
        .send('['.repeat(3 * 1024 * 1024 - 10)),
      400,
      jsonDepth,
    );
  });

  test('protobuf: deep JSON carried in a runtime.Unknown or in fieldsV1, and deeply nested groups', async () => {
    const Unknown = schemaRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
    const ConfigMap = schemaRoot().lookupType('k8s.io.api.core.v1.ConfigMap');
    const wrap = (raw: Uint8Array, contentType = '') =>
      Buffer.concat([
        PROTOBUF_MAGIC,
        Buffer.from(Unknown.encode({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw, contentType }).finish()),
      ]);
    const jsonInside = wrap(Buffer.from(`{"metadata":{"name":"pb"},"data":${deepJsonObject(10000)}}`), 'application/json');
    await refused(h.api.post(CM).set('Content-Type', PROTOBUF).send(jsonInside), 400, jsonDepth);
    const fields = ConfigMap.encode({
      metadata: {
        name: 'pb',
        managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from(deepJsonObject(10000)) } }],
      },
    }).finish();
    await refused(h.api.post(CM).set('Content-Type', PROTOBUF).send(wrap(fields)), 400, jsonDepth);
    // 10,000 nested groups (wire type 3) in an unknown field 1000: protobufjs' recursion limit.
    const start = Buffer.from([0xc3, 0x3e]),
      end = Buffer.from([0xc4, 0x3e]);
    const groups = Buffer.concat([...Array<Buffer>(10000).fill(start), ...Array<Buffer>(10000).fill(end)]);
    await refused(h.api.post(CM).set('Content-Type', PROTOBUF).send(wrap(groups)), 400, /maximum nesting depth exceeded$/);
    const few = Buffer.concat([...Array<Buffer>(50).fill(start), ...Array<Buffer>(50).fill(end)]);
    const ok = ConfigMap.encode({ metadata: { name: 'pb-groups' } }).finish();
    await h.api
      .post(CM)
      .set('Content-Type', PROTOBUF)
      .send(wrap(Buffer.concat([ok, few])))
      .expect(201);
    await h.api.get(`${CM}/pb`).expect(404);
  });
});

describe('JSON patch copies', () => {
  test('copying the object into itself over and over stops at the body limit (422), the object untouched', async () => {
    const before = (await h.api.get(`${CM}/target`).expect(200)).body;
    await refused(
      h.api
        .patch(`${CM}/target`)
        .set('Content-Type', JSONPATCH)
        .send(
          JSON.stringify([
            { op: 'add', path: '/data/blob', value: 'x'.repeat(64 * 1024) },
            ...Array.from({ length: 30 }, (_, i) => ({ op: 'copy', from: '/data', path: `/data/c${i}` })),
          ]),
        ),
      422,
      'the server rejected our request due to an error in our request',
    );
    expect((await h.api.get(`${CM}/target`).expect(200)).body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});

describe('values as deep as the bound allows', () => {
  /** fieldsV1 is free-form: the one place a typed object can carry arbitrary nesting. */
  const deepFields = (levels: number) => {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < levels; i++) v = { [`f:l${i}`]: v };
    return v;
  };
  // fieldsV1 sits 4 levels down (object, metadata, list, entry) and deepFields(n) nests n + 1 objects.
  const withDeepManagedFields = (name: string, levels = MAX_DEPTH - 5) => ({
    ...configMap(name),
    metadata: {
      name,
      managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: deepFields(levels) }],
    },
  });

  test('create, get, list, watch, update, every patch type and apply: no 5xx', async () => {
    const watch = await openWatch(h, `${CM}?watch=true&fieldSelector=metadata.name=deepok`);
    const created = await h.api.post(CM).send(withDeepManagedFields('deepok'));
    expect(created.status).toBe(201);
    expect((await watch.next(5000)).type).toBe('ADDED');
    watch.close();
    await h.api.get(`${CM}/deepok`).expect(200);
    await h.api.get(CM).expect(200);
    const current = (await h.api.get(`${CM}/deepok`)).body;
    expect((await h.api.put(`${CM}/deepok`).send({ ...withDeepManagedFields('deepok'), data: { k: 'updated' } })).status).toBe(200);
    const annotation = { metadata: { annotations: { a: deepJsonObject(5000) } } };
    for (const [type, body] of [
      [MERGE, annotation],
      [SMP, annotation],
      [JSONPATCH, [{ op: 'replace', path: '/metadata/managedFields', value: withDeepManagedFields('deepok').metadata.managedFields }]],
    ] as const) {
      const res = await h.api.patch(`${CM}/deepok`).set('Content-Type', type).send(JSON.stringify(body));
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
    }
    const applied = await h.api
      .patch(`${CM}/deepok?fieldManager=kubectl&force=true`)
      .set('Content-Type', APPLY)
      .send(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deepok' }, data: { k: 'applied' } }));
    expect(applied.status).toBe(200);
    // On a conflict kubectl's manager reads the last-applied annotation (a string, so free to nest): too deep
    // there is just not usable.
    const lastApplied = `{"apiVersion":"v1","kind":"ConfigMap","data":${deepJsonObject(35000)}}`;
    await h.api
      .patch(`${CM}/deepok`)
      .set('Content-Type', MERGE)
      .send({
        metadata: { annotations: { a: null, 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
        data: { k: 'other' },
      })
      .expect(200);
    const conflict = await h.api
      .patch(`${CM}/deepok?fieldManager=kubectl`)
      .set('Content-Type', APPLY)
      .send(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deepok' }, data: { k: 'mine' } }));
    expect(conflict.status).toBe(409);
    expect(current.metadata.name).toBe('deepok');
  });

  test('one level more is refused as a body and as what a patch produces', async () => {
    const res = await h.api.post(CM).send(withDeepManagedFields('toodeep', MAX_DEPTH - 4));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/exceeded max depth$/);
    // A JSON patch puts a value deeper than it sits in the patch: the patched object is bounded too.
    const replace = (levels: number) =>
      h.api
        .patch(`${CM}/deepok`)
        .set('Content-Type', JSONPATCH)
        .send(JSON.stringify([{ op: 'replace', path: '/metadata/managedFields/0/fieldsV1', value: deepFields(levels) }]));
    expect((await replace(MAX_DEPTH - 5)).status).toBe(200);
    const patched = await replace(MAX_DEPTH - 4);
    expect(patched.status).toBe(422);
    expect(patched.body.message).toMatch(/patch: Invalid value: .*exceeded max depth/);
  });
});
