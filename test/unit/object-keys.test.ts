// Object keys are data in every layer that handles them: names JavaScript objects inherit (`constructor`,
// `toString`, `__proto__`...) are found only where the data has them and written as ordinary members.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Buffer } from 'node:buffer';
import { applyPatch, loadSchemaLookup, strategicMergePatch } from '../../src/machinery/patch/index.js';
import { mergePatch } from '../../src/machinery/patch/merge-patch.js';
import { applyServerSide } from '../../src/machinery/apply/apply.js';
import { ownValue, setOwn } from '../../src/machinery/own-keys.js';
import { findUnknownFields, pruneUnknownFields } from '../../src/openapi/field-validation.js';
import { definitionsFile } from '../../src/openapi/definitions.js';
import { parseQuantity } from '../../src/machinery/api/quantity.js';
import { protobufMessageFor } from '../../src/protobuf/schema.js';
import { buildEnv } from '../../src/translate/env.js';
import { volumePlan } from '../../src/translate/volume-plan.js';
import { containerMounts } from '../../src/translate/mounts.js';
import { httpProbe } from '../../src/reconcilers/kubelet/probes/http-probe.js';
import type { Container, Pod } from '../../src/translate/k8s-types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
const schema = loadSchemaLookup(definitionsFile());
const CM_DEF = 'io.k8s.api.core.v1.ConfigMap';
const ctx = { schema, definition: CM_DEF };
/** An object with each name as an own member (Object.fromEntries defines, never sets a prototype). */
const members = (value: (k: string) => unknown, keys = NAMES) =>
  Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<string, unknown>;
const sortedKeys = (o: unknown) => Object.keys(o as object).sort();
const cm = (data: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data }) as KObject;

test('own-keys helpers: inherited members are absent, __proto__ is set as a member', () => {
  const o: Record<string, unknown> = {};
  for (const k of NAMES) expect(ownValue(o, k)).toBeUndefined();
  setOwn(o, '__proto__', { polluted: true });
  expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  expect(Object.keys(o)).toEqual(['__proto__']);
  expect(ownValue(o, '__proto__')).toEqual({ polluted: true });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('patches', () => {
  test('merge patch sets and removes every name, without touching prototypes', () => {
    const set = mergePatch(cm({ a: '1' }), { data: members((k) => `v-${k}`) }) as KObject;
    expect(sortedKeys(set.data)).toEqual(['a', ...NAMES].sort());
    for (const k of NAMES) expect(ownValue(set.data, k)).toBe(`v-${k}`);
    const removed = mergePatch(set, { data: members(() => null) }) as KObject;
    expect(removed.data).toEqual({ a: '1' });
    // A member named hasOwnProperty in the target does not break the merge.
    expect(mergePatch({ hasOwnProperty: 'x', b: 1 }, { b: null })).toEqual({ hasOwnProperty: 'x' });
  });

  test('JSON patch: add, test, replace, move, copy and remove on such names; a missing one is a 422', () => {
    let obj: object = cm({ a: '1' });
    for (const k of NAMES) {
      obj = applyPatch(
        'application/json-patch+json',
        obj,
        JSON.stringify([
          { op: 'add', path: `/data/${k}`, value: 'x' },
          { op: 'test', path: `/data/${k}`, value: 'x' },
          { op: 'replace', path: `/data/${k}`, value: `y-${k}` },
          { op: 'copy', from: `/data/${k}`, path: `/data/copy-${k}` },
          { op: 'move', from: `/data/copy-${k}`, path: '/data/moved' },
          { op: 'remove', path: '/data/moved' },
        ]),
        ctx,
      );
    }
    expect(sortedKeys((obj as KObject).data)).toEqual(['a', ...NAMES].sort());
    for (const k of NAMES) expect(ownValue((obj as KObject).data, k)).toBe(`y-${k}`);
    for (const op of [
      { op: 'remove', path: '/metadata/constructor' },
      { op: 'replace', path: '/metadata/toString', value: 'x' },
      { op: 'test', path: '/metadata/valueOf', value: null },
      { op: 'add', path: '/metadata/__proto__/polluted', value: 1 },
    ]) {
      expect(() => applyPatch('application/json-patch+json', cm({}), JSON.stringify([op]), ctx)).toThrow(
        expect.objectContaining({ code: 422 }),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('strategic merge patch: map members and $setElementOrder / $deleteFromPrimitiveList on such names', () => {
    const out = strategicMergePatch(cm({ a: '1' }), { data: members((k) => `v-${k}`) }, schema, CM_DEF) as KObject;
    expect(sortedKeys(out.data)).toEqual(['a', ...NAMES].sort());
    const gone = strategicMergePatch(out, { data: members(() => null) }, schema, CM_DEF) as KObject;
    expect(gone.data).toEqual({ a: '1' });
    // Directives on a field of that name: there is no such list, so nothing is merged or deleted.
    expect(
      strategicMergePatch({ a: 1 }, { '$setElementOrder/constructor': [], '$deleteFromPrimitiveList/toString': ['x'] }, schema, CM_DEF),
    ).toEqual({ a: 1 });
  });
});

describe('server-side apply', () => {
  const base = { schema, definition: CM_DEF, apiVersion: 'v1', now: '2024-01-01T00:00:00Z', force: false };

  test('owns, merges and prunes such data keys', () => {
    const first = applyServerSide({ ...base, manager: 'm', applied: cm(members((k) => `v-${k}`)) });
    expect(sortedKeys(first.data)).toEqual([...NAMES].sort());
    expect(sortedKeys((first.metadata.managedFields![0].fieldsV1 as Record<string, object>)['f:data'])).toEqual(
      NAMES.map((k) => `f:${k}`).sort(),
    );
    const second = applyServerSide({ ...base, manager: 'm', live: first, applied: cm(members((k) => `w-${k}`, ['__proto__', 'valueOf'])) });
    expect(sortedKeys(second.data)).toEqual(['__proto__', 'valueOf']);
    expect(ownValue(second.data, '__proto__')).toBe('w-__proto__');
    // A live object with a member the configuration lacks keeps it (and the merge never reads Object's).
    const other = applyServerSide({ ...base, manager: 'other', live: first, applied: cm({ b: '1' }) });
    expect(sortedKeys(other.data)).toEqual(['b', ...NAMES].sort());
  });
});

describe('field validation', () => {
  const GVK = { group: '', version: 'v1', kind: 'ConfigMap' };
  test('unknown fields named like inherited members are unknown, and pruned; data keys are kept', () => {
    const obj = JSON.parse(
      `{"metadata":{"name":"c","constructor":1,"__proto__":{"x":1}},"toString":1,"data":{"constructor":"k","__proto__":"k"}}`,
    );
    expect(findUnknownFields(GVK, obj)).toEqual(['metadata.constructor', 'metadata.__proto__', 'toString']);
    pruneUnknownFields(GVK, obj);
    expect(obj.metadata).toEqual({ name: 'c' });
    expect(sortedKeys(obj)).toEqual(['data', 'metadata']);
    expect(sortedKeys(obj.data)).toEqual(['__proto__', 'constructor']);
  });
});

describe('values looked up in tables', () => {
  test('a quantity suffix named like an inherited member is not a unit', () => {
    for (const k of NAMES) expect(parseQuantity(`1${k}`)).toBeNull();
    expect(parseQuantity('1Ki')).not.toBeNull();
  });

  test('a protobuf envelope naming an inherited member has no wire type', () => {
    expect(protobufMessageFor('constructor', 'name')).toBeUndefined();
    expect(protobufMessageFor('v1', 'constructor')).toBeUndefined();
    expect(protobufMessageFor('v1', 'ConfigMap')).toBe('k8s.io.api.core.v1.ConfigMap');
  });
});

describe('pods: env, downward API and volumes', () => {
  const pod = (containers: Container[], volumes: NonNullable<Pod['spec']['volumes']> = []): Pod => ({
    metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { app: 'x' } },
    spec: { containers, volumes },
  });
  const data = Object.fromEntries([
    ['present', 'yes'],
    ['__proto__', 'proto value'],
  ]) as Record<string, string>;
  const src = { configMap: () => ({ data }) };

  test('a configMapKeyRef to a missing key named like an inherited member is missing', () => {
    const c: Container = { name: 'c', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cm', key: 'constructor' } } }] };
    expect(() => buildEnv(pod([c]), c, src)).toThrow("couldn't find key constructor in ConfigMap ns/cm");
    const p: Container = { name: 'c', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cm', key: '__proto__' } } }] };
    expect(buildEnv(pod([p]), p, src).env.get('K')).toBe('proto value');
  });

  test("a fieldRef to metadata.labels['constructor'] is empty when there is no such label", () => {
    const c: Container = { name: 'c', env: [{ name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['constructor']" } } }] };
    expect(buildEnv(pod([c]), c, src).env.get('L')).toBe('');
  });

  test('configMap volume: a key named __proto__ is a file; an item naming a missing inherited member fails', () => {
    const plan = volumePlan(pod([{ name: 'c' }], [{ name: 'v', configMap: { name: 'cm' } }]), { podDir: '/pods/u', ...src });
    const files = plan.hostDirs.find((d) => d.volume === 'v')!.files;
    expect(sortedKeys(files)).toEqual(['__proto__', 'present']);
    expect(Buffer.from(ownValue<{ content: Buffer }>(files, '__proto__')!.content).toString()).toBe('proto value');
    expect(() =>
      volumePlan(pod([{ name: 'c' }], [{ name: 'v', configMap: { name: 'cm', items: [{ key: 'toString', path: 't' }] } }]), {
        podDir: '/pods/u',
        ...src,
      }),
    ).toThrow('configmap references non-existent config key: toString');
  });

  test('a volumeMount named like an inherited member needs a volume of that name; a bad propagation is none', () => {
    const plan = volumePlan(pod([{ name: 'c' }], [{ name: 'constructor', emptyDir: {} }]), { podDir: '/pods/u' });
    const mounts = containerMounts(
      { name: 'c', volumeMounts: [{ name: 'constructor', mountPath: '/a', mountPropagation: 'toString' }] },
      plan,
      new Map(),
    );
    // Besides the kubelet-managed /etc/hosts every container gets, the one mount of the volume named `constructor`.
    expect(mounts.Mounts?.filter((m) => m.Target !== '/etc/hosts')).toEqual([
      expect.objectContaining({ Target: '/a', Source: 'dockube-u-constructor' }),
    ]);
    expect(JSON.stringify(mounts)).not.toContain('function');
    const none = volumePlan(pod([{ name: 'c' }]), { podDir: '/pods/u' });
    expect(() => containerMounts({ name: 'c', volumeMounts: [{ name: 'toString', mountPath: '/a' }] }, none, new Map())).toThrow(
      'cannot find volume "toString" to mount into container "c"',
    );
  });

  test('httpGet probe headers named like inherited members are sent', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const out = await httpProbe(
        {
          scheme: 'http',
          host: '127.0.0.1',
          port,
          path: '/',
          headers: [
            { name: 'constructor', value: 'c' },
            { name: '__proto__', value: 'p' },
          ],
        },
        2000,
      );
      expect(out.result).toBe('success');
      expect(seen[0]).toMatchObject({ constructor: 'c', __proto__: 'p' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
