// pods/eviction over HTTP: discovery, graceful deletion with the eviction's deleteOptions, the 201 Success Status,
// preconditions (409), missing pods (404), terminating pods and namespaces, dry run, protobuf bodies.
import { schemaRoot } from '../../src/protobuf/schema.js';
import { PROTOBUF_MAGIC } from '../../src/protobuf/decode.js';
import { startHarness, type Harness } from './harness.js';
import { systemContext } from '../../src/reconcilers/context.js';
import type { ResourceDef } from '../../src/registry/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sys = systemContext('test');
const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
let h: Harness;
let podsDef: ResourceDef;
let nsDef: ResourceDef;

beforeAll(async () => {
  h = await startHarness();
  podsDef = h.service.registry.find('', 'v1', 'pods')!;
  nsDef = h.service.registry.find('', 'v1', 'namespaces')!;
});
afterAll(() => h.close());

/** A pod bound to a node (so deletion is graceful) with a 30 s grace period, unless `unscheduled`. */
const createPod = (ns: string, name: string, unscheduled = false) =>
  h.service.create(
    podsDef,
    ns,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        ...(unscheduled ? {} : { nodeName: 'node-a' }),
        terminationGracePeriodSeconds: 30,
        containers: [{ name: 'c', image: 'dockube/busybox:test' }],
      },
    },
    sys,
  );
const evictionOf = (name: string, deleteOptions?: J) => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name },
  ...(deleteOptions ? { deleteOptions } : {}),
});
const evict = (ns: string, name: string, body: J = evictionOf(name), query = '') =>
  h.api.post(`/api/v1/namespaces/${ns}/pods/${name}/eviction${query}`).send(body);
const getPod = async (ns: string, name: string): Promise<J | undefined> => {
  const r = await h.api.get(`/api/v1/namespaces/${ns}/pods/${name}`);
  return r.status === 200 ? r.body : undefined;
};

describe('POST pods/NAME/eviction', () => {
  test('discovery names pods/eviction as policy/v1 Eviction, create only (what kubectl drain looks for)', async () => {
    const r = await h.api.get('/api/v1').expect(200);
    const sub = (r.body.resources as J[]).find((x) => x.name === 'pods/eviction');
    expect(sub).toMatchObject({
      name: 'pods/eviction',
      kind: 'Eviction',
      group: 'policy',
      version: 'v1',
      namespaced: true,
      verbs: ['create'],
    });
  });

  test('a scheduled pod is deleted gracefully with its own grace period; the answer is a 201 Success Status', async () => {
    await createPod('default', 'ev-graceful');
    const r = await evict('default', 'ev-graceful');
    expect(r.status).toBe(201);
    expect(r.body).toEqual(SUCCESS);
    const pod = await getPod('default', 'ev-graceful');
    expect(pod?.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(pod?.metadata.deletionGracePeriodSeconds).toBe(30);
  });

  test('deleteOptions.gracePeriodSeconds is honoured; 0 removes the pod at once', async () => {
    await createPod('default', 'ev-short');
    expect((await evict('default', 'ev-short', evictionOf('ev-short', { gracePeriodSeconds: 5 }))).status).toBe(201);
    expect((await getPod('default', 'ev-short'))?.metadata.deletionGracePeriodSeconds).toBe(5);
    await createPod('default', 'ev-now');
    expect((await evict('default', 'ev-now', evictionOf('ev-now', { gracePeriodSeconds: 0 }))).status).toBe(201);
    expect(await getPod('default', 'ev-now')).toBeUndefined();
  });

  test('an unscheduled pod goes at once', async () => {
    await createPod('default', 'ev-pending', true);
    expect((await evict('default', 'ev-pending')).body).toEqual(SUCCESS);
    expect(await getPod('default', 'ev-pending')).toBeUndefined();
  });

  test('a pod already terminating is left to finish: Success, nothing changes unless the period shrinks', async () => {
    await createPod('default', 'ev-twice');
    await evict('default', 'ev-twice').expect(201);
    const first = await getPod('default', 'ev-twice');
    const again = await evict('default', 'ev-twice');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(SUCCESS);
    const second = await getPod('default', 'ev-twice');
    expect(second?.metadata.resourceVersion).toBe(first?.metadata.resourceVersion);
    await evict('default', 'ev-twice', evictionOf('ev-twice', { gracePeriodSeconds: 2 })).expect(201);
    expect((await getPod('default', 'ev-twice'))?.metadata.deletionGracePeriodSeconds).toBe(2);
  });

  test('preconditions are honoured: a wrong uid or resourceVersion is a 409 and the pod stays', async () => {
    const pod = await createPod('default', 'ev-pre');
    const wrongUid = await evict('default', 'ev-pre', evictionOf('ev-pre', { preconditions: { uid: 'not-the-uid' } }));
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.body).toMatchObject({
      reason: 'Conflict',
      message: expect.stringContaining('the UID in the precondition (not-the-uid) does not match the UID in record'),
    });
    const wrongRv = await evict('default', 'ev-pre', evictionOf('ev-pre', { preconditions: { resourceVersion: '1' } }));
    expect(wrongRv.status).toBe(409);
    expect((await getPod('default', 'ev-pre'))?.metadata.deletionTimestamp).toBeUndefined();
    const ok = await evict(
      'default',
      'ev-pre',
      evictionOf('ev-pre', { preconditions: { uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion } }),
    );
    expect(ok.status).toBe(201);
    expect((await getPod('default', 'ev-pre'))?.metadata.deletionTimestamp).toEqual(expect.any(String));
  });

  test('dry run (query or deleteOptions) changes nothing; non-matching dry-run options are an error', async () => {
    await createPod('default', 'ev-dry');
    expect((await evict('default', 'ev-dry', evictionOf('ev-dry'), '?dryRun=All')).status).toBe(201);
    expect((await evict('default', 'ev-dry', evictionOf('ev-dry', { dryRun: ['All'] }))).status).toBe(201);
    expect((await getPod('default', 'ev-dry'))?.metadata.deletionTimestamp).toBeUndefined();
    const bad = await evict('default', 'ev-dry', evictionOf('ev-dry', { dryRun: ['All', 'All'] }), '?dryRun=All');
    expect(bad.status).toBe(500);
    expect(bad.body.message).toContain('Non-matching dry-run options in request and content');
  });

  test('404 for a missing pod, 400 for a name mismatch or another kind, 405 for other verbs, 403 for viewers', async () => {
    const missing = await evict('default', 'no-such-pod');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', message: 'pods "no-such-pod" not found' });
    await createPod('default', 'ev-errs');
    const mismatch = await evict('default', 'ev-errs', evictionOf('other'));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toBe('name in URL does not match name in Eviction object');
    expect((await evict('default', 'ev-errs', { ...evictionOf('ev-errs'), kind: 'Binding' })).status).toBe(400);
    expect((await h.api.get('/api/v1/namespaces/default/pods/ev-errs/eviction')).status).toBe(405);
    expect((await h.as('viewer').post('/api/v1/namespaces/default/pods/ev-errs/eviction').send(evictionOf('ev-errs'))).status).toBe(403);
    expect((await getPod('default', 'ev-errs'))?.metadata.deletionTimestamp).toBeUndefined();
  });

  test('a policy/v1beta1 body is accepted too', async () => {
    await createPod('default', 'ev-beta', true);
    expect((await evict('default', 'ev-beta', { ...evictionOf('ev-beta'), apiVersion: 'policy/v1beta1' })).status).toBe(201);
    expect(await getPod('default', 'ev-beta')).toBeUndefined();
  });

  test('in a terminating namespace the eviction is forbidden with the NamespaceTerminating cause', async () => {
    await h.service.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ev-dying' } }, sys);
    await createPod('ev-dying', 'p');
    await h.api.delete('/api/v1/namespaces/ev-dying').expect(200);
    const r = await evict('ev-dying', 'p');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({
      reason: 'Forbidden',
      message: 'pods "p" is forbidden: unable to create new content in namespace ev-dying because it is being terminated',
      details: {
        name: 'p',
        kind: 'pods',
        causes: [{ reason: 'NamespaceTerminating', message: 'namespace ev-dying is being terminated', field: 'metadata.namespace' }],
      },
    });
  });

  test('a protobuf Eviction (kubectl 1.32+ drain) is decoded, deleteOptions included', async () => {
    await createPod('default', 'ev-proto');
    const root = schemaRoot();
    const raw = root
      .lookupType('k8s.io.api.policy.v1.Eviction')
      .encode({
        metadata: { name: 'ev-proto', namespace: 'default' },
        deleteOptions: { gracePeriodSeconds: 7 },
      })
      .finish();
    const unknown = root
      .lookupType('k8s.io.apimachinery.pkg.runtime.Unknown')
      .encode({
        typeMeta: { apiVersion: 'policy/v1', kind: 'Eviction' },
        raw,
        contentType: '',
        contentEncoding: '',
      })
      .finish();
    const r = await h.api
      .post('/api/v1/namespaces/default/pods/ev-proto/eviction')
      .set('Content-Type', 'application/vnd.kubernetes.protobuf')
      .set('Accept', 'application/json')
      .send(Buffer.concat([PROTOBUF_MAGIC, Buffer.from(unknown)]));
    expect(r.status).toBe(201);
    expect((await getPod('default', 'ev-proto'))?.metadata.deletionGracePeriodSeconds).toBe(7);
  });
});
