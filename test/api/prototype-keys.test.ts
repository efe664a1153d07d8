// Object keys are data: names every JavaScript object inherits (`constructor`, `toString`, `valueOf`,
// `hasOwnProperty`, `__proto__`) behave like any other name in every position. As unknown fields they are pruned,
// refused or warned about per fieldValidation; as label, annotation and data keys they round-trip through create,
// update, every patch type and server-side apply.
import { schemaRoot } from '../../src/protobuf/schema.js';
import { PROTOBUF_MAGIC } from '../../src/protobuf/decode.js';
import { CM, DEPLOYS, deployment, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
/** Valid label/annotation keys among them (a qualified name may not start with `_`). */
const LABEL_NAMES = NAMES.filter((n) => n !== '__proto__');

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';

/** An object with these keys as own members (a literal `__proto__:` or Object.assign would set the prototype). */
const withMembers = (keys: string[], value: (k: string) => unknown) =>
  Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<string, unknown>;
/** JSON text of `obj` with an extra member `key` at the front of the object found at `path` (dot-separated). */
function withUnknown(obj: Record<string, any>, path: string[], key: string): string {
  const copy = structuredClone(obj);
  let at: Record<string, any> = copy;
  for (const p of path) at = at[p];
  const marker = '"__marker__":1';
  at.__marker__ = 1;
  return JSON.stringify(copy).replace(marker, `${JSON.stringify(key)}:"x"`);
}
const slug = (k: string) => k.toLowerCase().replace(/_/g, 'x');
const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { k: 'v' },
  ...extra,
});
const ownKeys = (o: unknown) => Object.keys(o as object).sort();

describe('unknown fields with inherited names', () => {
  const positions: [string, string[]][] = [
    ['top level', []],
    ['metadata', ['metadata']],
    ['spec', ['spec']],
    ['a container', ['spec', 'template', 'spec', 'containers', '0']],
  ];

  test.each(NAMES)('%s: dropped by create (Ignore), refused under Strict, warned under Warn', async (key) => {
    for (const [where, path] of positions) {
      const name = `d-${slug(key)}-${where.replace(/ /g, '')}`.toLowerCase();
      const body = withUnknown(deployment(name), path, key);
      const field = [...path, key].join('.').replace('.0.', '[0].');
      const strict = await h.api.post(`${DEPLOYS}?fieldValidation=Strict`).set('Content-Type', 'application/json').send(body);
      expect({ where, status: strict.status, message: strict.body.message }).toEqual({
        where,
        status: 400,
        message: `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "${field}"`,
      });
      const warned = await h.api.post(`${DEPLOYS}?fieldValidation=Warn`).set('Content-Type', 'application/json').send(body);
      expect({ where, status: warned.status }).toEqual({ where, status: 201 });
      expect(warned.headers.warning).toBe(`299 - ${JSON.stringify(`unknown field "${field}"`)}`);
      let stored: Record<string, any> = (await h.api.get(`${DEPLOYS}/${name}`).expect(200)).body;
      for (const p of path) stored = stored[p];
      expect(Object.hasOwn(stored, key)).toBe(false);
      await h.api.delete(`${DEPLOYS}/${name}`).expect(200);
      await h.api.post(`${DEPLOYS}?fieldValidation=Ignore`).set('Content-Type', 'application/json').send(body).expect(201);
    }
  });

  test.each(NAMES)('%s: dropped from updates and every patch type, refused by apply, which then keeps working', async (key) => {
    const name = `u-${slug(key)}`;
    await h.api.post(CM).send(cm(name)).expect(201);
    const current = (await h.api.get(`${CM}/${name}`)).body;
    const put = await h.api
      .put(`${CM}/${name}?fieldValidation=Strict`)
      .set('Content-Type', 'application/json')
      .send(withUnknown(current, [], key));
    expect(put.status).toBe(400);
    expect(put.body.message).toContain(`unknown field "${key}"`);
    await h.api
      .put(`${CM}/${name}`)
      .set('Content-Type', 'application/json')
      .send(withUnknown(current, [], key))
      .expect(200);
    for (const [type, body] of [
      [MERGE, `{${JSON.stringify(key)}:"x","data":{"m":"1"}}`],
      [SMP, `{${JSON.stringify(key)}:"x","data":{"s":"1"}}`],
      [JSONPATCH, JSON.stringify([{ op: 'add', path: `/${key}`, value: 'x' }])],
    ]) {
      const strict = await h.api.patch(`${CM}/${name}?fieldValidation=Strict`).set('Content-Type', type).send(body);
      expect({ type, status: strict.status }).toEqual({ type, status: 400 });
      expect(strict.body.message).toContain(`unknown field "${key}"`);
      const res = await h.api.patch(`${CM}/${name}`).set('Content-Type', type).send(body);
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
      expect(Object.hasOwn(res.body, key)).toBe(false);
    }
    // Apply converts the configuration to a typed object whatever fieldValidation says: an undeclared member fails
    // that, as structured-merge-diff's `field not declared in schema` (a 500 upstream), in JSON and YAML alike.
    const applyBody = `{"apiVersion":"v1","kind":"ConfigMap",${JSON.stringify(key)}:"x","metadata":{"name":"${name}"},"data":{"a":"1"}}`;
    const yaml = `apiVersion: v1\nkind: ConfigMap\n${JSON.stringify(key)}: x\nmetadata:\n  name: ${name}\ndata:\n  a: "2"\n`;
    for (const [body, query] of [
      [applyBody, '&fieldValidation=Strict'],
      [applyBody, ''],
      [yaml, '&fieldValidation=Ignore'],
    ]) {
      const refused = await h.api.patch(`${CM}/${name}?fieldManager=tool${query}`).set('Content-Type', APPLY).send(body);
      expect({ query, status: refused.status, message: refused.body.message }).toEqual({
        query,
        status: 500,
        message: `failed to create typed patch object (/${name}; /v1, Kind=ConfigMap): .${key}: field not declared in schema`,
      });
    }
    const applied = await h.api
      .patch(`${CM}/${name}?fieldManager=tool`)
      .set('Content-Type', APPLY)
      .send(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"a":"1"}}`);
    expect(applied.status).toBe(200);
    expect(applied.body.data).toMatchObject({ a: '1', m: '1', s: '1' });
    expect(Object.hasOwn(applied.body, key)).toBe(false);
  });
});

describe('inherited names as map keys are ordinary data', () => {
  const data = withMembers(NAMES, (k) => `value of ${k}`);
  const labels = withMembers(LABEL_NAMES, (k) => `l-${slug(k)}`);
  const annotations = withMembers(LABEL_NAMES, (k) => `a ${k}`);

  const expectRoundTrip = (o: Record<string, any>) => {
    expect(ownKeys(o.data)).toEqual(ownKeys(data));
    for (const k of NAMES) expect(o.data[k]).toBe(data[k]);
    expect(ownKeys(o.metadata.labels)).toEqual(ownKeys(labels));
    expect(ownKeys(o.metadata.annotations)).toEqual(ownKeys(annotations));
  };

  test('create (JSON, YAML, protobuf), get and list', async () => {
    const body = JSON.stringify(cm('maps-json', { metadata: { name: 'maps-json', labels, annotations }, data }));
    expectRoundTrip((await h.api.post(CM).set('Content-Type', 'application/json').send(body).expect(201)).body);
    expectRoundTrip((await h.api.get(`${CM}/maps-json`).expect(200)).body);
    const yaml =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: maps-yaml\n  labels:\n${LABEL_NAMES.map((k) => `    ${k}: ${labels[k]}\n`).join('')}` +
      `  annotations:\n${LABEL_NAMES.map((k) => `    ${k}: "${annotations[k]}"\n`).join('')}data:\n${NAMES.map((k) => `  ${k}: "${data[k]}"\n`).join('')}`;
    expectRoundTrip((await h.api.post(CM).set('Content-Type', 'application/yaml').send(yaml).expect(201)).body);
    const ConfigMap = schemaRoot().lookupType('k8s.io.api.core.v1.ConfigMap');
    const Unknown = schemaRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
    const raw = ConfigMap.encode(ConfigMap.fromObject({ metadata: { name: 'maps-pb', labels, annotations }, data })).finish();
    const pb = Buffer.concat([
      PROTOBUF_MAGIC,
      Buffer.from(Unknown.encode({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw }).finish()),
    ]);
    expectRoundTrip((await h.api.post(CM).set('Content-Type', 'application/vnd.kubernetes.protobuf').send(pb).expect(201)).body);
    const list = (await h.api.get(CM).expect(200)).body;
    for (const name of ['maps-json', 'maps-yaml', 'maps-pb']) expectRoundTrip(list.items.find((i: any) => i.metadata.name === name));
  });

  test('a label selector on such a name matches only objects that have the label', async () => {
    const names = (sel: string) =>
      h.api
        .get(`${CM}?labelSelector=${encodeURIComponent(sel)}`)
        .expect(200)
        .then((r) =>
          r.body.items
            .map((i: any) => i.metadata.name as string)
            .filter((n: string) => n.startsWith('maps-'))
            .sort(),
        );
    await h.api.post(CM).send(cm('maps-plain')).expect(201);
    for (const k of LABEL_NAMES) {
      expect(await names(k)).toEqual(['maps-json', 'maps-pb', 'maps-yaml']);
      expect(await names(`!${k}`)).toEqual(['maps-plain']);
      expect(await names(`${k}=${labels[k]}`)).toEqual(['maps-json', 'maps-pb', 'maps-yaml']);
      expect(await names(`${k}!=${labels[k]}`)).toEqual(['maps-plain']);
    }
  });

  test('a label named __proto__ is refused as Kubernetes refuses it (not a qualified name)', async () => {
    const res = await h.api
      .post(CM)
      .set('Content-Type', 'application/json')
      .send(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-label","labels":{"__proto__":"x"}}}`);
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('metadata.labels: Invalid value: "__proto__"');
  });

  test('update, each patch type and apply add, change and remove such keys', async () => {
    const base = (await h.api.get(`${CM}/maps-json`).expect(200)).body;
    // Update: every value changed.
    const changed = withMembers(NAMES, (k) => `updated ${k}`);
    const put = await h.api
      .put(`${CM}/maps-json`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...base, data: changed }));
    expect(put.status).toBe(200);
    for (const k of NAMES) expect(put.body.data[k]).toBe(`updated ${k}`);
    // Each patch type changes every key, then removes it.
    const patchTypes: [string, (k: string, v: string | null) => string][] = [
      [
        MERGE,
        (k, v) => `{"data":{${JSON.stringify(k)}:${JSON.stringify(v)}},"metadata":{"annotations":{"x-${slug(k)}":${JSON.stringify(v)}}}}`,
      ],
      [
        SMP,
        (k, v) =>
          `{"data":{${JSON.stringify(k)}:${JSON.stringify(v)}},"metadata":{"labels":{"y-${slug(k)}":${JSON.stringify(v && `v${slug(k)}`)}}}}`,
      ],
      [
        JSONPATCH,
        (k, v) =>
          JSON.stringify(
            v === null
              ? [{ op: 'remove', path: `/data/${k}` }]
              : [
                  { op: 'add', path: `/data/${k}`, value: v },
                  { op: 'test', path: `/data/${k}`, value: v },
                ],
          ),
      ],
    ];
    for (const [type, body] of patchTypes) {
      for (const k of NAMES) {
        const set = await h.api
          .patch(`${CM}/maps-json`)
          .set('Content-Type', type)
          .send(body(k, `${type} ${k}`));
        expect({ type, k, status: set.status }).toEqual({ type, k, status: 200 });
        expect(Object.hasOwn(set.body.data, k) && set.body.data[k]).toBe(`${type} ${k}`);
        const removed = await h.api.patch(`${CM}/maps-json`).set('Content-Type', type).send(body(k, null));
        expect({ type, k, status: removed.status }).toEqual({ type, k, status: 200 });
        expect(Object.hasOwn(removed.body.data ?? {}, k)).toBe(false);
      }
    }
    // A JSON patch on a key that is not there fails as for any missing key, inherited name or not.
    for (const k of NAMES) {
      const res = await h.api
        .patch(`${CM}/maps-json`)
        .set('Content-Type', JSONPATCH)
        .send(JSON.stringify([{ op: 'remove', path: `/data/${k}` }]));
      expect({ k, status: res.status }).toEqual({ k, status: 422 });
    }
  });

  test('server-side apply owns, changes and prunes such keys, labels and annotations included', async () => {
    const applied = (d: Record<string, unknown>, l: Record<string, unknown>) =>
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"maps-apply","labels":${JSON.stringify(l)},"annotations":${JSON.stringify(l)}},"data":${JSON.stringify(d)}}`;
    const first = await h.api.patch(`${CM}/maps-apply?fieldManager=tool`).set('Content-Type', APPLY).send(applied(data, labels));
    expect(first.status).toBe(201);
    expect(ownKeys(first.body.data)).toEqual(ownKeys(data));
    expect(ownKeys(first.body.metadata.labels)).toEqual(ownKeys(labels));
    const fields = first.body.metadata.managedFields[0].fieldsV1;
    expect(ownKeys(fields['f:data'])).toEqual(NAMES.map((k) => `f:${k}`).sort());
    // Another manager takes one key over by an update; applying it again conflicts on exactly that key.
    await h.api
      .patch(`${CM}/maps-apply?fieldManager=other`)
      .set('Content-Type', MERGE)
      .send('{"data":{"constructor":"theirs","__proto__":"theirs"}}')
      .expect(200);
    const conflict = await h.api.patch(`${CM}/maps-apply?fieldManager=tool`).set('Content-Type', APPLY).send(applied(data, labels));
    expect(conflict.status).toBe(409);
    expect(conflict.body.details.causes.map((c: { field: string }) => c.field).sort()).toEqual(['.data.__proto__', '.data.constructor']);
    // Applying without some keys prunes them (the ones only this manager owned).
    const fewer = withMembers(['valueOf', '__proto__'], (k) => `kept ${k}`);
    const pruned = await h.api
      .patch(`${CM}/maps-apply?fieldManager=tool&force=true`)
      .set('Content-Type', APPLY)
      .send(
        applied(
          fewer,
          withMembers(['toString'], () => 'x'),
        ),
      );
    expect(pruned.status).toBe(200);
    expect(ownKeys(pruned.body.data)).toEqual(['__proto__', 'constructor', 'valueOf']);
    expect(pruned.body.data.__proto__).toBe('kept __proto__');
    expect(pruned.body.data.constructor).toBe('theirs');
    expect(ownKeys(pruned.body.metadata.labels)).toEqual(['toString']);
    // kubectl's own manager reads its last-applied annotation on conflicts: inherited names there too.
    await h.api
      .patch(`${CM}/maps-apply`)
      .set('Content-Type', MERGE)
      .send(`{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":${JSON.stringify(applied(data, labels))}}}}`)
      .expect(200);
    const kubectl = await h.api.patch(`${CM}/maps-apply?fieldManager=kubectl`).set('Content-Type', APPLY).send(applied(data, labels));
    expect(kubectl.status).toBeLessThan(500);
  });

  test('a deployment applied with such label keys in its selector and template', async () => {
    const dep = deployment('proto-dep') as any;
    dep.spec.selector.matchLabels = { ...dep.spec.selector.matchLabels, constructor: 'c' };
    dep.spec.template.metadata.labels = { ...dep.spec.template.metadata.labels, constructor: 'c', toString: 's' };
    dep.spec.template.spec.nodeSelector = { valueOf: 'v' };
    const res = await h.api.patch(`${DEPLOYS}/proto-dep?fieldManager=tool`).set('Content-Type', APPLY).send(JSON.stringify(dep));
    expect(res.status).toBe(201);
    expect(res.body.spec.template.metadata.labels).toEqual({ app: 'proto-dep', constructor: 'c', toString: 's' });
    dep.spec.template.metadata.labels.toString = 't';
    expect((await h.api.patch(`${DEPLOYS}/proto-dep?fieldManager=tool`).set('Content-Type', APPLY).send(JSON.stringify(dep))).status).toBe(
      200,
    );
    const smp = await h.api
      .patch(`${DEPLOYS}/proto-dep`)
      .set('Content-Type', SMP)
      .send(
        '{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"constructor","value":"1"}]}],"nodeSelector":{"hasOwnProperty":"h"}}}}}',
      );
    expect(smp.status).toBe(200);
    expect(smp.body.spec.template.spec.nodeSelector).toEqual({ valueOf: 'v', hasOwnProperty: 'h' });
  });
});

describe('inherited names where a value is parsed', () => {
  test.each(['1constructor', '1toString', '1__proto__', '1valueOf'])('a quantity %s is invalid (422), not a server error', async (q) => {
    const res = await h.api.post(CM.replace('configmaps', 'pods')).send({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `q-${slug(q)}` },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: q } } }] },
    });
    expect(res.status).toBe(422);
  });

  test('binaryData named like an inherited member is not a duplicate of a missing data key', async () => {
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bin-proto"},"data":{"a":"1"},"binaryData":{"constructor":"eA==","__proto__":"eA=="}}`;
    const res = await h.api.post(CM).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(201);
    expect(ownKeys(res.body.binaryData)).toEqual(['__proto__', 'constructor']);
  });
});

describe('inherited names in URLs and query parameters', () => {
  test('as a group, version, resource or subresource: a 404 or 400 Status, never a server error', async () => {
    for (const path of [
      '/api/constructor',
      '/apis/constructor',
      '/apis/constructor/v1',
      '/apis/apps/constructor',
      '/api/v1/constructor',
      '/api/v1/namespaces/default/constructor',
      '/api/v1/namespaces/default/configmaps/x/constructor',
      '/api/v1/namespaces/default/pods/x/toString',
      '/apis/apps/v1/namespaces/default/deployments/x/__proto__',
      '/openapi/v3/apis/constructor/v1',
      '/openapi/v3/api/constructor',
      '/api/v1/__proto__',
    ]) {
      const res = await h.api.get(path);
      expect({ path, status: res.status < 500, kind: res.body?.kind }).toEqual({ path, status: true, kind: 'Status' });
    }
  });

  test('an object and a namespace named constructor are ordinary', async () => {
    await h.api
      .post('/api/v1/namespaces')
      .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'constructor' } })
      .expect(201);
    const ns = '/api/v1/namespaces/constructor/configmaps';
    await h.api.post(ns).send(cm('constructor')).expect(201);
    expect((await h.api.get(`${ns}/constructor`).expect(200)).body.metadata).toMatchObject({
      name: 'constructor',
      namespace: 'constructor',
    });
    expect((await h.api.get(ns).expect(200)).body.items.map((i: any) => i.metadata.name)).toEqual(['constructor']);
    await h.api.get(`${ns}/toString`).expect(404);
    await h.api.delete(`${ns}/constructor`).expect(200);
  });

  test('as query parameter values: refused or ignored as any other value', async () => {
    for (const q of [
      'labelSelector=__proto__',
      'fieldSelector=constructor%3Dx',
      'fieldSelector=metadata.constructor%3Dx',
      'watch=constructor',
      'resourceVersion=constructor',
      'limit=constructor',
      'continue=constructor',
      'fieldValidation=constructor',
      'propagationPolicy=constructor',
    ]) {
      const res = await h.api.get(`${CM}?${q}`);
      expect({ q, ok: res.status < 500 }).toEqual({ q, ok: true });
    }
    const res = await h.api.patch(`${CM}/maps-json?fieldManager=constructor`).set('Content-Type', MERGE).send('{"data":{"fm":"1"}}');
    expect(res.status).toBe(200);
    expect(res.body.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('constructor');
  });
});
