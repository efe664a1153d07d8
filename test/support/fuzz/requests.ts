// Fuzzed requests. "Poison" requests carry at least one thing the apiserver must refuse (a malformed DeleteOptions,
// a patch whose result does not decode or renames the object, invalid options, a bad path escape, an immortal
// namespace...): they may aim at the canary objects, and anything but a 4xx is a failure. "Chaos" requests mix
// everything at random (any verb, path, subresource, query, header and body) and aim only at scratch objects:
// any status below 500 is fine, as long as errors are Status bodies.
import type { ResourceDef } from '../../../src/registry/types.js';
import type { Prng } from './prng.js';
import { JSON_TYPE, PROTOBUF_TYPE, YAML_TYPE, anyBody, aliasYaml, brokenJson, protobufBody, yamlBody, type Body } from './bodies.js';
import { PROTO_KEYS, Raw, anyValue, baseObject, deepJson, key, mutate, obj, scalar, toJson, type Value } from './values.js';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Must be refused (4xx). */
  poison: boolean;
  /** Which generator made it (for failure reports). */
  label: string;
}

export interface Target {
  def: ResourceDef;
  namespace?: string;
  name: string;
}

export interface FuzzWorld {
  defs: ResourceDef[];
  canaries: Target[];
  canaryNamespaces: string[];
  scratchNamespaces: string[];
}

const apiVersionOf = (d: ResourceDef) => (d.group ? `${d.group}/${d.version}` : d.version);
export const collectionPath = (d: ResourceDef, namespace?: string) =>
  `${d.group ? `/apis/${d.group}` : '/api'}/${d.version}/${d.namespaced && namespace ? `namespaces/${encodeURIComponent(namespace)}/` : ''}${d.plural}`;
export const objectPath = (t: Target, sub?: string) =>
  `${collectionPath(t.def, t.namespace)}/${encodeURIComponent(t.name)}${sub ? `/${sub}` : ''}`;

const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

const TOKENS: readonly (readonly [number, string | undefined])[] = [
  [80, 'admin'],
  [6, 'viewer'],
  [6, 'sa'],
  [3, 'monitoring'],
  [3, undefined],
  [2, 'bogus'],
];
const ACCEPTS = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  '*/*',
  'text/html',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/json;as=Bogus;v=v9;g=x',
  ';;;',
  'application/json;stream=watch',
];
const SUBRESOURCES = [
  'status',
  'scale',
  'binding',
  'eviction',
  'log',
  'exec',
  'attach',
  'token',
  'finalize',
  'portforward',
  'proxy',
  'bogus',
  '%zz',
  '..',
  '',
];
// What labels.Parse refuses (`in` alone is a key, `a!=` compares with "": both valid).
const BAD_SELECTORS = [
  'a in (',
  'a=b=c',
  '!',
  ',',
  'a,,b',
  'a in (b',
  'a notin',
  'a > x',
  '!!a',
  `${'k'.repeat(64)}`,
  `a=${'v'.repeat(64)}`,
  'x/y/z',
  '=x',
  'a in (b,c',
  '(a)',
];
const SELECTORS = [
  'fz',
  '!fz',
  'fz=yes',
  'fz in (yes,no)',
  'app notin ()',
  'a in ()',
  'app>1',
  'tier<5',
  'fz,app',
  'in',
  'a!=',
  ...BAD_SELECTORS,
];
const FIELD_SELECTORS = [
  'metadata.name=x',
  'metadata.namespace!=y',
  'metadata.foo=x',
  'status.phase=Running',
  'spec.nodeName=',
  'a==b==c',
  '=',
  'metadata.name',
  ',',
  'metadata.name in (x)',
];
const BAD_INTS = ['abc', '1.5', '1e3', '99999999999999999999', '-99999999999999999999', '', ' 1', '0x10', '+', '--1', '٣'];
const INTS = ['0', '1', '-1', '5', '9223372036854775807', '-9223372036854775808', ...BAD_INTS];

function queryString(params: [string, string][]): string {
  return params.length ? `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
}

/** Random query parameters from the apiserver's vocabulary, with random and malformed values. */
function randomQuery(r: Prng, n = r.range(0, 4)): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      r.pick<() => [string, string]>([
        () => ['labelSelector', r.pick(SELECTORS)],
        () => ['fieldSelector', r.pick(FIELD_SELECTORS)],
        () => ['limit', r.pick(INTS)],
        () => [
          'continue',
          r.pick([
            '',
            'abc',
            Buffer.from('{"v":"meta.k8s.io/v1","rv":"x"}').toString('base64url'),
            Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"/"}').toString('base64url'),
          ]),
        ],
        () => ['resourceVersion', r.pick(['0', '1', '', 'abc', '-1', '99999999999', '1e3'])],
        () => ['resourceVersionMatch', r.pick(['NotOlderThan', 'Exact', 'Bogus', ''])],
        () => ['timeoutSeconds', r.pick(INTS)],
        () => ['allowWatchBookmarks', r.pick(['true', 'false', 'x'])],
        () => ['fieldValidation', r.pick(['Strict', 'Warn', 'Ignore', '', 'Bogus', 'strict'])],
        () => ['fieldManager', r.pick(['fz', '', 'x'.repeat(129), 'a\u0007b', 'ü'.repeat(70)])],
        () => ['dryRun', r.pick(['All', 'None', '', 'all'])],
        () => ['force', r.pick(['true', 'false', 'yes'])],
        () => ['gracePeriodSeconds', r.pick(INTS)],
        () => ['propagationPolicy', r.pick(['Orphan', 'Background', 'Foreground', 'Bogus', ''])],
        () => ['orphanDependents', r.pick(['true', 'false', 'x'])],
        () => ['includeObject', r.pick(['None', 'Object', 'Metadata', 'Bogus'])],
        () => ['pretty', 'true'],
        () => ['watch', r.pick(['true', '1', 'false'])],
        () => ['follow', 'true'],
        () => ['tailLines', r.pick(INTS)],
        () => ['container', r.pick(['c', 'nope', ''])],
        () => ['command', r.pick(['sh', '', 'true'])],
        () => ['stdout', 'true'],
        () => [key(r), r.string(3)],
      ])(),
    );
  }
  // Watches and follows end on their own.
  if (out.some(([k, v]) => (k === 'watch' && v !== 'false') || k === 'follow')) out.push(['timeoutSeconds', '1']);
  return out;
}

function randomHeaders(r: Prng, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = r.weighted(TOKENS);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  if (r.chance(0.3)) headers.Accept = r.pick(ACCEPTS);
  return headers;
}

const admin = (contentType?: string): Record<string, string> => ({
  Authorization: 'Bearer admin',
  ...(contentType !== undefined ? { 'Content-Type': contentType } : {}),
});

/** A bent object of the kind, as a body of a random content type. */
function objectBody(r: Prng, def: ResourceDef, name: string, namespace?: string): Body {
  const o = baseObject(def.kind, apiVersionOf(def), name, namespace);
  const v = r.chance(0.85) ? mutate(r, o) : o;
  return anyBody(r, apiVersionOf(def), def.kind, v);
}

// ---- poison: what must be refused ----

/** DeleteOptions bodies the apiserver must refuse: type errors, other kinds, invalid values, syntax errors. */
function badDeleteOptions(r: Prng, collection = false): Body {
  const nonInt = () => r.pick<Value>(['x', new Raw('1.5'), true, [], {}, new Raw('1e400'), new Raw('99999999999999999999')]);
  const nonObject = () => r.pick<Value>(['x', 1, [], true]);
  const v = r.pick<() => Value>([
    () => ({ gracePeriodSeconds: nonInt() }),
    () => ({ preconditions: nonObject() }),
    () => ({ preconditions: { uid: r.pick<Value>([1, {}, [], true]) } }),
    // A 409, where there is an object to check it against.
    () => (collection ? { preconditions: 'x' } : { preconditions: { uid: `not-${r.string(8)}` } }),
    () => ({ propagationPolicy: r.pick<Value>([1, {}, [], true, 'Bogus', '', 'orphan']) }),
    () => ({ orphanDependents: r.pick<Value>(['true', 1, {}, []]) }),
    () => ({ dryRun: r.pick<Value>(['All', [1], ['Nope'], {}, ['All', 'x']]) }),
    () => ({ orphanDependents: r.chance(0.5), propagationPolicy: r.pick(['Orphan', 'Background', 'Foreground']) }),
    () => ({
      kind: r.pick(['Pod', 'ConfigMap', 'ListOptions', 'Status', 'deleteoptions', 'X']),
      apiVersion: r.pick(['v1', 'meta.k8s.io/v1', 'apps/v1']),
    }),
    () => ({ apiVersion: r.pick(['a/b/c', 'x/y/z/w']) }),
    () => ({ kind: r.pick<Value>([5, [], {}, true]) }),
    () => nonObject(),
  ])();
  // Prototype-named and unknown members ride along; they change nothing.
  const withNoise =
    v !== null && typeof v === 'object' && !Array.isArray(v) && r.chance(0.4)
      ? { ...(v as object), ...obj([[r.pick(PROTO_KEYS), anyValue(r)]]) }
      : v;
  return r.weighted<() => Body>([
    [6, () => ({ contentType: JSON_TYPE, data: Buffer.from(toJson(withNoise)) })],
    [1, () => ({ contentType: JSON_TYPE, data: Buffer.from(brokenJson(r, withNoise) || '{') })],
    [2, () => ({ contentType: YAML_TYPE, data: Buffer.from(toJson(withNoise)) })],
    [1, () => ({ contentType: PROTOBUF_TYPE, data: protobufBody(r, 'meta.k8s.io/v1', r.pick(['Pod', 'ConfigMap']), withNoise) })],
  ])();
}

/** A merge/strategic patch whose result cannot decode into the kind, or renames, moves or re-identifies the object. */
function badMergePatch(r: Prng, t: Target): Value {
  const notObject = () => r.pick<Value>(['str', 5, [1], true]);
  const notString = () => r.pick<Value>([5, true, [], {}, new Raw('1.5')]);
  const perKind: Record<string, () => Value> = {
    ConfigMap: () => ({ data: r.chance(0.5) ? notObject() : obj([[key(r), notString()]]) }),
    Secret: () => ({ data: r.chance(0.5) ? notObject() : obj([[key(r), notString()]]) }),
    Pod: () => ({ spec: { containers: notObject() } }),
    Deployment: () => ({ spec: { replicas: r.pick<Value>(['x', [], {}, new Raw('1.5')]) } }),
  };
  return r.pick<() => Value>([
    () => ({ metadata: notObject() }),
    () => ({ metadata: { labels: notObject() } }),
    () => ({ metadata: { labels: obj([[key(r), notString()]]) } }),
    () => ({ metadata: { annotations: obj([[key(r), notString()]]) } }),
    () => ({ metadata: { finalizers: r.pick<Value>(['x', 5, {}]) } }),
    () => ({ metadata: { name: `renamed-${r.string(4)}` } }),
    () => ({ metadata: { uid: `uid-${r.string(6)}` } }),
    () => ({ metadata: { labels: { 'bad key!': 'x' } } }), // 422 from validation
    () => ({ metadata: { labels: obj([['ok', deepJson(r.range(50, 3000), 'object')]]) } }),
    () => ({ kind: r.pick<Value>(['Other', 5]) }),
    () => ({ apiVersion: r.pick<Value>(['v9', 'apps/v2', 7]) }),
    ...(t.namespace ? [() => ({ metadata: { namespace: r.pick(['elsewhere', 'kube-system']) } })] : []),
    perKind[t.def.kind] ?? (() => ({ metadata: notObject() })),
  ])();
}

function poisonPatch(r: Prng, t: Target): FuzzRequest {
  const label = 'poison-patch';
  const path = objectPath(t);
  const kind = r.weighted<() => FuzzRequest>([
    [
      5,
      () => {
        const v = badMergePatch(r, t);
        const noisy =
          r.chance(0.3) && v && typeof v === 'object' && !Array.isArray(v)
            ? { ...(v as object), ...obj([[r.pick(PROTO_KEYS), anyValue(r)]]) }
            : v;
        return {
          method: 'PATCH',
          path: path + queryString(r.chance(0.3) ? [['fieldValidation', r.pick(['Strict', 'Warn', 'Ignore'])]] : []),
          headers: admin(r.pick([MERGE, SMP])),
          body: Buffer.from(toJson(noisy)),
          poison: true,
          label,
        };
      },
    ],
    [
      2,
      () => {
        const ops = r.pick<() => Value>([
          () => [{ op: 'replace', path: '/metadata', value: scalar(r) ?? 1 }],
          () => [{ op: 'add', path: '/metadata/labels', value: r.pick<Value>([5, 'x', [1]]) }],
          () => [{ op: 'remove', path: '/metadata/name' }],
          () => [{ op: 'replace', path: '/metadata/name', value: `other-${r.string(3)}` }],
          () => [{ op: r.pick(['bogus', 'move', 'copy']), path: '/nope/x', from: '/also/nope' }],
          () => [
            { op: 'test', path: '/metadata/name', value: 'definitely-not' },
            { op: 'add', path: '/data', value: {} },
          ],
          () => [
            { op: 'add', path: `/${r.pick(PROTO_KEYS)}/polluted`, value: 1 },
            { op: 'replace', path: '/metadata', value: 'x' },
          ],
          () => ({ op: 'add' }),
        ])();
        return { method: 'PATCH', path, headers: admin(JSONPATCH), body: Buffer.from(toJson(ops)), poison: true, label };
      },
    ],
    [
      1,
      () => {
        // Documents each patch type refuses (an empty JSON patch or a null strategic patch would be no-ops, not errors).
        const type = r.pick([MERGE, SMP, JSONPATCH]);
        const docs = {
          [MERGE]: ['[]', '"x"', '1', 'null', '{', '{"a":}', ''],
          [SMP]: ['{', '{"a":}', '', '{"a":1}}'],
          [JSONPATCH]: ['"x"', '1', 'null', '{}', '{', '[', ''],
        }[type]!;
        return { method: 'PATCH', path, headers: admin(type), body: Buffer.from(r.pick(docs)), poison: true, label: 'poison-patch-syntax' };
      },
    ],
    [
      1,
      () => ({
        method: 'PATCH',
        path,
        headers: admin(r.pick(['text/plain', 'application/json', YAML_TYPE, ''])),
        body: Buffer.from('{}'),
        poison: true,
        label: 'poison-patch-type',
      }),
    ],
  ]);
  return kind();
}

/** Query options no write may carry. */
function badWriteOptions(r: Prng, method: string, patchType?: string): [string, string][] {
  const dryRun = () => [['dryRun', r.pick(['None', 'all', 'x'])]] as [string, string][];
  // DeleteOptions carry no fieldValidation or fieldManager: those would be ignored, not refused.
  if (method === 'DELETE') {
    return r.pick<() => [string, string][]>([
      dryRun,
      () => [['gracePeriodSeconds', r.pick(BAD_INTS)]],
      () => [['propagationPolicy', r.pick(['Bogus', '', 'orphan'])]],
      () => [
        ['orphanDependents', 'true'],
        ['propagationPolicy', 'Background'],
      ],
    ])();
  }
  return r.pick<() => [string, string][]>([
    () => [['fieldValidation', r.pick(['Bogus', 'strict', 'WARN', ' Strict'])]],
    () => [['fieldManager', r.pick(['m'.repeat(r.range(129, 400)), 'a\u0007b', 'tab\there', 'nl\nx'])]],
    dryRun,
    ...(method === 'PATCH' && patchType !== APPLY ? [() => [['force', r.pick(['true', 'false'])]] as [string, string][]] : []),
  ])();
}

function poisonPut(r: Prng, t: Target, current: Record<string, unknown> | undefined): FuzzRequest {
  const label = 'poison-put';
  const base = current ? structuredClone(current) : baseObject(t.def.kind, apiVersionOf(t.def), t.name, t.namespace);
  const meta = (base.metadata ??= {}) as Record<string, unknown>;
  r.pick<() => void>([
    () => {
      delete meta.name;
    },
    () => {
      meta.name = `other-${r.string(4)}`;
    },
    () => {
      meta.uid = `uid-${r.string(6)}`;
    },
    () => {
      base.kind = r.pick(['Other', 'Pod', 'ConfigMap'].filter((k) => k !== t.def.kind));
    },
    () => {
      base.apiVersion = r.pick(['v9', 'apps/v2', 'x/y/z']);
    },
    () => {
      base.metadata = r.pick<Value>(['x', 5, []]);
    },
    () => {
      meta.labels = obj([[key(r), r.pick<Value>([5, true, {}, []])]]);
    },
    () => {
      meta.resourceVersion = '1';
    }, // stale: 409
    ...(t.namespace
      ? [
          () => {
            meta.namespace = 'elsewhere';
          },
        ]
      : []),
  ])();
  const body = r.chance(0.8)
    ? { contentType: JSON_TYPE, data: Buffer.from(toJson(base)) }
    : { contentType: YAML_TYPE, data: Buffer.from(toJson(base)) };
  return { method: 'PUT', path: objectPath(t), headers: admin(body.contentType), body: body.data, poison: true, label };
}

function poisonSubresource(r: Prng, t: Target, current: Record<string, unknown> | undefined): FuzzRequest | undefined {
  const { kind } = t.def;
  if (kind === 'Pod') {
    return r.pick<() => FuzzRequest>([
      () => {
        const b = r.pick<Value>([
          { metadata: { name: t.name }, target: { kind: r.pick(['Pod', 'node', 'Service']), name: 'n' } },
          { metadata: { name: t.name }, target: { kind: 'Node' } },
          { metadata: { name: `other-${r.string(3)}` }, target: { name: 'n' } },
          { metadata: { name: t.name }, target: { name: r.pick<Value>([5, [], {}]) } },
          { kind: 'Pod', metadata: { name: t.name }, target: { name: 'n' } },
          'x',
          [1],
        ]);
        return {
          method: 'POST',
          path: objectPath(t, 'binding'),
          headers: admin(JSON_TYPE),
          body: Buffer.from(toJson(b)),
          poison: true,
          label: 'poison-binding',
        };
      },
      () => {
        const b = r.pick<Value>([
          {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: t.name },
            deleteOptions: { gracePeriodSeconds: r.pick<Value>(['x', 1.5, {}]) },
          },
          { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: t.name }, deleteOptions: { preconditions: { uid: 'not-it' } } },
          { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: `other-${r.string(3)}` } },
          { apiVersion: 'policy/v2', kind: 'Eviction', metadata: { name: t.name } },
          { apiVersion: 'policy/v1', kind: 'Pod', metadata: { name: t.name } },
          { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: t.name }, deleteOptions: { dryRun: ['Nope'] } },
        ]);
        return {
          method: 'POST',
          path: objectPath(t, 'eviction'),
          headers: admin(JSON_TYPE),
          body: Buffer.from(toJson(b)),
          poison: true,
          label: 'poison-eviction',
        };
      },
      () => ({
        method: 'POST',
        path:
          objectPath(t, r.pick(['exec', 'attach'])) +
          queryString([
            ['command', 'sh'],
            ['stdout', 'true'],
          ]),
        headers: admin(),
        poison: true,
        label: 'poison-exec-plain',
      }),
      () => {
        // An upgrade: the pod runs nothing, so it is refused, with a Status, whatever the handshake says.
        const headers: Record<string, string> = { ...admin(), Connection: 'Upgrade', Upgrade: r.pick(['websocket', 'SPDY/3.1', 'h2c']) };
        if (r.chance(0.7)) headers['Sec-WebSocket-Key'] = r.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'short', '']);
        if (r.chance(0.7)) headers['Sec-WebSocket-Version'] = r.pick(['13', '8', '99']);
        if (r.chance(0.7))
          headers['Sec-WebSocket-Protocol'] = r.pick([
            'v5.channel.k8s.io',
            'v4.channel.k8s.io',
            'bogus',
            ',,',
            'base64url.bearer.authorization.k8s.io.YWRtaW4',
          ]);
        const q = queryString(
          r.chance(0.8)
            ? [
                ['command', 'true'],
                ['stdout', 'true'],
              ]
            : randomQuery(r),
        );
        return {
          method: r.pick(['GET', 'GET', 'POST']),
          path: objectPath(t, r.pick(['exec', 'attach'])) + q,
          headers,
          poison: true,
          label: 'poison-upgrade',
        };
      },
    ])();
  }
  if (kind === 'Deployment') {
    const scale = (o: Record<string, unknown>) => ({
      method: 'PUT',
      path: objectPath(t, 'scale'),
      headers: admin(JSON_TYPE),
      body: Buffer.from(toJson(o)),
      poison: true,
      label: 'poison-scale',
    });
    return r.pick<() => FuzzRequest>([
      () => scale({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: t.name }, spec: { replicas: 5 } }),
      () => scale({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: `other-${r.string(3)}` }, spec: { replicas: 5 } }),
      () =>
        scale({
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name: t.name },
          spec: { replicas: r.pick<Value>(['5', -1, 1.5, [], {}]) },
        }),
      () => ({
        method: 'PATCH',
        path: objectPath(t, 'scale'),
        headers: admin(MERGE),
        body: Buffer.from(
          toJson(
            r.pick<Value>([{ spec: { replicas: 'x' } }, { metadata: { name: 'other' } }, { spec: { replicas: -3 } }, { kind: 'Other' }]),
          ),
        ),
        poison: true,
        label: 'poison-scale-patch',
      }),
      () => ({
        method: 'PUT',
        path: objectPath(t, 'status'),
        headers: admin(JSON_TYPE),
        body: Buffer.from(toJson({ ...(current ?? {}), metadata: { ...((current?.metadata as object) ?? {}), name: 'other' } })),
        poison: true,
        label: 'poison-status',
      }),
    ])();
  }
  return undefined;
}

// ---- generators ----

export interface Snapshot {
  get(t: Target): Record<string, unknown> | undefined;
}

export function poisonRequest(r: Prng, w: FuzzWorld, s: Snapshot): FuzzRequest {
  const canary = r.chance(0.75);
  const t: Target = canary ? r.pick(w.canaries) : scratchTarget(r, w);
  const current = canary ? s.get(t) : undefined;
  return r.weighted<() => FuzzRequest>([
    [
      5,
      () => ({
        method: 'DELETE',
        path: objectPath(t),
        ...withBody(badDeleteOptions(r, t.name === '')),
        poison: true,
        label: 'poison-delete-options',
      }),
    ],
    [
      3,
      () => {
        const ns = canary ? (t.namespace ?? r.pick(w.canaryNamespaces)) : r.pick(w.scratchNamespaces);
        const def = t.def.namespaced ? r.pick(w.defs.filter((d) => d.namespaced)) : t.def;
        const path = collectionPath(def, ns);
        return r.pick<() => FuzzRequest>([
          () => ({
            method: 'DELETE',
            path,
            ...withBody(badDeleteOptions(r, true)),
            poison: true,
            label: 'poison-deletecollection-options',
          }),
          () => ({
            method: 'DELETE',
            path: path + queryString([['labelSelector', r.pick(BAD_SELECTORS)]]),
            headers: admin(),
            poison: true,
            label: 'poison-deletecollection-selector',
          }),
          () => ({
            method: 'DELETE',
            path: path + queryString(badWriteOptions(r, 'DELETE')),
            headers: admin(),
            poison: true,
            label: 'poison-deletecollection-query',
          }),
        ])();
      },
    ],
    [6, () => poisonPatch(r, t)],
    [3, () => poisonPut(r, t, current)],
    [
      3,
      () => {
        const method = r.pick(['POST', 'PUT', 'PATCH', 'DELETE']);
        const patchType = r.pick([MERGE, SMP, JSONPATCH, APPLY]);
        const path =
          (method === 'POST' ? collectionPath(t.def, t.namespace) : objectPath(t)) + queryString(badWriteOptions(r, method, patchType));
        const body =
          method === 'DELETE'
            ? undefined
            : Buffer.from(toJson(current ?? baseObject(t.def.kind, apiVersionOf(t.def), t.name, t.namespace)));
        const type = method === 'PATCH' ? patchType : method === 'DELETE' ? undefined : JSON_TYPE;
        return { method, path, headers: admin(type), body, poison: true, label: 'poison-options' };
      },
    ],
    [
      2,
      () => {
        // A bad escape in a path segment.
        const segs = objectPath(t, r.chance(0.2) ? r.pick(['status', 'scale', 'log']) : undefined).split('/');
        const i = r.range(1, segs.length - 1);
        segs[i] = `${segs[i]}${r.pick(['%zz', '%', '%4', '%G0', '%%'])}`;
        return {
          method: r.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'POST']),
          path: segs.join('/'),
          headers: admin(JSON_TYPE),
          body: Buffer.from('{}'),
          poison: true,
          label: 'poison-escape',
        };
      },
    ],
    [2, () => poisonSubresource(r, t, current) ?? poisonPatch(r, t)],
    [
      1,
      () => ({
        method: 'DELETE',
        path: `/api/v1/namespaces${r.chance(0.8) ? `/${r.pick(['default', 'kube-system', 'kube-public'])}` : ''}`,
        headers: admin(),
        poison: true,
        label: 'poison-immortal-namespace',
      }),
    ],
    [
      1,
      () => ({
        method: r.pick(['POST', 'PUT', 'PATCH']),
        path: r.chance(0.5) ? collectionPath(t.def, t.namespace) : objectPath(t),
        headers: admin(r.pick([JSON_TYPE, MERGE])),
        body: TOO_LARGE,
        poison: true,
        label: 'poison-too-large',
      }),
    ],
  ])();
}

/** Past the 3 MiB body limit (one buffer, shared by every such request). */
const TOO_LARGE = Buffer.alloc(3 * 1024 * 1024 + 4096, 0x20);

const withBody = (b: Body) => ({ headers: { Authorization: 'Bearer admin', 'Content-Type': b.contentType }, body: b.data });

function scratchTarget(r: Prng, w: FuzzWorld): Target {
  const def = r.pick(w.defs);
  return {
    def,
    namespace: def.namespaced ? r.pick(w.scratchNamespaces) : undefined,
    name: r.chance(0.9) ? `fz-${r.range(1, 6)}` : r.pick(['', '-', 'UPPER', 'a'.repeat(260), 'ü', '..', 'a%2Fb', ' ', 'fz-%00']),
  };
}

/** Anything at all, aimed at scratch objects (reads may look at canaries too). */
export function chaosRequest(r: Prng, w: FuzzWorld): FuzzRequest {
  const t = scratchTarget(r, w);
  const apiVersion = apiVersionOf(t.def);
  return r.weighted<() => FuzzRequest>([
    [
      6,
      () => {
        const method = r.pick(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
        const sub = r.chance(0.25) ? r.pick(SUBRESOURCES) : undefined;
        const path =
          (r.chance(0.3) && method !== 'PUT' && method !== 'PATCH' ? collectionPath(t.def, t.namespace) : objectPath(t, sub)) +
          queryString(randomQuery(r));
        const patchType = method === 'PATCH' ? r.pick([MERGE, SMP, JSONPATCH, APPLY, YAML_TYPE]) : undefined;
        if (method === 'GET' || method === 'HEAD' || (method === 'DELETE' && r.chance(0.5)))
          return { method, path, headers: randomHeaders(r), poison: false, label: 'chaos' };
        const b = objectBody(r, t.def, t.name, t.namespace);
        return { method, path, headers: randomHeaders(r, patchType ?? b.contentType), body: b.data, poison: false, label: 'chaos' };
      },
    ],
    [
      3,
      () => {
        // Prototype-named keys at every level of an otherwise well-formed write.
        const o = baseObject(t.def.kind, apiVersion, t.name, t.namespace);
        const at = r.pick(['top', 'metadata', 'labels', 'spec', 'data']);
        const target =
          at === 'top'
            ? o
            : at === 'labels'
              ? ((o.metadata as Record<string, unknown>).labels as Record<string, unknown>)
              : ((o[at] ??= {}) as Record<string, unknown>);
        Object.defineProperty(target, r.pick(PROTO_KEYS), {
          value: r.pick<Value>(['v', { polluted: 'yes' }, [1], 1]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        const method = r.pick(['POST', 'PUT', 'PATCH']);
        const type = method === 'PATCH' ? r.pick([MERGE, SMP, APPLY]) : r.pick([JSON_TYPE, YAML_TYPE]);
        const q = queryString([
          ...(type === APPLY ? [['fieldManager', 'fz'] as [string, string]] : []),
          ...(r.chance(0.3) ? [['fieldValidation', r.pick(['Strict', 'Ignore'])] as [string, string]] : []),
        ]);
        return {
          method,
          path: (method === 'POST' ? collectionPath(t.def, t.namespace) : objectPath(t)) + q,
          headers: admin(type),
          body: Buffer.from(toJson(o)),
          poison: false,
          label: 'chaos-proto-keys',
        };
      },
    ],
    [
      2,
      () => {
        const method = r.pick(['POST', 'PUT', 'PATCH', 'DELETE']);
        const type = method === 'PATCH' ? APPLY : YAML_TYPE;
        const q = type === APPLY ? '?fieldManager=fz' : '';
        const path = (method === 'POST' ? collectionPath(t.def, t.namespace) : objectPath(t)) + q;
        return {
          method,
          path,
          headers: admin(type),
          body: Buffer.from(aliasYaml(r, baseObject(t.def.kind, apiVersion, t.name, t.namespace))),
          poison: false,
          label: 'chaos-yaml-aliases',
        };
      },
    ],
    [
      1,
      () => ({
        // Anyone may create a SelfSubjectAccessReview: YAML bombs arrive through it.
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        headers: { Authorization: 'Bearer sa', 'Content-Type': YAML_TYPE },
        body: Buffer.from(yamlBody(r, mutate(r, baseObject('SelfSubjectAccessReview', 'authorization.k8s.io/v1', 'x')) as Value)),
        poison: false,
        label: 'chaos-ssar',
      }),
    ],
    [
      2,
      () => {
        const method = r.pick(['POST', 'PUT', 'PATCH', 'DELETE']);
        const depth = r.range(1000, 30_000);
        const text = r.chance(0.5)
          ? deepJson(depth, r.chance(0.5) ? 'array' : 'object').text
          : `{"apiVersion":"${apiVersion}","kind":"${t.def.kind}","metadata":{"name":"${t.name}"},"data":${deepJson(depth, 'object').text}}`;
        const type = method === 'PATCH' ? r.pick([MERGE, SMP, JSONPATCH, APPLY]) : r.pick([JSON_TYPE, YAML_TYPE]);
        const path = (method === 'POST' ? collectionPath(t.def, t.namespace) : objectPath(t)) + (type === APPLY ? '?fieldManager=fz' : '');
        return { method, path, headers: admin(type), body: Buffer.from(text), poison: false, label: 'chaos-deep' };
      },
    ],
    [
      2,
      () => {
        const method = r.pick(['POST', 'PUT', 'DELETE']);
        const sub = method === 'POST' && t.def.kind === 'Pod' && r.chance(0.5) ? r.pick(['binding', 'eviction']) : undefined;
        const path = method === 'POST' && !sub ? collectionPath(t.def, t.namespace) : objectPath(t, sub);
        return {
          method,
          path,
          headers: admin(PROTOBUF_TYPE),
          body: protobufBody(r, apiVersion, t.def.kind, mutate(r, baseObject(t.def.kind, apiVersion, t.name, t.namespace))),
          poison: false,
          label: 'chaos-protobuf',
        };
      },
    ],
    [
      2,
      () => {
        // Reads, anywhere (canaries included), with every selector, paging and representation parameter.
        const target = r.chance(0.5) ? r.pick(w.canaries) : t;
        const path =
          (r.chance(0.5) ? collectionPath(target.def, r.chance(0.2) ? undefined : target.namespace) : objectPath(target)) +
          queryString(randomQuery(r, r.range(1, 5)));
        return { method: r.pick(['GET', 'GET', 'HEAD']), path, headers: randomHeaders(r), poison: false, label: 'chaos-read' };
      },
    ],
    [
      2,
      () => {
        // Deletes with options of every kind, valid ones included: extreme grace periods, policies, preconditions.
        const opts = obj([
          ...(r.chance(0.6)
            ? [
                [
                  'gracePeriodSeconds',
                  r.pick<Value>([0, 1, 30, -5, new Raw('9223372036854775807'), new Raw('-9223372036854775808'), 8_000_000_000_000]),
                ] as [string, unknown],
              ]
            : []),
          ...(r.chance(0.3) ? [['propagationPolicy', r.pick(['Orphan', 'Background', 'Foreground'])] as [string, unknown]] : []),
          ...(r.chance(0.2) ? [['dryRun', ['All']] as [string, unknown]] : []),
          ...(r.chance(0.2) ? [['preconditions', { resourceVersion: r.pick(['1', '999999']) }] as [string, unknown]] : []),
          ...(r.chance(0.2) ? [[key(r), anyValue(r)] as [string, unknown]] : []),
        ]);
        const podTarget = {
          def: w.defs.find((d) => d.kind === 'Pod')!,
          namespace: r.pick(w.scratchNamespaces),
          name: `fz-${r.range(1, 3)}`,
        };
        const target = r.chance(0.5) ? podTarget : t;
        if (r.chance(0.5)) {
          const q: [string, string][] = Object.keys(opts)
            .filter((k) => k !== 'preconditions')
            .map((k) => [k, toJson(opts[k]).replace(/^"|"$/g, '')]);
          return { method: 'DELETE', path: objectPath(target) + queryString(q), headers: admin(), poison: false, label: 'chaos-delete' };
        }
        return {
          method: 'DELETE',
          path: objectPath(target),
          headers: admin(JSON_TYPE),
          body: Buffer.from(toJson(opts)),
          poison: false,
          label: 'chaos-delete',
        };
      },
    ],
    [
      1,
      () => ({
        method: 'GET',
        path: `${collectionPath(t.def, t.namespace)}?watch=true&timeoutSeconds=1&${queryString(randomQuery(r)).slice(1)}`,
        headers: randomHeaders(r),
        poison: false,
        label: 'chaos-watch',
      }),
    ],
    [
      1,
      () => {
        const pod = { def: w.defs.find((d) => d.kind === 'Pod')!, namespace: r.pick(w.scratchNamespaces), name: `fz-${r.range(1, 6)}` };
        const sub = r.pick(['binding', 'eviction', 'log', 'status', 'exec']);
        const o = baseObject(
          sub === 'binding' ? 'Binding' : sub === 'eviction' ? 'Eviction' : 'Pod',
          sub === 'eviction' ? 'policy/v1' : 'v1',
          pod.name,
          pod.namespace,
        );
        const b = anyBody(r, 'v1', 'Binding', r.chance(0.7) ? mutate(r, o) : o);
        return {
          method: r.pick(['POST', 'PUT', 'GET']),
          path: objectPath(pod, sub) + queryString(randomQuery(r)),
          headers: randomHeaders(r, b.contentType),
          body: b.data,
          poison: false,
          label: 'chaos-pod-subresource',
        };
      },
    ],
    [
      1,
      () => {
        const sa = {
          def: w.defs.find((d) => d.kind === 'ServiceAccount')!,
          namespace: r.pick(w.scratchNamespaces),
          name: `fz-${r.range(1, 3)}`,
        };
        const b = anyBody(
          r,
          'authentication.k8s.io/v1',
          'TokenRequest',
          mutate(r, baseObject('TokenRequest', 'authentication.k8s.io/v1', sa.name)),
        );
        return {
          method: 'POST',
          path: objectPath(sa, 'token'),
          headers: admin(b.contentType),
          body: b.data,
          poison: false,
          label: 'chaos-token',
        };
      },
    ],
    [
      1,
      () => {
        // Path shapes: doubled slashes, dot segments, unknown groups and versions, long segments, escapes.
        const p = r.pick([
          `/api/v1//namespaces/${r.pick(w.scratchNamespaces)}/configmaps`,
          '/api/v1/namespaces/../namespaces',
          '/apis/apps',
          '/apis/apps/v9/deployments',
          '/api/v2/pods',
          `/api/v1/${'x'.repeat(r.range(10, 5000))}`,
          '/api/v1/namespaces/%2F/pods',
          `/api/v1/namespaces/${r.pick(w.scratchNamespaces)}/pods/a/b/c/d`,
          '/apis/%61pps/v1/deployments',
          '/openapi/v3/apis/%zz',
          '/apis/x/y/z',
          '/api/v1/namespaces/default/pods/%E2%80%AE',
          '/metrics',
          '/version/x',
        ]);
        return {
          method: r.pick(['GET', 'POST', 'DELETE', 'PUT']),
          path: p,
          headers: randomHeaders(r, JSON_TYPE),
          body: Buffer.from('{}'),
          poison: false,
          label: 'chaos-path',
        };
      },
    ],
  ])();
}
