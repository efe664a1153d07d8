import { applyPatch, MERGE_KEYS, unsupportedPatchType } from '../../src/machinery/patch/index.js';
import { parseJSONLikeGo } from '../../src/machinery/patch/go-json.js';
import type { SchemaLookup } from '../../src/machinery/patch/schema.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const ctx = { schema: (() => undefined) as SchemaLookup, definition: 'io.k8s.api.apps.v1.Deployment' };
const dep = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }] } } },
});
type Dep = ReturnType<typeof dep>;

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}
const generic422 = { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' };
const summary = (e: StatusError) => ({ code: e.code, reason: e.reason, message: e.message });

describe('application/json-patch+json', () => {
  const jp = (ops: unknown, original: object = dep()) =>
    applyPatch('application/json-patch+json', original, JSON.stringify(ops), ctx) as Dep;

  test('add, replace and remove', () => {
    const out = jp([
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels/env', value: 'prod' },
      { op: 'remove', path: '/metadata/labels/tier' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'side', image: 'busybox' } },
    ]);
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata.labels).toEqual({ app: 'web', env: 'prod' });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'side']);
  });

  test('a passing test op lets the patch through', () => {
    expect(
      jp([
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
      ]).spec.replicas,
    ).toBe(3);
  });

  test('a failing test op is the generic 422 Invalid', () => {
    expect(summary(statusOf(() => jp([{ op: 'test', path: '/spec/replicas', value: 9 }])))).toEqual(generic422);
    expect(statusOf(() => jp([{ op: 'test', path: '/spec/replicas', value: 9 }])).toStatus().details).toEqual({});
  });

  test('removing or replacing a missing path is the generic 422 Invalid', () => {
    expect(summary(statusOf(() => jp([{ op: 'remove', path: '/spec/affinity' }])))).toEqual(generic422);
    expect(summary(statusOf(() => jp([{ op: 'replace', path: '/spec/nope/deeper', value: 1 }])))).toEqual(generic422);
    expect(summary(statusOf(() => jp([{ op: 'frobnicate', path: '/spec' }])))).toEqual(generic422);
  });

  test('a body that is not a JSON array', () => {
    const e = statusOf(() => applyPatch('application/json-patch+json', dep(), '{"op":"add"}', ctx));
    expect(summary(e)).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
  });

  test("a body that is not JSON at all carries Go's decoder message", () => {
    const e = statusOf(() => applyPatch('application/json-patch+json', dep(), 'xyz', ctx));
    expect(summary(e)).toEqual({ code: 400, reason: 'BadRequest', message: "invalid character 'x' looking for beginning of value" });
  });

  test('too many operations is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
    const e = statusOf(() => jp(ops));
    expect([e.code, e.reason, e.message]).toEqual([
      413,
      'RequestEntityTooLarge',
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    ]);
  });

  test('move and copy need an existing from; a move never goes into its own value', () => {
    const moved = jp([{ op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/role' }]);
    expect(moved.metadata.labels).toEqual({ app: 'web', role: 'fe' });
    const copied = jp([{ op: 'copy', from: '/spec/template/spec/containers/0/env/0', path: '/spec/template/spec/containers/0/env/-' }]);
    expect(copied.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'A', value: '1' },
    ]);
    for (const op of ['move', 'copy'])
      expect(summary(statusOf(() => jp([{ op, from: '/metadata/nope', path: '/metadata/x' }])))).toEqual(generic422);
    // the root moved into itself made an object no walk survives (a 500 from a stack overflow)
    expect(summary(statusOf(() => jp([{ op: 'move', from: '', path: '/x' }])))).toEqual(generic422);
    expect(summary(statusOf(() => jp([{ op: 'move', from: '/spec', path: '/spec/x' }])))).toEqual(generic422);
  });

  test('10,000 moves in a 1.5 MB object are quick (each deep-cloned the whole object: 42 s for 1,000)', () => {
    const env = Array.from({ length: 50_000 }, (_, i) => ({ name: `E${i}`, value: 'v' }));
    const original = dep();
    original.spec.template.spec.containers[0].env = env;
    const list = '/spec/template/spec/containers/0/env';
    const ops = Array.from({ length: 10_000 }, () => ({ op: 'move', from: `${list}/0`, path: `${list}/-` }));
    const started = Date.now();
    const out = jp(ops, original);
    expect(Date.now() - started).toBeLessThan(15_000);
    const names = out.spec.template.spec.containers[0].env.map((e) => e.name);
    expect([names.length, names[0], names[39_999], names[40_000], names[49_999]]).toEqual([50_000, 'E10000', 'E49999', 'E0', 'E9999']);
  });

  test('the original is not modified, even when a later op fails', () => {
    const original = dep();
    const before = JSON.stringify(original);
    jp([{ op: 'replace', path: '/spec/replicas', value: 7 }], original);
    statusOf(() =>
      jp(
        [
          { op: 'replace', path: '/spec/replicas', value: 7 },
          { op: 'test', path: '/kind', value: 'Pod' },
        ],
        original,
      ),
    );
    expect(JSON.stringify(original)).toBe(before);
  });
});

describe('application/merge-patch+json', () => {
  const mp = (body: string, original: object = dep()) => applyPatch('application/merge-patch+json', original, body, ctx) as Dep;

  test('null removes a key, objects merge, lists replace', () => {
    const out = mp(
      '{"metadata":{"labels":{"tier":null,"env":"prod"}},"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}',
    );
    expect(out.metadata.labels).toEqual({ app: 'web', env: 'prod' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.27' }]);
  });

  test('invalid JSON is 400 "Invalid JSON Patch"', () => {
    expect(summary(statusOf(() => mp('{"spec":')))).toEqual({ code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
    expect(summary(statusOf(() => mp('null')))).toEqual({ code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
  });

  test('with fieldValidation=Strict the decode error is reported', () => {
    const e = statusOf(() => applyPatch('application/merge-patch+json', dep(), '{"spec":', { ...ctx, fieldValidation: 'Strict' }));
    expect(e.message).toBe('error decoding patch: unexpected end of JSON input');
  });

  test('does not modify the original and accepts a Buffer body', () => {
    const original = dep();
    const before = JSON.stringify(original);
    const out = mp(Buffer.from('{"spec":{"replicas":9}}') as unknown as string, original);
    expect(out.spec.replicas).toBe(9);
    expect(JSON.stringify(original)).toBe(before);
  });
});

describe('application/strategic-merge-patch+json', () => {
  test('kubectl set image body, with a charset parameter on the content type', () => {
    const body =
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:1.27","name":"web"}]}}}}';
    const out = applyPatch('application/strategic-merge-patch+json; charset=utf-8', dep(), body, ctx) as Dep;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }]);
  });

  test("invalid JSON is a 400 with Go's message", () => {
    const e = statusOf(() => applyPatch('application/strategic-merge-patch+json', dep(), '{"spec": nul}', ctx));
    expect(summary(e)).toEqual({ code: 400, reason: 'BadRequest', message: "invalid character '}' in literal null (expecting 'l')" });
  });

  test('refused (415) where strategic merge is not supported, e.g. custom resources', () => {
    const e = statusOf(() => applyPatch('application/strategic-merge-patch+json', dep(), '{}', { ...ctx, strategic: false }));
    expect([e.code, e.message]).toEqual([
      415,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    ]);
  });
});

test('an unknown patch content type is 415 UnsupportedMediaType', () => {
  const e = statusOf(() => applyPatch('application/json', dep(), '{}', ctx));
  expect(summary(e)).toEqual({
    code: 415,
    reason: 'UnsupportedMediaType',
    message:
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
  });
  expect(unsupportedPatchType().code).toBe(415);
});

describe('Go-compatible JSON syntax errors', () => {
  test.each([
    ['', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['tru', 'unexpected end of JSON input'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['"a\\qb"', "invalid character 'q' in string escape code"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
  ])('%j', (input, message) => {
    expect(() => parseJSONLikeGo(input)).toThrow(message);
  });
});

describe('MERGE_KEYS', () => {
  test('carries the upstream struct tags for the common fields', () => {
    expect(MERGE_KEYS['io.k8s.api.core.v1.PodSpec'].containers).toEqual({
      strategy: 'merge',
      key: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    });
    expect(MERGE_KEYS['io.k8s.api.core.v1.PodSpec'].volumes.strategy).toBe('merge,retainKeys');
    expect(MERGE_KEYS['io.k8s.api.core.v1.Container'].ports).toMatchObject({
      key: 'containerPort',
      listMapKeys: ['containerPort', 'protocol'],
    });
    expect(MERGE_KEYS['io.k8s.api.core.v1.ServiceSpec'].ports).toMatchObject({ key: 'port', listMapKeys: ['port', 'protocol'] });
    expect(MERGE_KEYS['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].finalizers).toEqual({ strategy: 'merge', listType: 'set' });
    expect(MERGE_KEYS['io.k8s.api.apps.v1.DeploymentSpec'].strategy).toEqual({ strategy: 'retainKeys' });
    expect(MERGE_KEYS['io.k8s.api.core.v1.PodSpec'].tolerations).toEqual({ listType: 'atomic' });
  });

  test('every merge strategy on a map list names its key, and list-map keys include it', () => {
    for (const [def, fields] of Object.entries(MERGE_KEYS)) {
      for (const [field, sem] of Object.entries(fields)) {
        if (sem.listType === 'map' && sem.strategy?.startsWith('merge')) {
          expect([def, field, sem.listMapKeys?.includes(sem.key ?? '')]).toEqual([def, field, true]);
        }
        if (sem.listType === 'map') expect([def, field, (sem.listMapKeys ?? []).length > 0]).toEqual([def, field, true]);
      }
    }
  });
});
