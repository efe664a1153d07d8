import { join } from 'node:path';
import { applyServerSide, recordUpdate } from '../../src/machinery/apply/index.js';
import { FieldSet, fromFieldsV1, toFieldsV1, pathString } from '../../src/machinery/apply/field-set.js';
import { managerFromUserAgent } from '../../src/machinery/apply/managed-fields.js';
import { loadSchemaLookup } from '../../src/machinery/patch/schema.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import type { KObject, ManagedFieldsEntry } from '../../src/machinery/api/meta.js';

const schema = loadSchemaLookup(join(process.cwd(), 'openapi/definitions.json'));
const DEPLOY = 'io.k8s.api.apps.v1.Deployment';
const CM = 'io.k8s.api.core.v1.ConfigMap';
const T1 = '2024-01-01T00:00:00Z',
  T2 = '2024-01-02T00:00:00Z',
  T3 = '2024-01-03T00:00:00Z';

const deploy = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', ...metadata },
  spec,
});

const apply = (
  live: KObject | undefined,
  applied: KObject,
  manager: string,
  opts: { force?: boolean; now?: string; definition?: string; apiVersion?: string } = {},
) =>
  applyServerSide({
    live,
    applied,
    manager,
    force: opts.force ?? false,
    schema,
    definition: opts.definition ?? DEPLOY,
    apiVersion: opts.apiVersion ?? 'apps/v1',
    now: opts.now ?? T1,
  });

const entry = (o: KObject, manager: string, operation = 'Apply') =>
  o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

function conflictOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

const container = (extra: Record<string, unknown> = {}) => ({ name: 'web', image: 'nginx:1', ...extra });
const podSpec = (containers: unknown[]) => ({
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
});

describe('fieldsV1 encoding', () => {
  test('round-trips with "." for members that have children, keys sorted fields-first', () => {
    const set = FieldSet.of([
      ['f:spec', 'f:containers', 'k:{"name":"web"}'],
      ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'],
      ['f:metadata', 'f:labels', 'f:app'],
      ['f:metadata', 'f:finalizers', 'v:"a.io/x"'],
    ]);
    const v1 = toFieldsV1(set);
    expect(JSON.stringify(v1)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:finalizers': { 'v:"a.io/x"': {} }, 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } },
      }),
    );
    expect(fromFieldsV1(v1).equals(set)).toBe(true);
  });

  test('paths print as fieldpath.Path.String', () => {
    expect(
      pathString([
        'f:spec',
        'f:template',
        'f:spec',
        'f:containers',
        'k:{"name":"web"}',
        'f:ports',
        'k:{"containerPort":80,"protocol":"TCP"}',
      ]),
    ).toBe('.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]');
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });
});

describe('applyServerSide', () => {
  test('creates: owns exactly the applied fields, keyed lists by their keys, server metadata not owned', () => {
    const out = apply(
      undefined,
      deploy(
        { replicas: 2, ...podSpec([container({ ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] })]) },
        { labels: { app: 'web' }, finalizers: ['a.io/x'] },
      ),
      'mgr',
    );
    const e = entry(out, 'mgr')!;
    expect(e).toMatchObject({ manager: 'mgr', operation: 'Apply', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1' });
    const c = (e.fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}'];
    expect(c['.']).toEqual({});
    expect(c['f:image']).toEqual({});
    // A port without protocol is keyed with the schema default.
    expect(c['f:ports']['k:{"containerPort":80,"protocol":"TCP"}']).toEqual({ '.': {}, 'f:containerPort': {} });
    expect(c['f:env']['k:{"name":"A"}']).toEqual({ '.': {}, 'f:name': {}, 'f:value': {} });
    expect((e.fieldsV1 as any)['f:metadata']).toEqual({ 'f:finalizers': { 'v:"a.io/x"': {} }, 'f:labels': { 'f:app': {} } });
    expect(e.fieldsV1).not.toHaveProperty('f:apiVersion');
    expect(e.fieldsV1).not.toHaveProperty('f:kind');
    // selector is an atomic struct (+structType=atomic): owned as a whole.
    expect((e.fieldsV1 as any)['f:spec']['f:selector']).toEqual({});
  });

  test('second apply changes a field, removes one it dropped, merges containers by name', () => {
    const first = apply(
      undefined,
      deploy({
        replicas: 2,
        ...podSpec([
          container({
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          }),
        ]),
      }),
      'mgr',
    );
    const second = apply(first, deploy({ replicas: 3, ...podSpec([container({ env: [{ name: 'B', value: '3' }] })]) }), 'mgr', { now: T2 });
    expect((second.spec as any).replicas).toBe(3);
    const c = (second.spec as any).template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0].env).toEqual([{ name: 'B', value: '3' }]);
    expect(entry(second, 'mgr')!.time).toBe(T2);
  });

  test('a field dropped by one applier stays when another manager owns it too', () => {
    const a = apply(undefined, deploy({ replicas: 2, ...podSpec([container()]) }, { labels: { shared: 'x', onlyA: 'y' } }), 'a');
    const b = apply(a, deploy({}, { labels: { shared: 'x' } }), 'b', { now: T2 });
    expect(entry(b, 'a')).toBeDefined();
    const a2 = apply(b, deploy({ replicas: 2, ...podSpec([container()]) }, {}), 'a', { now: T3 });
    expect(a2.metadata.labels).toEqual({ shared: 'x' });
    // b still owns it; a owns no labels any more.
    expect((entry(a2, 'b')!.fieldsV1 as any)['f:metadata']['f:labels']).toEqual({ 'f:shared': {} });
    expect((entry(a2, 'a')!.fieldsV1 as any)['f:metadata']).toBeUndefined();
  });

  test('a field released by its applier is kept when an updater owns it', () => {
    const a = apply(undefined, deploy({ replicas: 2, ...podSpec([container()]) }), 'a');
    const edited = structuredClone(a);
    (edited.spec as any).template.spec.containers[0].image = 'nginx:2';
    edited.metadata.managedFields = recordUpdate({
      old: a,
      updated: edited,
      manager: 'kubectl-edit',
      schema,
      definition: DEPLOY,
      apiVersion: 'apps/v1',
      now: T2,
    });
    // a no longer sets the image (drops it) but the editor owns it: it stays.
    const a2 = apply(edited, deploy({ replicas: 2, ...podSpec([{ name: 'web' }]) }), 'a', { now: T3 });
    expect((a2.spec as any).template.spec.containers[0].image).toBe('nginx:2');
  });

  test('conflict with another applier, then force takes ownership', () => {
    const a = apply(undefined, deploy({ replicas: 2 }), 'a');
    const err = conflictOf(() => apply(a, deploy({ replicas: 5 }), 'b'));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.replicas');
    expect(err.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }]);
    const forced = apply(a, deploy({ replicas: 5 }), 'b', { force: true, now: T2 });
    expect((forced.spec as any).replicas).toBe(5);
    expect(entry(forced, 'a')).toBeUndefined(); // a owned nothing else
    expect((entry(forced, 'b')!.fieldsV1 as any)['f:spec']).toEqual({ 'f:replicas': {} });
  });

  test('same value from a second applier is shared ownership, not a conflict', () => {
    const a = apply(undefined, deploy({ replicas: 2 }), 'a');
    const b = apply(a, deploy({ replicas: 2 }), 'b', { now: T2 });
    expect(entry(b, 'a')).toBeDefined();
    expect(entry(b, 'b')).toBeDefined();
  });

  test('conflicts with updaters name the apiVersion; several conflicts are listed by manager', () => {
    const base = apply(undefined, deploy({ replicas: 2, minReadySeconds: 1 }), 'a');
    const upd = structuredClone(base);
    (upd.spec as any).minReadySeconds = 9;
    upd.metadata.managedFields = recordUpdate({
      old: base,
      updated: upd,
      manager: 'kubectl-edit',
      schema,
      definition: DEPLOY,
      apiVersion: 'apps/v1',
      now: T2,
    });
    const err = conflictOf(() => apply(upd, deploy({ replicas: 3, minReadySeconds: 4 }), 'b'));
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\nconflicts with "kubectl-edit" using apps/v1:\n- .spec.minReadySeconds',
    );
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.minReadySeconds']);
  });

  test('ports merge by containerPort+protocol: a UDP port beside a TCP one on the same number', () => {
    const a = apply(undefined, deploy(podSpec([container({ ports: [{ containerPort: 53, protocol: 'TCP' }] })])), 'a');
    const b = apply(a, deploy(podSpec([{ name: 'web', ports: [{ containerPort: 53, protocol: 'UDP' }] }])), 'b', { now: T2 });
    expect((b.spec as any).template.spec.containers[0].ports).toEqual([
      { containerPort: 53, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
  });

  test('atomic lists are replaced and owned whole; a change by another manager conflicts on the list', () => {
    const a = apply(undefined, deploy(podSpec([container({ args: ['x', 'y'] })])), 'a');
    const e = entry(a, 'a')!.fieldsV1 as any;
    expect(e['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:args']).toEqual({});
    const err = conflictOf(() => apply(a, deploy(podSpec([{ name: 'web', args: ['z'] }])), 'b'));
    expect(err.details?.causes?.[0].field).toBe('.spec.template.spec.containers[name="web"].args');
  });

  test('sets (finalizers) merge by value and are pruned per value', () => {
    const a = apply(undefined, deploy({}, { finalizers: ['a.io/x'] }), 'a');
    const b = apply(a, deploy({}, { finalizers: ['b.io/y'] }), 'b', { now: T2 });
    expect(b.metadata.finalizers).toEqual(['a.io/x', 'b.io/y']);
    const a2 = apply(b, deploy({}, {}), 'a', { now: T3 });
    expect(a2.metadata.finalizers).toEqual(['b.io/y']);
  });

  test('pruning keeps what any of 20,000 other managers owns, and drops the rest of 40,000 fields quickly', () => {
    const cm = (data: Record<string, string>): KObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'd' },
      data,
    });
    const opts = { definition: CM, apiVersion: 'v1' };
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}`);
    const live = apply(undefined, cm(Object.fromEntries(keys.map((k) => [k, 'v']))), 'me', opts);
    // 20,000 updaters, the last of them owning data.k7 as well
    const others = Array.from({ length: 20_000 }, (_, i) => ({
      manager: `m${i}`,
      operation: 'Update' as const,
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { [`f:l${i}`]: {} } }, ...(i === 19_999 ? { 'f:data': { 'f:k7': {} } } : {}) },
    }));
    live.metadata.managedFields!.push(...others);
    const started = Date.now();
    const out = apply(live, cm({ other: 'x' }), 'me', { ...opts, now: T2 });
    // each path asked every manager's set: 6.5 s for 16,000 managers and fields
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out.data).toEqual({ k7: 'v', other: 'x' });
  });

  test('containers added by another applier are kept; own removed container is dropped', () => {
    const a = apply(undefined, deploy(podSpec([container(), { name: 'side', image: 'busybox' }])), 'a');
    const b = apply(a, deploy(podSpec([{ name: 'extra', image: 'redis' }])), 'b', { now: T2 });
    expect((b.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'side', 'extra']);
    const a2 = apply(b, deploy(podSpec([container()])), 'a', { now: T3 });
    expect((a2.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'extra']);
  });

  test('status is never owned on the main resource; a no-op apply keeps the time', () => {
    const a = apply(undefined, { ...deploy({ replicas: 1 }), status: { replicas: 1 } }, 'a');
    expect((entry(a, 'a')!.fieldsV1 as any)['f:status']).toBeUndefined();
    const again = apply(a, deploy({ replicas: 1 }), 'a', { now: T2 });
    expect(again.metadata.managedFields).toEqual(a.metadata.managedFields);
  });

  test('kubectl may take over fields its client-side apply set (last-applied annotation)', () => {
    const cfg = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    const live: KObject = {
      ...structuredClone(cfg),
      metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(cfg) } },
    };
    live.metadata.managedFields = recordUpdate({
      updated: live,
      manager: 'kubectl-client-side-apply',
      schema,
      definition: CM,
      apiVersion: 'v1',
      now: T1,
    });
    const opts = { definition: CM, apiVersion: 'v1', now: T2 };
    expect(conflictOf(() => apply(live, { ...cfg, data: { k: 'w' } }, 'other', opts)).code).toBe(409);
    const out = apply(live, { ...cfg, data: { k: 'w' } }, 'kubectl', opts);
    expect(out.data).toEqual({ k: 'w' });
    expect(JSON.parse(out.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).data).toEqual({ k: 'w' });
  });
});

describe('recordUpdate', () => {
  const cm = (data: Record<string, string>, extra: Partial<KObject['metadata']> = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', uid: 'u', resourceVersion: '1', ...extra },
    data,
  });
  const rec = (old: KObject | undefined, updated: KObject, manager: string, now = T1, subresource?: string) =>
    recordUpdate({ old, updated, manager, schema, definition: CM, apiVersion: 'v1', now, subresource });

  test('create owns every set field (not server metadata)', () => {
    const mf = rec(undefined, cm({ a: '1' }, { labels: { x: 'y' } }), 'kubectl-create')!;
    expect(mf).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
      },
    ]);
  });

  test('an update takes changed fields from other managers and keeps unchanged ones with them', () => {
    const old = cm({ a: '1', b: '2' });
    old.metadata.managedFields = rec(undefined, old, 'creator');
    const upd = cm({ a: '9', b: '2', c: '3' });
    upd.metadata.managedFields = old.metadata.managedFields;
    const mf = rec(old, upd, 'editor', T2)!;
    const creator = mf.find((e) => e.manager === 'creator')!;
    const editor = mf.find((e) => e.manager === 'editor')!;
    expect(creator.fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });
    expect(editor.fieldsV1).toEqual({ 'f:data': { 'f:a': {}, 'f:c': {} } });
    expect(mf.map((e) => e.manager)).toEqual(['creator', 'editor']); // sorted by time
  });

  test('a no-op update returns the stored entries untouched', () => {
    const old = cm({ a: '1' });
    old.metadata.managedFields = rec(undefined, old, 'creator');
    expect(rec(old, structuredClone(old), 'editor', T3)).toEqual(old.metadata.managedFields);
  });

  test('managedFields written by the request are kept; [] keeps the stored ones; [{}] clears', () => {
    const old = cm({ a: '1' });
    old.metadata.managedFields = rec(undefined, old, 'kubectl-client-side-apply');
    const migrated: ManagedFieldsEntry[] = [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ];
    expect(rec(old, { ...structuredClone(old), metadata: { ...old.metadata, managedFields: migrated } }, 'kubectl', T2)).toEqual(migrated);
    expect(rec(old, { ...structuredClone(old), metadata: { ...old.metadata, managedFields: [] } }, 'x', T2)).toEqual(
      old.metadata.managedFields,
    );
    expect(rec(old, { ...structuredClone(old), metadata: { ...old.metadata, managedFields: [{}] } }, 'x', T2)).toBeUndefined();
  });

  test('status subresource writes are recorded with the subresource', () => {
    const old: KObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } };
    const upd = { ...structuredClone(old), status: { replicas: 1 } };
    const mf = recordUpdate({
      old,
      updated: upd,
      manager: 'ctrl',
      schema,
      definition: DEPLOY,
      apiVersion: 'apps/v1',
      now: T1,
      subresource: 'status',
    })!;
    expect(mf).toEqual([
      expect.objectContaining({ manager: 'ctrl', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } }),
    ]);
  });

  test('manager names default from the User-Agent', () => {
    expect(managerFromUserAgent(undefined, 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl');
    expect(managerFromUserAgent(undefined, 'kubectl.1.33/v1.33.1 (linux/amd64)')).toBe('kubectl.1.33');
    expect(managerFromUserAgent('mine', 'kubectl/v1')).toBe('mine');
    expect(managerFromUserAgent(undefined, undefined)).toBe('unknown');
  });
});
