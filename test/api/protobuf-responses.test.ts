// Protobuf responses as client-go negotiates them (`Accept: application/vnd.kubernetes.protobuf, application/json`):
// built-in objects, lists and watch streams come back in the k8s envelope; custom resources stay JSON (406 when
// protobuf is the only choice), as upstream.
import http from 'node:http';
import { CM, PODS, configMap, pod, startHarness, type Harness } from './harness.js';
import { decodeKubernetesProtobuf } from '../../src/protobuf/decode.js';
import { schemaRoot } from '../../src/protobuf/schema.js';
import { encodeKubernetesProtobuf } from '../../src/protobuf/encode.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import type { ResourceDef } from '../../src/registry/types.js';
import { negotiateObject } from '../../src/api/negotiation.js';
import { servesProtobuf } from '../../src/api/protobuf-response.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const CLIENT_GO = `${PROTOBUF}, application/json`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.api
    .post(PODS)
    .send(pod('web', { labels: { app: 'web' } }))
    .expect(201);
  await h.api.post(CM).send(configMap('settings')).expect(201);
});
afterAll(() => h.close());

/** supertest's buffered body for a binary answer. */
const binary = (req: ReturnType<Harness['api']['get']>) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('protobuf responses', () => {
  test('a pod is the enveloped generated.proto object', async () => {
    const res = await binary(h.api.get(`${PODS}/web`).set('Accept', CLIENT_GO)).expect(200);
    expect(res.headers['content-type']).toBe(PROTOBUF);
    const json = (await h.api.get(`${PODS}/web`).expect(200)).body;
    const { apiVersion, kind, object } = decodeKubernetesProtobuf(res.body as Buffer);
    expect([apiVersion, kind]).toEqual(['v1', 'Pod']);
    expect(object).toEqual(json);
  });

  test('a list is the <Kind>List message', async () => {
    const res = await binary(h.api.get(CM).set('Accept', PROTOBUF)).expect(200);
    const { kind, object } = decodeKubernetesProtobuf(res.body as Buffer);
    expect(kind).toBe('ConfigMapList');
    const items = object.items as { metadata: { name: string }; data?: Record<string, string> }[];
    expect(items.map((i) => i.metadata.name)).toContain('settings');
    expect((object.metadata as { resourceVersion: string }).resourceVersion).toMatch(/^\d+$/);
  });

  test('a watch is length-prefixed WatchEvent frames', async () => {
    const frames = await new Promise<Buffer[]>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: h.port,
          path: `${PODS}?watch=1&resourceVersion=0`,
          headers: { accept: CLIENT_GO, authorization: 'Bearer admin' },
        },
        (res) => {
          expect(res.headers['content-type']).toBe(`${PROTOBUF};stream=watch`);
          let buf = Buffer.alloc(0);
          res.on('data', (c: Buffer) => {
            buf = Buffer.concat([buf, c]);
            // One whole frame (the initial ADDED of the pod) is enough.
            if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
              req.destroy();
              resolve([buf.subarray(4, 4 + buf.readUInt32BE(0))]);
            }
          });
        },
      );
      req.on('error', reject);
    });
    const event = schemaRoot().lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent').decode(frames[0]!) as unknown as {
      type: string;
      object: { raw: Uint8Array };
    };
    expect(event.type).toBe('ADDED');
    const { kind, object } = decodeKubernetesProtobuf(Buffer.from(event.object.raw));
    expect(kind).toBe('Pod');
    expect((object.metadata as { name: string }).name).toBe('web');
  });

  test('a Lease and an Event sent as protobuf are decoded (no longer "the server cannot decode")', async () => {
    const encode = (apiVersion: string, kind: string, obj: Record<string, unknown>) =>
      encodeKubernetesProtobuf({ apiVersion, kind, ...obj })!;
    const lease = encode('coordination.k8s.io/v1', 'Lease', {
      metadata: { name: 'l1' },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 0 },
    });
    const res = await h.api.post('/apis/coordination.k8s.io/v1/namespaces/default/leases').set('Content-Type', PROTOBUF).send(lease);
    expect(res.body.message).toBeUndefined();
    expect(res.status).toBe(201);
    // A Go pointer written as zero stays zero.
    expect(res.body.spec).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 0 });
    const event = encode('v1', 'Event', {
      metadata: { name: 'e1' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'Tested',
      message: 'sent as protobuf',
      type: 'Normal',
    });
    const ev = await h.api.post('/api/v1/namespaces/default/events').set('Content-Type', PROTOBUF).send(event).expect(201);
    expect(ev.body).toMatchObject({ reason: 'Tested', message: 'sent as protobuf' });
  });
});

describe('protobuf answers to writes', () => {
  test('create, update and delete answer protobuf to a client that prefers it', async () => {
    const body = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pbw' }, data: { a: '1' } })!;
    const created = await binary(h.api.post(CM).set('Content-Type', PROTOBUF).set('Accept', CLIENT_GO).send(body)).expect(201);
    expect(created.headers['content-type']).toBe(PROTOBUF);
    const cm = decodeKubernetesProtobuf(created.body as Buffer).object as { metadata: Record<string, unknown>; data: unknown };
    expect(cm.data).toEqual({ a: '1' });
    const updated = await binary(
      h.api
        .put(`${CM}/pbw`)
        .set('Accept', CLIENT_GO)
        .send({ ...cm, data: { a: '2' } }),
    ).expect(200);
    expect(decodeKubernetesProtobuf(updated.body as Buffer).object.data).toEqual({ a: '2' });
    const deleted = await binary(h.api.delete(`${CM}/pbw`).set('Accept', CLIENT_GO)).expect(200);
    expect(decodeKubernetesProtobuf(deleted.body as Buffer)).toMatchObject({ kind: 'Status', object: { status: 'Success' } });
  });

  test('a Table Accept on a write still answers the object as JSON', async () => {
    const res = await h.api
      .post(CM)
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json')
      .send(configMap('tabled'))
      .expect(201);
    expect(res.body.kind).toBe('ConfigMap');
  });
});

describe('custom resources stay JSON', () => {
  // A custom resource's group version has no wire schema: negotiation passes over protobuf, as upstream's CR handler.
  const widgets = { ...(RESOURCES.find((d) => d.kind === 'ConfigMap') as ResourceDef), group: 'example.com', kind: 'Widget' };

  test('no wire schema for a custom group', () => {
    expect(servesProtobuf(widgets)).toBe(false);
    expect(servesProtobuf(RESOURCES.find((d) => d.kind === 'Lease')!)).toBe(true);
  });

  test('protobuf with a JSON fallback gets JSON, protobuf only is 406 NotAcceptable', () => {
    expect(negotiateObject(CLIENT_GO, servesProtobuf(widgets))).toEqual({ kind: 'object', format: 'json' });
    expect(() => negotiateObject(PROTOBUF, servesProtobuf(widgets))).toThrow(expect.objectContaining({ code: 406 }));
  });
});
