// Real request bodies captured from kubectl 1.33 (protobuf, *.bin) must decode to the JSON kubectl 1.29
// sends for the same command (*.json). See test/fixtures/protobuf/capture.sh.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { StatusError } from '../../src/machinery/api/errors.js';
import { decodeKubernetesProtobuf, PROTOBUF_MAGIC } from '../../src/protobuf/decode.js';
import { protobufKinds, protobufMessageFor, schemaRoot } from '../../src/protobuf/schema.js';

const dir = path.join(process.cwd(), 'test/fixtures/protobuf');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -4))
  .sort();

/** Deep copy with object keys sorted, so comparisons ignore key order but not list order. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Wraps `raw` in the k8s envelope as client-go does. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const Unknown = schemaRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  return Buffer.concat([PROTOBUF_MAGIC, Buffer.from(Unknown.encode({ typeMeta: { apiVersion, kind }, raw }).finish())]);
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('captured kubectl bodies', () => {
  test('the fixture set covers the imperative commands', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'namespace',
        'configmap',
        'secret-generic',
        'deployment',
        'service-clusterip',
        'serviceaccount',
        'ssar-resource',
        'ssar-nonresource',
        'token',
        'job',
        'cronjob',
        'deleteoptions',
      ]),
    );
  });

  test.each(fixtures)('%s decodes to what kubectl 1.29 sends as JSON', (name) => {
    const bin = fs.readFileSync(path.join(dir, `${name}.bin`));
    const want = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
    const got = decodeKubernetesProtobuf(bin);
    expect(got.kind).toBe(want.kind);
    expect(got.apiVersion).toBe(want.apiVersion);
    expect(sorted(got.object)).toEqual(sorted(want));
  });

  test('deployment keeps the container command, port and replica count', () => {
    const { object } = decodeKubernetesProtobuf(fs.readFileSync(path.join(dir, 'deployment.bin')));
    const spec = object.spec as { replicas: number; template: { spec: { containers: Record<string, unknown>[] } } };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]).toEqual({
      name: 'busybox',
      image: 'busybox',
      command: ['sleep', '100'],
      ports: [{ containerPort: 80 }],
      resources: {},
    });
  });

  test('secret data comes out base64-encoded', () => {
    const { object } = decodeKubernetesProtobuf(fs.readFileSync(path.join(dir, 'secret-generic.bin')));
    expect(object.data).toEqual({ pw: Buffer.from('x').toString('base64') });
  });
});

describe('encodings of special types and presence', () => {
  test('Time, IntOrString, Quantity, pointers and bytes', () => {
    const Deployment = schemaRoot().lookupType('k8s.io.api.apps.v1.Deployment');
    const raw = Deployment.encode({
      metadata: {
        name: 'd',
        namespace: 'ns',
        creationTimestamp: { seconds: 1767323045 },
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: false }],
        annotations: { a: 'b' },
      },
      spec: {
        replicas: 0,
        paused: false,
        minReadySeconds: 0,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 1 } },
        },
        template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: { string: '500m' } } }, stdin: false }] } },
      },
    }).finish();
    const { object } = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', raw));
    expect(object).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: {
        name: 'd',
        namespace: 'ns',
        creationTimestamp: '2026-01-02T03:04:05Z',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: false }],
        annotations: { a: 'b' },
      },
      spec: {
        replicas: 0,
        // A nil *LabelSelector without omitempty: Go's JSON writes null.
        selector: null,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '500m' } } }] } },
      },
    });
  });

  test('inline structs are flattened and ConfigMap binaryData/immutable survive', () => {
    const Pod = schemaRoot().lookupType('k8s.io.api.core.v1.Pod');
    const raw = Pod.encode({
      metadata: { name: 'p' },
      spec: {
        volumes: [{ name: 'v', volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } } }],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            env: [{ name: 'K', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' }, key: 'k', optional: true } } }],
            livenessProbe: { handler: { httpGet: { path: '/', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
          },
        ],
      },
    }).finish();
    const { object } = decodeKubernetesProtobuf(envelope('v1', 'Pod', raw));
    const spec = object.spec as Record<string, unknown>;
    expect(spec.volumes).toEqual([{ name: 'v', configMap: { name: 'cm', defaultMode: 420 } }]);
    expect(spec.containers).toEqual([
      {
        name: 'c',
        image: 'busybox',
        env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } }],
        livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
      },
    ]);

    const ConfigMap = schemaRoot().lookupType('k8s.io.api.core.v1.ConfigMap');
    const cm = decodeKubernetesProtobuf(
      envelope(
        'v1',
        'ConfigMap',
        ConfigMap.encode({
          metadata: { name: 'c' },
          immutable: false,
          binaryData: { b: Buffer.from([0, 255]) },
        }).finish(),
      ),
    ).object;
    expect(cm).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, immutable: false, binaryData: { b: 'AP8=' } });
  });

  test('DeleteOptions with preconditions and dryRun, and an Eviction wrapping them', () => {
    const DeleteOptions = schemaRoot().lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    const opts = {
      gracePeriodSeconds: 0,
      preconditions: { uid: 'abc', resourceVersion: '7' },
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    };
    const d = decodeKubernetesProtobuf(envelope('meta.k8s.io/v1', 'DeleteOptions', DeleteOptions.encode(opts).finish()));
    expect(d.object).toEqual({ kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...opts });

    const Eviction = schemaRoot().lookupType('k8s.io.api.policy.v1.Eviction');
    const e = decodeKubernetesProtobuf(
      envelope(
        'policy/v1',
        'Eviction',
        Eviction.encode({
          metadata: { name: 'p1', namespace: 'default' },
          deleteOptions: { gracePeriodSeconds: 30 },
        }).finish(),
      ),
    );
    expect(e.object).toEqual({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p1', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 30 },
    });
  });

  test('every listed kind resolves to a message in the schema', () => {
    for (const k of protobufKinds()) {
      expect(protobufMessageFor(k.apiVersion, k.kind)).toBe(k.message);
      expect(schemaRoot().lookupType(k.message)).toBeInstanceOf(protobuf.Type);
    }
  });
});

describe('errors', () => {
  test('an unknown kind is 415 UnsupportedMediaType', () => {
    const err = statusOf(() => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', Buffer.from([0x0a, 0x00]))));
    expect(err.code).toBe(415);
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.message).toContain('Widget');
  });

  test('a missing magic prefix is 400 BadRequest', () => {
    const err = statusOf(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Namespace"}')));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
  });

  test('truncated bytes are 400 BadRequest', () => {
    const good = fs.readFileSync(path.join(dir, 'deployment.bin'));
    const err = statusOf(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 20)));
    expect(err.code).toBe(400);
  });

  test('a garbled object inside a valid envelope is 400', () => {
    const err = statusOf(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', Buffer.from([0x0a, 0x7f, 0x01]))));
    expect(err.code).toBe(400);
  });
});

describe('content type', () => {
  test('isKubernetesProtobuf matches the media type with or without parameters', async () => {
    const { isKubernetesProtobuf } = await import('../../src/protobuf/index.js');
    expect(isKubernetesProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isKubernetesProtobuf('application/vnd.kubernetes.protobuf; charset=x')).toBe(true);
    expect(isKubernetesProtobuf('application/vnd.kubernetes.protobuf;stream=watch')).toBe(true);
    expect(isKubernetesProtobuf('application/json')).toBe(false);
    expect(isKubernetesProtobuf(undefined)).toBe(false);
  });
});
