import { join } from 'node:path';
import { strategicMergePatch } from '../../src/machinery/patch/strategic.js';
import { loadSchemaLookup, type SchemaLookup } from '../../src/machinery/patch/schema.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const schema = loadSchemaLookup(join(process.cwd(), 'test/unit/fixtures/patch-definitions.json'));
const noSchema: SchemaLookup = () => undefined;
const DEPLOY = 'io.k8s.api.apps.v1.Deployment';

function deployment() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, finalizers: ['a.io/x', 'b.io/y'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              args: ['-a', '-b'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [
                { containerPort: 80, protocol: 'TCP' },
                { containerPort: 53, protocol: 'UDP' },
              ],
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', '1d'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k1', operator: 'Exists' }],
        },
      },
    },
  };
}
type Dep = ReturnType<typeof deployment>;
const smp = (patch: unknown, s: SchemaLookup = schema, original: unknown = deployment()) =>
  strategicMergePatch(original, patch, s, DEPLOY) as Dep;
const containers = (d: Dep) => d.spec.template.spec.containers as Record<string, unknown>[];

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe.each([
  ['with OpenAPI definitions', schema],
  ['with only the built-in tables', noSchema],
])('strategic merge patch %s', (_n, s) => {
  test('kubectl set image keeps the other container fields and containers', () => {
    const out = smp(
      {
        spec: {
          template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.27', name: 'web' }] } },
        },
      },
      s,
    );
    const [web, sidecar] = containers(out);
    expect(web.image).toBe('nginx:1.27');
    expect(web.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(web.ports).toHaveLength(2);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'busybox', args: ['sleep', '1d'] });
    expect(out.spec.replicas).toBe(2);
  });

  test('env merges by name: existing entries update, new ones append', () => {
    const out = smp(
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'web',
                  env: [
                    { name: 'B', value: 'two' },
                    { name: 'C', value: '3' },
                  ],
                },
              ],
            },
          },
        },
      },
      s,
    );
    expect(containers(out)[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
  });

  test('ports merge by containerPort', () => {
    const out = smp(
      {
        spec: {
          template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } },
        },
      },
      s,
    );
    // Upstream order: a server-only item goes after patch items that follow it in neither list (mergeSortedSlice).
    expect(containers(out)[0].ports).toEqual([
      { containerPort: 80, protocol: 'TCP', name: 'http' },
      { containerPort: 443 },
      { containerPort: 53, protocol: 'UDP' },
    ]);
  });

  test('$patch: delete removes a container by name', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, s);
    expect(containers(out).map((c) => c.name)).toEqual(['web']);
  });

  test('$retainKeys on the deployment strategy drops rollingUpdate when switching to Recreate', () => {
    const out = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, s);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('lists without a merge strategy are replaced (args, tolerations)', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'web', args: ['-c'] }], tolerations: [{ key: 'k2' }] } } } }, s);
    expect(containers(out)[0].args).toEqual(['-c']);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'k2' }]);
  });
});

describe('strategic merge patch directives', () => {
  test('a null deletes a label and leaves the others', () => {
    const out = smp({ metadata: { labels: { tier: null, new: 'x' } } });
    expect(out.metadata.labels).toEqual({ app: 'web', new: 'x' });
  });

  test('a null for a missing field is ignored', () => {
    const out = smp({ metadata: { annotations: { gone: null } }, spec: { paused: null } });
    expect(out.metadata).not.toHaveProperty('annotations.gone');
    expect(out.spec).not.toHaveProperty('paused');
  });

  test('kubectl scale / label bodies merge like JSON merge patch on maps and scalars', () => {
    const out = smp({ spec: { replicas: 5 }, metadata: { labels: { env: 'prod' } } });
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'fe', env: 'prod' });
  });

  test('$deleteFromPrimitiveList/finalizers removes only the listed values', () => {
    const out = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } });
    expect(out.metadata.finalizers).toEqual(['b.io/y']);
  });

  test('$deleteFromPrimitiveList on a missing list adds nothing', () => {
    const original = { metadata: { name: 'x' } };
    const out = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } }, schema, original) as unknown as {
      metadata: object;
    };
    expect(out.metadata).toEqual({ name: 'x' });
  });

  test('finalizers merge as a set, patch order first', () => {
    const out = smp({ metadata: { finalizers: ['c.io/z', 'a.io/x'] } });
    // Patch items in patch order; server-only items after them (upstream mergeSortedSlice).
    expect(out.metadata.finalizers).toEqual(['c.io/z', 'a.io/x', 'b.io/y']);
  });

  test('$setElementOrder on a primitive list with a deletion list (kubectl apply of finalizers)', () => {
    const out = smp({
      metadata: {
        '$setElementOrder/finalizers': ['c.io/z', 'a.io/x'],
        finalizers: ['c.io/z'],
        '$deleteFromPrimitiveList/finalizers': ['b.io/y'],
      },
    });
    expect(out.metadata.finalizers).toEqual(['c.io/z', 'a.io/x']);
  });

  test('$patch: replace on a map replaces it wholesale', () => {
    const out = smp({ spec: { template: { metadata: { labels: { $patch: 'replace', only: 'this' } } } } });
    expect(out.spec.template.metadata.labels).toEqual({ only: 'this' });
  });

  test('$patch: delete on a map empties it', () => {
    const out = smp({ spec: { selector: { $patch: 'delete' } } });
    expect(out.spec.selector).toEqual({});
  });

  test('$patch: replace inside a merging list replaces the whole list', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'solo', image: 'x' }, { $patch: 'replace' }] } } } });
    expect(containers(out)).toEqual([{ name: 'solo', image: 'x' }]);
  });

  test('$setElementOrder alone reorders the live list', () => {
    const out = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } } } });
    expect(containers(out).map((c) => c.name)).toEqual(['sidecar', 'web']);
    expect(containers(out)[1].image).toBe('nginx:1.25');
  });

  test('a new list item is placed where $setElementOrder puts it', () => {
    const out = smp({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'mid' }, { name: 'sidecar' }],
            containers: [{ name: 'mid', image: 'm' }],
          },
        },
      },
    });
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'mid', 'sidecar']);
  });

  test('three-way apply patch from kubectl (last-applied annotation, nested $setElementOrder, deletions)', () => {
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}';
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied }, labels: { tier: null } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'A' }, { name: 'D' }],
                env: [
                  { name: 'D', value: '4' },
                  { name: 'B', $patch: 'delete' },
                ],
                name: 'web',
              },
            ],
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' }],
          },
        },
      },
    };
    const out = smp(patch);
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect((out.metadata as Record<string, unknown>).annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': lastApplied,
    });
    const [web, sidecar] = containers(out);
    expect(web.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'D', value: '4' },
    ]);
    expect(sidecar.name).toBe('sidecar'); // server-only items survive
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cm' } }]);
  });

  test('a field absent from the original is taken from the patch without directives', () => {
    const out = smp({ spec: { template: { spec: { nodeSelector: { disk: 'ssd' }, initContainers: [{ name: 'init', image: 'i' }] } } } });
    expect(out.spec.template.spec).toMatchObject({ nodeSelector: { disk: 'ssd' }, initContainers: [{ name: 'init', image: 'i' }] });
  });

  test('ownerReferences merge by uid', () => {
    const original = {
      metadata: {
        ownerReferences: [
          { uid: '1', name: 'a' },
          { uid: '2', name: 'b' },
        ],
      },
    };
    const out = strategicMergePatch(
      original,
      { metadata: { ownerReferences: [{ uid: '2', name: 'bb' }] } },
      schema,
      DEPLOY,
    ) as typeof original;
    expect(out.metadata.ownerReferences).toEqual([
      { uid: '1', name: 'a' },
      { uid: '2', name: 'bb' },
    ]);
  });

  test('OpenAPI x-kubernetes-patch-* extensions are honoured for kinds outside the table', () => {
    const original = {
      parts: [
        { id: 'p1', n: 1 },
        { id: 'p2', n: 2 },
      ],
      tags: ['a'],
    };
    const out = strategicMergePatch(original, { parts: [{ id: 'p2', n: 20 }], tags: ['b'] }, schema, 'example.com.v1.Widget');
    expect(out).toEqual({
      parts: [
        { id: 'p1', n: 1 },
        { id: 'p2', n: 20 },
      ],
      tags: ['b'],
    });
  });

  test('unknown types fall back to JSON merge semantics', () => {
    const original = { spec: { a: { x: 1, y: 2 }, list: [{ name: 'a', v: 1 }] } };
    const out = strategicMergePatch(
      original,
      { spec: { a: { y: null, z: 3 }, list: [{ name: 'a' }] } },
      noSchema,
      'example.com.v1.Unknown',
    );
    expect(out).toEqual({ spec: { a: { x: 1, z: 3 }, list: [{ name: 'a' }] } });
  });

  test('neither the original nor the patch is modified', () => {
    const original = deployment();
    const patch = {
      metadata: { labels: { tier: null } },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'web', image: 'n' }] } },
      },
    };
    const before = JSON.stringify(original);
    const patchBefore = JSON.stringify(patch);
    smp(patch, schema, original);
    expect(JSON.stringify(original)).toBe(before);
    expect(JSON.stringify(patch)).toBe(patchBefore);
  });
});

describe('strategic merge patch errors', () => {
  test('$patch: merge inside a list is refused as upstream does', () => {
    const e = statusOf(() => smp({ spec: { template: { spec: { containers: [{ name: 'web', $patch: 'merge' }] } } } }));
    expect([e.code, e.reason]).toEqual([422, 'Invalid']);
    expect(e.message).toBe('merging lists cannot yet be specified in the patch');
  });

  test('an unknown $patch value on a map', () => {
    const e = statusOf(() => smp({ spec: { selector: { $patch: 'bogus' } } }));
    expect(e.message).toBe('unknown patch type: bogus in map: map[$patch:bogus]');
  });

  test('a list element without its merge key', () => {
    const e = statusOf(() => smp({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }));
    expect(e.message).toBe('map: map[image:x] does not contain declared merge key: name');
  });

  test('$retainKeys that does not name a patched field is a 400', () => {
    const e = statusOf(() => smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'invalid patch format of retainKeys']);
  });

  test('a malformed $setElementOrder key is a 400', () => {
    const e = statusOf(() => smp({ spec: { $setElementOrderX: [] } }));
    expect(e.code).toBe(400);
  });

  test('$setElementOrder that contradicts the patch list order', () => {
    const e = statusOf(() =>
      smp({
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [
                { name: 'sidecar', image: 's' },
                { name: 'web', image: 'w' },
              ],
            },
          },
        },
      }),
    );
    expect(e.message).toMatch(/^The order in patch list:/);
  });

  test('a patch that is not an object', () => {
    const e = statusOf(() => strategicMergePatch({}, [1], schema, DEPLOY));
    expect([e.code, e.message]).toEqual([400, 'json: cannot unmarshal array into Go value of type map[string]interface {}']);
  });
});

// A PATCH body of ~3 MB can carry lists of 100,000 small elements; the merge must stay near-linear in them, or
// one request holds the API server's only event loop (a reversed $setElementOrder of 2,000 took 26 s, cubic).
describe('strategic merge patch: request-sized lists', () => {
  const env = (...names: string[]) => names.map((name) => ({ name, value: name }));
  const withEnv = (e: unknown[]) => ({ metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', env: e }] } } } });
  const patchC = (x: Record<string, unknown>) => ({ spec: { template: { spec: { containers: [{ name: 'c', ...x }] } } } });
  const envOf = (d: unknown) =>
    ((d as Dep).spec.template.spec.containers[0].env as { name: string; value: string }[]).map((e) => `${e.name}=${e.value}`);
  const names = (n: number, p = 'E') => Array.from({ length: n }, (_, i) => `${p}${i}`);

  test('$setElementOrder places server-only items by their live neighbours, first match for duplicates', () => {
    const order = (...n: string[]) => n.map((name) => ({ name }));
    const live = withEnv(env('a', 'b', 'c', 'd', 'e'));
    expect(envOf(smp(patchC({ '$setElementOrder/env': order('e', 'c', 'a'), env: [{ name: 'c', value: 'new' }] }), schema, live))).toEqual([
      'b=b',
      'd=d',
      'e=e',
      'c=new',
      'a=a',
    ]);
    // the deleted 'a' frees a slot of the live list that the new 'x' takes, as in Go's in-place merge
    const withDelete = patchC({
      '$setElementOrder/env': order('x', 'd', 'b'),
      env: [
        { name: 'x', value: 'x' },
        { name: 'a', $patch: 'delete' },
      ],
    });
    expect(envOf(smp(withDelete, schema, live))).toEqual(['c=c', 'e=e', 'x=x', 'd=d', 'b=b']);
    const dup = withEnv([...env('a', 'b'), { name: 'a', value: 'dup' }, ...env('c')]);
    expect(envOf(smp(patchC({ '$setElementOrder/env': order('c', 'a', 'c') }), schema, dup))).toEqual(['b=b', 'c=c', 'a=a', 'a=dup']);
  });

  test('merge-key lists: the first live match takes each patch item, a delete takes every match', () => {
    const live = withEnv([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
      { name: 'a', value: '3' },
      { name: 'd', value: '4' },
    ]);
    const patch = patchC({
      env: [
        { name: 'a', value: 'x' },
        { name: 'c', value: 'c' },
        { name: 'a', value: 'y' },
        { name: 'd', $patch: 'delete' },
        { name: 'c', value: 'c2' },
      ],
    });
    expect(envOf(smp(patch, schema, live))).toEqual(['a=y', 'a=3', 'c=c2', 'b=2']);
    expect(envOf(smp(patchC({ env: [{ name: 'a', $patch: 'delete' }] }), schema, live))).toEqual(['b=2', 'd=4']);
    const order = patchC({
      '$setElementOrder/env': [{ name: 'c' }, { name: 'x' }, { name: 'a' }],
      env: [
        { name: 'b', $patch: 'delete' },
        { name: 'x', value: 'x' },
        { name: 'c', $patch: 'delete' },
      ],
    });
    expect(envOf(smp(order, schema, withEnv(env('a', 'b', 'c'))))).toEqual(['x=x', 'a=a']);
    // a server-only item looked up in a $setElementOrder list meets its non-map element first, as in Go
    const e = statusOf(() => smp(patchC({ '$setElementOrder/env': [{ name: 'a' }, 'z'] }), schema, withEnv(env('a', 'b'))));
    expect(e.message).toBe('value for key 1 is not a map.');
  });

  test('merging, adding and deleting 40,000 items by merge key is quick', () => {
    const live = names(40_000);
    const patch = [
      ...live.slice(0, 20_000).map((name) => ({ name, value: 'new' })),
      ...names(20_000, 'F').map((name) => ({ name, value: 'added' })),
      ...live.slice(20_000, 30_000).map((name) => ({ name, $patch: 'delete' })),
    ];
    const started = Date.now();
    const out = envOf(smp(patchC({ env: patch }), schema, withEnv(env(...live))));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(out.length).toBe(50_000);
    expect([out[0], out[19_999], out[20_000], out[39_999], out[40_000], out[49_999]]).toEqual([
      'E0=new',
      'E19999=new',
      'F0=added',
      'F19999=added',
      'E30000=E30000',
      'E39999=E39999',
    ]);
  });

  test('merged primitive lists drop duplicates as Go does', () => {
    const fin = (live: string[], patch: string[]) =>
      (
        smp({ metadata: { finalizers: patch } }, schema, { metadata: { name: 'd', finalizers: live } }) as {
          metadata: { finalizers: string[] };
        }
      ).metadata.finalizers;
    expect(fin(['a', 'b', 'c', 'b'], ['b', 'd', 'a', 'e', 'd'])).toEqual(['b', 'd', 'a', 'e', 'c']);
    expect(fin(['x', 'x', 'y'], ['y', 'y'])).toEqual(['x', 'y']);
  });

  test('merging 50,000 finalizers into 50,000 is quick', () => {
    const live = names(50_000, 'a.io/f');
    const patch = Array.from({ length: 50_000 }, (_, i) => `a.io/f${i + 25_000}`);
    const started = Date.now();
    const out = smp({ metadata: { finalizers: patch } }, schema, { metadata: { name: 'd', finalizers: live } }) as {
      metadata: { finalizers: string[] };
    };
    expect(Date.now() - started).toBeLessThan(15_000);
    const f = out.metadata.finalizers;
    expect([f.length, f[0], f[24_999], f[25_000], f[74_999]]).toEqual([75_000, 'a.io/f0', 'a.io/f24999', 'a.io/f25000', 'a.io/f74999']);
  });

  test('a reversed $setElementOrder of 20,000 items is quick', () => {
    const n = names(20_000);
    const started = Date.now();
    const out = smp(patchC({ '$setElementOrder/env': [...n].reverse().map((name) => ({ name })) }), schema, withEnv(env(...n)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(envOf(out)).toEqual([...n].reverse().map((x) => `${x}=${x}`));
  });
});
