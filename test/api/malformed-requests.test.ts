// Malformed requests are refused with the apiserver's code and message, and never change anything: DeleteOptions
// (body and query), patched objects that do not decode into their kind, bodies that rename or move an object, options
// (fieldValidation, fieldManager, dryRun), path escapes, int64 query parameters, label selectors, bindings, /scale and
// /status bodies.
import net from 'node:net';
import { CM, DEPLOYS, PODS, configMap, deployment, pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const SECRETS = '/api/v1/namespaces/default/secrets';
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const rawDelete = (path: string, body: string) => h.api.delete(path).set('Content-Type', 'application/json').send(body);
const patch = (path: string, type: string, body: string) => h.api.patch(path).set('Content-Type', type).send(body);

describe('DeleteOptions in a body are decoded into the typed struct before anything is deleted', () => {
  beforeAll(async () => {
    for (const n of ['keep-1', 'keep-2']) await h.api.post(CM).send(configMap(n)).expect(201);
  });

  test.each([
    ['{"preconditions":"x"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions'],
    ['{"gracePeriodSeconds":"abc"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
    ['{"gracePeriodSeconds":1.5}', 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
    [
      '{"gracePeriodSeconds":99999999999999999999}',
      'json: cannot unmarshal number 99999999999999999999 into Go struct field DeleteOptions.gracePeriodSeconds of type int64',
    ],
    ['{"orphanDependents":"yes"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of type bool'],
    ['{"dryRun":"All"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
    ['{"preconditions":{"uid":7}}', 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type string'],
    [
      '{"kind":"Pod","apiVersion":"v1"}',
      'no kind "Pod" is registered for version "v1" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"',
    ],
    [
      '{"kind":"ConfigMap"}',
      'no kind "ConfigMap" is registered for version "meta.k8s.io/v1" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"',
    ],
    ['{"apiVersion":"a/b/c"}', 'unexpected GroupVersion string: a/b/c'],
    ['{"kind":5}', "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"],
    [
      '[1]',
      'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
    ],
  ])('%s is 400 for one object and for a collection', async (body, message) => {
    const one = await rawDelete(`${CM}/keep-1`, body).expect(400);
    expect(one.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      message,
    });
    const all = await rawDelete(CM, body).expect(400);
    expect(all.body.message).toBe(message);
    await h.api.get(`${CM}/keep-1`).expect(200);
    await h.api.get(`${CM}/keep-2`).expect(200);
  });

  test.each([
    [
      '{"propagationPolicy":"Bogus"}',
      'propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"',
    ],
    ['{"dryRun":["x"]}', 'dryRun: Unsupported value: []string{"x"}: supported values: "All"'],
    [
      '{"orphanDependents":true,"propagationPolicy":"Orphan"}',
      'propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    ],
  ])('%s is 422 on DeleteOptions, for a collection too, and even for a missing object', async (body, detail) => {
    const message = `DeleteOptions.meta.k8s.io "" is invalid: ${detail}`;
    expect((await rawDelete(`${CM}/keep-1`, body).expect(422)).body).toMatchObject({
      reason: 'Invalid',
      message,
      details: { group: 'meta.k8s.io', kind: 'DeleteOptions' },
    });
    expect((await rawDelete(CM, body).expect(422)).body.message).toBe(message);
    expect((await rawDelete(`${CM}/no-such`, body).expect(422)).body.message).toBe(message);
    await h.api.get(`${CM}/keep-1`).expect(200);
  });

  test('the same checks apply to query parameters; a body replaces the query', async () => {
    expect((await h.api.delete(`${CM}/keep-1?gracePeriodSeconds=abc`).expect(400)).body.message).toBe(
      'strconv.ParseInt: parsing "abc": invalid syntax',
    );
    expect((await h.api.delete(`${CM}?propagationPolicy=Bogus`).expect(422)).body.message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"',
    );
    expect((await h.api.delete(`${CM}/keep-1?dryRun=x`).expect(422)).body.message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"x"}: supported values: "All"',
    );
    await h.api.get(`${CM}/keep-1`).expect(200);
    // With a body, the query is not read (so this dryRun is no dry run).
    await h.api.post(CM).send(configMap('body-wins')).expect(201);
    await h.api.delete(`${CM}/body-wins?dryRun=All`).send({ kind: 'DeleteOptions', apiVersion: 'v1' }).expect(200);
    await h.api.get(`${CM}/body-wins`).expect(404);
  });

  test('well-formed DeleteOptions of any group version are accepted, unknown fields ignored', async () => {
    await h.api.post(CM).send(configMap('del-ok')).expect(201);
    await rawDelete(
      `${CM}/del-ok`,
      '{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","propagationPolicy":"Background","constructor":1,"gracePeriodSeconds":null}',
    ).expect(200);
    await h.api.get(`${CM}/del-ok`).expect(404);
  });
});

describe('a patch is decoded into the kind like any write', () => {
  beforeAll(async () => {
    await h.api
      .post(SECRETS)
      .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'YQ==' } })
      .expect(201);
  });
  const unchanged = async () => {
    const s = (await h.api.get(`${SECRETS}/s`).expect(200)).body;
    expect(s.data).toEqual({ a: 'YQ==' });
    expect(s.metadata.name).toBe('s');
  };

  test('a merge patch that makes data a string is 422 on `patch`, quoting the patched object', async () => {
    const res = await patch(`${SECRETS}/s`, MERGE, '{"data":"str"}').expect(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"v1\\",\\"data\\":\\"str\\",\\"kind\\":\\"Secret\\",\\"metadata\\":\{/,
    );
    expect(res.body.message).toMatch(/": json: cannot unmarshal string into Go struct field Secret\.data of type map\[string\]\[\]uint8$/);
    expect(res.body.details.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'patch' })]);
    await unchanged();
  });

  test('a strategic merge patch quotes the patch, as Go prints its map', async () => {
    const res = await patch(`${SECRETS}/s`, SMP, '{"data":"str"}').expect(422);
    expect(res.body.message).toBe(
      ' "" is invalid: patch: Invalid value: "map[data:str]": json: cannot unmarshal string into Go struct field Secret.data of type map[string][]uint8',
    );
    await unchanged();
  });

  test.each([
    [MERGE, '{"metadata":"str"}', 'json: cannot unmarshal string into Go struct field Secret.metadata of type v1.ObjectMeta'],
    [
      JSONPATCH,
      '[{"op":"replace","path":"/metadata","value":7}]',
      'json: cannot unmarshal number into Go struct field Secret.metadata of type v1.ObjectMeta',
    ],
    [
      MERGE,
      '{"metadata":{"labels":{"a":1}}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [MERGE, '{"type":["x"]}', 'json: cannot unmarshal array into Go struct field Secret.type of type string'],
  ])('%s %s is 422 and stores nothing', async (type, body, detail) => {
    const res = await patch(`${SECRETS}/s`, type, body).expect(422);
    expect(res.body.message.endsWith(`: ${detail}`)).toBe(true);
    await unchanged();
  });

  test('a patch may not rename the object, move it, or change its uid', async () => {
    expect((await patch(`${SECRETS}/s`, MERGE, '{"metadata":{"name":"t"}}').expect(400)).body.message).toBe(
      'the name of the object (t) does not match the name on the URL (s)',
    );
    expect((await patch(`${SECRETS}/s`, JSONPATCH, '[{"op":"remove","path":"/metadata/name"}]').expect(400)).body.message).toBe(
      'the name of the object () does not match the name on the URL (s)',
    );
    expect((await patch(`${SECRETS}/s`, MERGE, '{"metadata":{"namespace":"kube-system"}}').expect(400)).body.message).toBe(
      'the namespace of the object (kube-system) does not match the namespace on the request (default)',
    );
    expect((await patch(`${SECRETS}/s`, MERGE, '{"metadata":{"uid":"other"}}').expect(422)).body.message).toBe(
      'Secret "s" is invalid: metadata.uid: Invalid value: "other": field is immutable',
    );
    await unchanged();
  });

  test("the patched object is validated by the kind's strategy exactly as an update is", async () => {
    const current = (await h.api.get(`${SECRETS}/s`)).body;
    const bad = { ...current, metadata: { ...current.metadata, labels: { 'a b': 'x' } }, data: { 'no/slash': 'YQ==' } };
    const put = await h.api.put(`${SECRETS}/s`).send(bad).expect(422);
    const patched = await patch(
      `${SECRETS}/s`,
      MERGE,
      JSON.stringify({ metadata: { labels: { 'a b': 'x' } }, data: { 'no/slash': 'YQ==' } }),
    ).expect(422);
    expect(patched.body.message).toBe(put.body.message);
    expect(patched.body.details.causes).toEqual(put.body.details.causes);
    await unchanged();
  });

  test('fieldValidation applies to the patched object and to the patch document', async () => {
    const strict = await patch(`${SECRETS}/s?fieldValidation=Strict`, MERGE, '{"bogus":1,"data":{"b":"Yg=="},"data":{"a":"YQ=="}}').expect(
      400,
    );
    expect(strict.body.message).toBe('strict decoding error: duplicate field "data", unknown field "bogus"');
    const smp = await patch(`${SECRETS}/s?fieldValidation=Strict`, SMP, '{"spec":{"x":1}}').expect(400);
    expect(smp.body.message).toBe('strict decoding error: unknown field "spec"');
    const ops = await patch(
      `${SECRETS}/s?fieldValidation=Strict`,
      JSONPATCH,
      '[{"op":"add","path":"/data/b","value":"Yg==","extra":1}]',
    ).expect(400);
    expect(ops.body.message).toBe('strict decoding error: json patch unknown field "extra"');
    await unchanged();
    const warn = await patch(`${SECRETS}/s`, MERGE, '{"bogus":1,"metadata":{"labels":{"w":"1"}}}').expect(200);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"bogus\\""');
    expect(warn.body.bogus).toBeUndefined();
    const ignore = await patch(`${SECRETS}/s?fieldValidation=Ignore`, MERGE, '{"bogus":2}').expect(200);
    expect(ignore.headers.warning).toBeUndefined();
    expect((await h.api.get(`${SECRETS}/s`)).body.bogus).toBeUndefined();
  });
});

describe('what a PUT body says about itself', () => {
  beforeAll(async () => {
    await h.api.post(CM).send(configMap('put-me')).expect(201);
  });

  test('no name, another name or another namespace is 400 before the object is read; another uid is 422', async () => {
    const c = (await h.api.get(`${CM}/put-me`)).body;
    const { name: _n, ...noName } = c.metadata;
    expect(
      (
        await h.api
          .put(`${CM}/put-me`)
          .send({ ...c, metadata: noName })
          .expect(400)
      ).body.message,
    ).toBe('the name of the object () does not match the name on the URL (put-me)');
    expect((await h.api.put(`${CM}/missing`).send(configMap('other')).expect(400)).body.message).toBe(
      'the name of the object (other) does not match the name on the URL (missing)',
    );
    expect(
      (
        await h.api
          .put(`${CM}/put-me`)
          .send({ ...c, metadata: { ...c.metadata, namespace: 'kube-system' } })
          .expect(400)
      ).body.message,
    ).toBe('the namespace of the provided object does not match the namespace sent on the request');
    expect(
      (
        await h.api
          .put(`${CM}/put-me`)
          .send({ ...c, metadata: { ...c.metadata, uid: 'zzz' } })
          .expect(422)
      ).body.message,
    ).toBe('ConfigMap "put-me" is invalid: metadata.uid: Invalid value: "zzz": field is immutable');
    expect((await h.api.get(`${CM}/put-me`)).body).toEqual(c);
  });

  test('/status and /scale bodies are checked for their kind and name too', async () => {
    await h.api.post(DEPLOYS).send(deployment('sc')).expect(201);
    const before = (await h.api.get(`${DEPLOYS}/sc`)).body;
    const scale = (spec: object, meta: object = { name: 'sc' }, type: object = { apiVersion: 'autoscaling/v1', kind: 'Scale' }) => ({
      ...type,
      metadata: meta,
      spec,
    });
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/scale`)
          .send(scale({ replicas: 3 }, { name: 'sc' }, { apiVersion: 'v1', kind: 'ConfigMap' }))
          .expect(400)
      ).body.message,
    ).toBe('the kind "ConfigMap" of the request body does not match the kind "Scale" of the URL');
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/scale`)
          .send(scale({ replicas: 3 }, { name: 'sc' }, { apiVersion: 'apps/v1', kind: 'Scale' }))
          .expect(400)
      ).body.message,
    ).toBe('the API version in the data (apps/v1) does not match the expected API version (autoscaling/v1)');
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/scale`)
          .send(scale({ replicas: 3 }, { name: 'other' }))
          .expect(400)
      ).body.message,
    ).toBe('the name of the object (other) does not match the name on the URL (sc)');
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/scale`)
          .send(scale({ replicas: 'three' }))
          .expect(400)
      ).body.message,
    ).toBe(
      'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32',
    );
    expect(
      (await patch(`${DEPLOYS}/sc/scale`, MERGE, '{"metadata":{"name":"other"},"spec":{"replicas":3}}').expect(400)).body.message,
    ).toBe('the name of the object (other) does not match the name on the URL (sc)');
    expect((await patch(`${DEPLOYS}/sc/scale`, MERGE, '{"spec":{"replicas":"3"}}').expect(422)).body.message).toMatch(
      /: json: cannot unmarshal string into Go struct field ScaleSpec\.spec\.replicas of type int32$/,
    );
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/status`)
          .send({ ...before, metadata: { ...before.metadata, name: 'other' } })
          .expect(400)
      ).body.message,
    ).toBe('the name of the object (other) does not match the name on the URL (sc)');
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/status`)
          .send({ ...before, kind: 'ConfigMap' })
          .expect(400)
      ).body.message,
    ).toBe('the kind "ConfigMap" of the request body does not match the kind "Deployment" of the URL');
    expect((await h.api.get(`${DEPLOYS}/sc`)).body.spec.replicas).toBe(before.spec.replicas);
    // And a well-formed one still works.
    expect(
      (
        await h.api
          .put(`${DEPLOYS}/sc/scale`)
          .send(scale({ replicas: 3 }))
          .expect(200)
      ).body.spec.replicas,
    ).toBe(3);
  });

  test('PUT and PATCH on a collection have no route (405)', async () => {
    await h.api.put(CM).send(configMap('x')).expect(405);
    await patch(CM, MERGE, '{}').expect(405);
  });
});

describe('write options are validated before the body (422 on the options kind)', () => {
  test('fieldValidation', async () => {
    const detail = 'fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"';
    expect((await h.api.post(`${CM}?fieldValidation=Bogus`).send(configMap('fv')).expect(422)).body).toMatchObject({
      reason: 'Invalid',
      message: `CreateOptions.meta.k8s.io "" is invalid: ${detail}`,
      details: { group: 'meta.k8s.io', kind: 'CreateOptions' },
    });
    expect((await h.api.put(`${CM}/fv?fieldValidation=Bogus`).send(configMap('fv')).expect(422)).body.message).toBe(
      `UpdateOptions.meta.k8s.io "" is invalid: ${detail}`,
    );
    expect((await patch(`${CM}/fv?fieldValidation=Bogus`, MERGE, '{}').expect(422)).body.message).toBe(
      `PatchOptions.meta.k8s.io "" is invalid: ${detail}`,
    );
    await h.api.get(`${CM}/fv`).expect(404);
    await h.api.post(`${CM}?fieldValidation=`).send(configMap('fv-empty')).expect(201);
  });

  test('fieldManager: at most 128 bytes, printable', async () => {
    const long = 'x'.repeat(129);
    expect((await h.api.post(`${CM}?fieldManager=${long}`).send(configMap('fm')).expect(422)).body.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
    expect(
      (await h.api.patch(`${CM}/fm?fieldManager=${long}`).set('Content-Type', 'application/apply-patch+yaml').send('{}').expect(422)).body
        .message,
    ).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
    expect((await h.api.post(`${CM}?fieldManager=a%07b`).send(configMap('fm')).expect(422)).body.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\u0007b": invalid character U+0007 (at position 1)',
    );
    await h.api.get(`${CM}/fm`).expect(404);
    const ok = await h.api
      .post(`${CM}?fieldManager=${'y'.repeat(128)}`)
      .send(configMap('fm'))
      .expect(201);
    expect(ok.body.metadata.managedFields[0].manager).toBe('y'.repeat(128));
  });

  test('dryRun values on every write', async () => {
    const d = 'dryRun: Unsupported value: []string{"All", "Nope"}: supported values: "All"';
    expect((await h.api.post(`${CM}?dryRun=All&dryRun=Nope`).send(configMap('dr')).expect(422)).body.message).toBe(
      `CreateOptions.meta.k8s.io "" is invalid: ${d}`,
    );
    expect((await patch(`${CM}/dr?dryRun=All&dryRun=Nope`, MERGE, '{}').expect(422)).body.message).toBe(
      `PatchOptions.meta.k8s.io "" is invalid: ${d}`,
    );
  });
});

describe('paths and query parameters', () => {
  test("a bad percent-escape in the path is 400 with Go's EscapeError text", async () => {
    expect((await h.api.get(`${CM}/%zz`).expect(400)).body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'invalid URL escape "%zz"',
    });
    expect((await h.api.delete(`${CM}/a%`).expect(400)).body.message).toBe('invalid URL escape "%"');
    expect((await h.api.get('/api/v1/namespaces/%G1/pods').expect(400)).body.message).toBe('invalid URL escape "%G1"');
    // Escapes of bytes that are no UTF-8 are a name like any other.
    expect((await h.api.get(`${CM}/%ff`).expect(404)).body.reason).toBe('NotFound');
  });

  test('int64 parameters are parsed as strconv.ParseInt does', async () => {
    expect((await h.api.get(`${CM}?limit=99999999999999999999`).expect(400)).body.message).toBe(
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
    expect((await h.api.get(`${CM}?limit=1e3`).expect(400)).body.message).toBe('strconv.ParseInt: parsing "1e3": invalid syntax');
    expect((await h.api.get(`${CM}?watch=true&timeoutSeconds=x`).expect(400)).body.message).toBe(
      'strconv.ParseInt: parsing "x": invalid syntax',
    );
    const max = await h.api.get(`${CM}?limit=9223372036854775807`).expect(200);
    expect(max.body.metadata.continue).toBeUndefined();
    expect(max.body.items.length).toBeGreaterThan(0);
  });

  test("label selectors: the parser's errors are 400; `a in ()` is a set with the empty value, as upstream parses it", async () => {
    expect((await h.api.get(`${CM}?labelSelector=${encodeURIComponent('a in (')}`).expect(400)).body).toMatchObject({
      reason: 'BadRequest',
      message: "unable to parse requirement: found '', expected: ',', ')' or identifier",
    });
    expect((await h.api.get(`${CM}?labelSelector=${encodeURIComponent('a in (x')}`).expect(400)).body.message).toBe(
      "unable to parse requirement: found '', expected: ',' or ')'",
    );
    await h.api
      .post(CM)
      .send(configMap('empty-a', { metadata: { labels: { a: '' } } }))
      .expect(201);
    await h.api
      .post(CM)
      .send(configMap('x-a', { metadata: { labels: { a: 'x' } } }))
      .expect(201);
    const names = (await h.api.get(`${CM}?labelSelector=${encodeURIComponent('a in ()')}`).expect(200)).body.items.map(
      (i: { metadata: { name: string } }) => i.metadata.name,
    );
    expect(names).toEqual(['empty-a']);
    const del = await h.api.delete(`${CM}?labelSelector=${encodeURIComponent('a in (')}`).expect(400);
    expect(del.body.reason).toBe('BadRequest');
    await h.api.get(`${CM}/x-a`).expect(200);
  });
});

test('a warning about a field of any name is a UTF-8 Warning header quoted as Go quotes it, never a 500', async () => {
  const res = await h.api
    .post(CM)
    .set('Content-Type', 'application/json')
    .send('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warn-utf8"},"\u00fc\\u0007\\u202e":1}')
    .expect(201);
  expect(Buffer.from(res.headers.warning, 'latin1').toString('utf8')).toBe('299 - "unknown field \\"\u00fc\\a\\u202e\\""');
});

test('a namespaced resource across all namespaces is served for list and watch only (405 otherwise)', async () => {
  await h.api.post(CM).send(configMap('everywhere')).expect(201);
  for (const [method, path] of [
    ['post', '/api/v1/configmaps'],
    ['delete', '/api/v1/configmaps'],
    ['delete', '/apis/apps/v1/deployments'],
    ['put', '/api/v1/configmaps'],
    ['patch', '/api/v1/configmaps'],
  ] as const) {
    const res = await h.api[method](path)
      .set('Content-Type', method === 'patch' ? MERGE : 'application/json')
      .send(configMap('everywhere'));
    expect([method, path, res.status, res.body.reason]).toEqual([method, path, 405, 'MethodNotAllowed']);
  }
  await h.api.get(`${CM}/everywhere`).expect(200);
  expect((await h.api.get('/api/v1/configmaps').expect(200)).body.items.length).toBeGreaterThan(0);
});

test('a strategic merge patch the algorithm cannot apply is 422, not a server error', async () => {
  await h.api.post(PODS).send(pod('smp-bad')).expect(201);
  const res = await patch(`${PODS}/smp-bad`, SMP, '{"spec":{"containers":[1]}}').expect(422);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
  expect(res.body.message).toMatch(/^list element types are not identical: /);
  const noKey = await patch(`${PODS}/smp-bad`, SMP, '{"spec":{"containers":[{"image":"x"}]}}').expect(422);
  expect(noKey.body.message).toBe('map: map[image:x] does not contain declared merge key: name');
});

test("a grace period of any int64 is a deletionTimestamp within metav1.Time's range", async () => {
  await h.api
    .post(PODS)
    .send(pod('long-grace', { nodeName: 'node-1' }))
    .expect(201);
  const res = await h.api.delete(`${PODS}/long-grace?gracePeriodSeconds=9223372036854775807`).expect(200);
  expect(res.body.metadata.deletionTimestamp).toBe('9999-12-31T23:59:59Z');
});

test('what the HTTP parser refuses (headers too large, malformed HTTP) is a Status too', async () => {
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const c = net.connect(h.port, '127.0.0.1', () => c.write(text));
      let out = '';
      c.on('data', (d) => {
        out += d;
      });
      c.on('end', () => resolve(out));
      c.on('error', reject);
    });
  const parse = (response: string) => {
    const [head, body] = response.split('\r\n\r\n');
    return { statusLine: head!.split('\r\n')[0], type: /content-type: ([^\r]+)/i.exec(head!)?.[1], status: JSON.parse(body!) };
  };
  const long = parse(await raw(`GET ${CM}?labelSelector=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
  expect(long).toEqual({
    statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
    type: 'application/json',
    status: expect.objectContaining({ kind: 'Status', status: 'Failure', code: 431 }),
  });
  const garbage = parse(await raw('NOT HTTP AT ALL\r\n\r\n'));
  expect(garbage).toMatchObject({
    statusLine: 'HTTP/1.1 400 Bad Request',
    type: 'application/json',
    status: { kind: 'Status', reason: 'BadRequest', code: 400 },
  });
});

describe('bindings', () => {
  test('a target that is not a Node is 422 Invalid on the Binding and binds nothing', async () => {
    await h.api.post(PODS).send(pod('bind-me')).expect(201);
    const res = await h.api
      .post(`${PODS}/bind-me/binding`)
      .send({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Pod', name: 'x' } })
      .expect(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      message: 'Binding "bind-me" is invalid: target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
      details: { name: 'bind-me', kind: 'Binding' },
    });
    expect(
      (
        await h.api
          .post(`${PODS}/bind-me/binding`)
          .send({ metadata: { name: 'bind-me' }, target: { name: 7 } })
          .expect(400)
      ).body.message,
    ).toBe(
      'Binding in version "v1" cannot be handled as a Binding: json: cannot unmarshal number into Go struct field ObjectReference.target.name of type string',
    );
    expect((await h.api.get(`${PODS}/bind-me`)).body.spec.nodeName).toBeUndefined();
  });
});
