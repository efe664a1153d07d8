// Create/get/update/delete semantics as the apiserver's generic registry has them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CM, DEPLOYS, PODS, configMap, deployment, pod, startHarness, type Harness } from './harness.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'protobuf');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

describe('create', () => {
  test('assigns uid, creationTimestamp and resourceVersion, and serves kind/apiVersion', async () => {
    const res = await h.api.post(CM).send(configMap('c-meta')).expect(201);
    const m = res.body.metadata;
    expect(res.body).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(m.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m.resourceVersion).toMatch(/^\d+$/);
    expect(m.namespace).toBe('default');
    const got = await h.api.get(`${CM}/c-meta`).expect(200);
    expect(got.body.metadata).toEqual(m);
  });

  test('client-set uid and resourceVersion are replaced', async () => {
    const res = await h.api
      .post(CM)
      .send(configMap('c-own', { metadata: { uid: 'mine', resourceVersion: '5' } }))
      .expect(201);
    expect(res.body.metadata.uid).not.toBe('mine');
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(5);
  });

  test('generateName makes a fresh name each time', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } };
    const a = await h.api.post(CM).send(body).expect(201);
    const b = await h.api.post(CM).send(body).expect(201);
    expect(a.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(a.body.metadata.generateName).toBe('gen-');
    expect(a.body.metadata.name).not.toBe(b.body.metadata.name);
    await h.api.get(`${CM}/${a.body.metadata.name}`).expect(200);
  });

  test('resourceVersion is one counter across kinds', async () => {
    const a = await h.api.post(CM).send(configMap('rv-a')).expect(201);
    const b = await h.api
      .post('/api/v1/namespaces/default/secrets')
      .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rv-b' } })
      .expect(201);
    const c = await h.api.post(DEPLOYS).send(deployment('rv-c')).expect(201);
    expect(Number(b.body.metadata.resourceVersion)).toBe(Number(a.body.metadata.resourceVersion) + 1);
    expect(Number(c.body.metadata.resourceVersion)).toBe(Number(b.body.metadata.resourceVersion) + 1);
    const list = await h.api.get('/api/v1/namespaces').expect(200);
    expect(Number(list.body.metadata.resourceVersion)).toBe(Number(c.body.metadata.resourceVersion));
  });

  test('a second create of the same name is 409 AlreadyExists', async () => {
    await h.api.post(CM).send(configMap('dup')).expect(201);
    const res = await h.api.post(CM).send(configMap('dup')).expect(409);
    expect(res.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
      details: { name: 'dup', kind: 'configmaps' },
    });
  });

  test('YAML bodies are accepted', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello\n';
    const res = await h.api.post(CM).set('Content-Type', 'application/yaml').send(yaml).expect(201);
    expect(res.body.data).toEqual({ greeting: 'hello' });
  });

  test('a Kubernetes protobuf body (kubectl 1.32+ create) is decoded', async () => {
    const bin = readFileSync(join(FIXTURES, 'configmap.bin'));
    const want = JSON.parse(readFileSync(join(FIXTURES, 'configmap.json'), 'utf8'));
    const res = await h.api.post(CM).set('Content-Type', 'application/vnd.kubernetes.protobuf').send(bin).expect(201);
    expect(res.body.metadata.name).toBe(want.metadata.name);
    expect(res.body.data).toEqual(want.data);
    const got = await h.api.get(`${CM}/${want.metadata.name}`).expect(200);
    expect(got.body.data).toEqual(want.data);
  });

  test('422 Invalid lists the causes: a pod without an image', async () => {
    const bad = pod('noimg');
    delete (bad.spec.containers[0] as { image?: string }).image;
    const res = await h.api.post(PODS).send(bad).expect(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: 'Pod "noimg" is invalid: spec.containers[0].image: Required value',
      details: {
        name: 'noimg',
        kind: 'Pod',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
      },
    });
    await h.api.get(`${PODS}/noimg`).expect(404);
  });
});

describe('malformed requests', () => {
  test('malformed JSON is 400', async () => {
    const res = await h.api.post(CM).set('Content-Type', 'application/json').send('{"metadata": {').expect(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  test('malformed YAML is 400', async () => {
    const res = await h.api.post(CM).set('Content-Type', 'application/yaml').send('metadata:\n  name: [unclosed\n  x: : y\n').expect(400);
    expect(res.body).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect(res.body.message).toMatch(/yaml/i);
  });

  test('a kind that does not match the URL is 400', async () => {
    const res = await h.api
      .post(CM)
      .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } })
      .expect(400);
    expect(res.body.reason).toBe('BadRequest');
    await h.api.get(`${CM}/wrong-kind`).expect(404);
  });

  test('a body over 3 MiB is 413', async () => {
    const big = configMap('big', { data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const res = await h.api.post(CM).send(big).expect(413);
    expect(res.body).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
  });

  test('POST to an object URL is 405 MethodNotAllowed', async () => {
    await h.api.post(CM).send(configMap('post-item')).expect(201);
    const res = await h.api.post(`${CM}/post-item`).send(configMap('post-item')).expect(405);
    expect(res.body).toMatchObject({
      reason: 'MethodNotAllowed',
      message: 'the server does not allow this method on the requested resource',
    });
  });

  test('a subresource the kind does not have is the generic 404', async () => {
    await h.api.post(CM).send(configMap('no-status')).expect(201);
    const res = await h.api.put(`${CM}/no-status/status`).send(configMap('no-status')).expect(404);
    expect(res.body).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });
  });

  test('a namespace in the body different from the URL is 400', async () => {
    const res = await h.api
      .post(CM)
      .send(configMap('ns-mismatch', { metadata: { namespace: 'kube-system' } }))
      .expect(400);
    expect(res.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  test('an unsupported body content type is 415', async () => {
    const res = await h.api.post(CM).set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(res.body.reason).toBe('UnsupportedMediaType');
  });
});

describe('namespaces', () => {
  test('creating in a missing namespace is 404 namespaces "x" not found', async () => {
    const res = await h.api.post('/api/v1/namespaces/x/configmaps').send(configMap('c')).expect(404);
    expect(res.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "x" not found', details: { name: 'x', kind: 'namespaces' } });
  });

  test('creating in a terminating namespace is 403 Forbidden', async () => {
    await h.api
      .post('/api/v1/namespaces')
      .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } })
      .expect(201);
    // No namespace controller runs here, so the namespace stays Terminating with its `kubernetes` finalizer.
    const del = await h.api.delete('/api/v1/namespaces/doomed').expect(200);
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    expect(del.body.status.phase).toBe('Terminating');
    const res = await h.api.post('/api/v1/namespaces/doomed/configmaps').send(configMap('late')).expect(403);
    expect(res.body).toMatchObject({
      reason: 'Forbidden',
      message: 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating' }] },
    });
  });
});

describe('update', () => {
  test('PUT with a stale resourceVersion is 409 Conflict', async () => {
    const c = (await h.api.post(CM).send(configMap('stale')).expect(201)).body;
    await h.api
      .put(`${CM}/stale`)
      .send({ ...c, data: { k: 'v2' } })
      .expect(200);
    const res = await h.api
      .put(`${CM}/stale`)
      .send({ ...c, data: { k: 'v3' } })
      .expect(409);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      details: { name: 'stale', kind: 'configmaps' },
      message: `Operation cannot be fulfilled on configmaps "stale": ${MODIFIED}`,
    });
    expect((await h.api.get(`${CM}/stale`)).body.data).toEqual({ k: 'v2' });
  });

  test('PUT without a resourceVersion is an unconditional update', async () => {
    await h.api.post(CM).send(configMap('uncond')).expect(201);
    const res = await h.api
      .put(`${CM}/uncond`)
      .send(configMap('uncond', { data: { k: 'new' } }))
      .expect(200);
    expect(res.body.data).toEqual({ k: 'new' });
  });

  test('updating a missing object is 404', async () => {
    const res = await h.api.put(`${CM}/ghost`).send(configMap('ghost')).expect(404);
    expect(res.body).toMatchObject({ reason: 'NotFound', message: 'configmaps "ghost" not found' });
  });

  test('a body name different from the URL is 400', async () => {
    await h.api.post(CM).send(configMap('named')).expect(201);
    const res = await h.api.put(`${CM}/named`).send(configMap('other')).expect(400);
    expect(res.body).toMatchObject({
      reason: 'BadRequest',
      message: 'the name of the object (other) does not match the name on the URL (named)',
    });
  });

  test('an update keeps creationTimestamp; another uid is 422 (immutable), an absent one is filled in', async () => {
    const c = (await h.api.post(CM).send(configMap('keepmeta')).expect(201)).body;
    const res = await h.api
      .put(`${CM}/keepmeta`)
      .send({ ...c, metadata: { ...c.metadata, creationTimestamp: '2000-01-01T00:00:00Z' } })
      .expect(200);
    expect(res.body.metadata.uid).toBe(c.metadata.uid);
    expect(res.body.metadata.creationTimestamp).toBe(c.metadata.creationTimestamp);
    const uid = await h.api
      .put(`${CM}/keepmeta`)
      .send({ ...c, metadata: { ...c.metadata, uid: 'x' } })
      .expect(422);
    expect(uid.body.message).toBe('ConfigMap "keepmeta" is invalid: metadata.uid: Invalid value: "x": field is immutable');
    const { uid: _u, ...noUid } = c.metadata;
    expect(
      (
        await h.api
          .put(`${CM}/keepmeta`)
          .send({ ...c, metadata: noUid })
          .expect(200)
      ).body.metadata.uid,
    ).toBe(c.metadata.uid);
  });

  test('an identical PUT is a no-op that keeps the resourceVersion', async () => {
    const c = (await h.api.post(CM).send(configMap('noop')).expect(201)).body;
    const res = await h.api.put(`${CM}/noop`).send(c).expect(200);
    expect(res.body.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
  });

  test('deployment generation moves on spec changes only', async () => {
    const d = (await h.api.post(DEPLOYS).send(deployment('gen')).expect(201)).body;
    expect(d.metadata.generation).toBe(1);
    const labelled = await h.api
      .patch(`${DEPLOYS}/gen`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { labels: { team: 'a' } } })
      .expect(200);
    expect(labelled.body.metadata.labels).toEqual({ team: 'a' });
    expect(labelled.body.metadata.generation).toBe(1);
    const scaled = await h.api
      .patch(`${DEPLOYS}/gen`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 4 } })
      .expect(200);
    expect(scaled.body.metadata.generation).toBe(2);
    const put = await h.api
      .put(`${DEPLOYS}/gen`)
      .send({ ...scaled.body, spec: { ...scaled.body.spec, minReadySeconds: 3 } })
      .expect(200);
    expect(put.body.metadata.generation).toBe(3);
  });

  test('/status changes status only; the main resource ignores status', async () => {
    await h.api.post(DEPLOYS).send(deployment('st')).expect(201);
    const cur = (await h.api.get(`${DEPLOYS}/st`)).body;
    const viaStatus = await h.api
      .put(`${DEPLOYS}/st/status`)
      .send({ ...cur, spec: { ...cur.spec, replicas: 9 }, status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 } })
      .expect(200);
    expect(viaStatus.body.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(viaStatus.body.spec.replicas).toBe(1);
    expect(viaStatus.body.metadata.generation).toBe(1);

    const viaMain = await h.api
      .put(`${DEPLOYS}/st`)
      .send({ ...viaStatus.body, spec: { ...viaStatus.body.spec, replicas: 2 }, status: { replicas: 7 } })
      .expect(200);
    expect(viaMain.body.spec.replicas).toBe(2);
    expect(viaMain.body.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  test('a pod created with a status gets a fresh Pending status', async () => {
    const res = await h.api
      .post(PODS)
      .send({ ...pod('fresh'), status: { phase: 'Running' } })
      .expect(201);
    expect(res.body.status.phase).toBe('Pending');
  });
});

describe('patch', () => {
  test('an unsupported patch content type is 415', async () => {
    await h.api.post(CM).send(configMap('p415')).expect(201);
    const res = await h.api
      .patch(`${CM}/p415`)
      .set('Content-Type', 'application/json')
      .send({ data: { a: 'b' } })
      .expect(415);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  test('json, merge and strategic patches apply', async () => {
    await h.api.post(CM).send(configMap('pp')).expect(201);
    await h.api
      .patch(`${CM}/pp`)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'add', path: '/data/j', value: '1' }])
      .expect(200);
    await h.api
      .patch(`${CM}/pp`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { m: '2' } })
      .expect(200);
    const res = await h.api
      .patch(`${CM}/pp`)
      .set('Content-Type', 'application/strategic-merge-patch+json')
      .send({ data: { s: '3' } })
      .expect(200);
    expect(res.body.data).toEqual({ k: 'v', j: '1', m: '2', s: '3' });
  });

  test('unknown fields a patch adds are dropped, as decoding into the kind would', async () => {
    await h.api.post(CM).send(configMap('p-unknown')).expect(201);
    const res = await h.api
      .patch(`${CM}/p-unknown`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ bogus: 1, data: { n: '1' } })
      .expect(200);
    expect(res.body).not.toHaveProperty('bogus');
    expect(res.body.data).toEqual({ k: 'v', n: '1' });
    expect((await h.api.get(`${CM}/p-unknown`)).body).not.toHaveProperty('bogus');
  });

  test('a patch that names a stale resourceVersion is 409 Conflict', async () => {
    const c = (await h.api.post(CM).send(configMap('p-stale')).expect(201)).body;
    await h.api
      .patch(`${CM}/p-stale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { k: '1' } })
      .expect(200);
    const res = await h.api
      .patch(`${CM}/p-stale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { resourceVersion: c.metadata.resourceVersion }, data: { k: '2' } })
      .expect(409);
    expect(res.body.message).toBe(`Operation cannot be fulfilled on configmaps "p-stale": ${MODIFIED}`);
  });

  test('patching a missing object is 404', async () => {
    await h.api.patch(`${CM}/nobody`).set('Content-Type', 'application/merge-patch+json').send({ data: {} }).expect(404);
  });
});

describe('field validation', () => {
  const withUnknown = () => ({ ...configMap('fv'), bogus: 1 });

  test('Strict rejects an unknown field with 400', async () => {
    const res = await h.api.post(`${CM}?fieldValidation=Strict`).send(withUnknown()).expect(400);
    expect(res.body.reason).toBe('BadRequest');
    expect(res.body.message).toContain('unknown field "bogus"');
    await h.api.get(`${CM}/fv`).expect(404);
  });

  test('Warn (the default) creates and sends a Warning header', async () => {
    const res = await h.api.post(`${CM}?fieldValidation=Warn`).send(withUnknown()).expect(201);
    expect(res.headers.warning).toBe('299 - "unknown field \\"bogus\\""');
    expect(res.body).not.toHaveProperty('bogus');
  });

  test('nested unknown fields are reported with their path and dropped', async () => {
    const p = pod('fv-pod') as ReturnType<typeof pod> & { spec: { containers: Record<string, unknown>[] } };
    p.spec.containers[0].imagee = 'typo';
    const res = await h.api.post(PODS).send(p).expect(201);
    expect(res.headers.warning).toBe('299 - "unknown field \\"spec.containers[0].imagee\\""');
    expect(res.body.spec.containers[0]).not.toHaveProperty('imagee');
    expect((await h.api.get(`${PODS}/fv-pod`)).body.spec.containers[0]).not.toHaveProperty('imagee');
  });

  test('Ignore says nothing', async () => {
    const res = await h.api
      .post(`${CM}?fieldValidation=Ignore`)
      .send({ ...configMap('fv-ign'), bogus: 1 })
      .expect(201);
    expect(res.headers.warning).toBeUndefined();
  });
});

describe('dryRun=All', () => {
  test('create returns the would-be object (generated name included) and stores nothing', async () => {
    const before = h.service.revision();
    const res = await h.api
      .post(`${CM}?dryRun=All`)
      .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'dry-' }, data: { a: '1' } })
      .expect(201);
    expect(res.body.metadata.name).toMatch(/^dry-[a-z0-9]{5}$/);
    expect(res.body.metadata.uid).toBeTruthy();
    expect(res.body.data).toEqual({ a: '1' });
    await h.api.get(`${CM}/${res.body.metadata.name}`).expect(404);
    expect(h.service.revision()).toBe(before);
  });

  test('update and patch return the change but keep the stored object', async () => {
    const c = (await h.api.post(CM).send(configMap('dry-up')).expect(201)).body;
    const put = await h.api
      .put(`${CM}/dry-up?dryRun=All`)
      .send({ ...c, data: { k: 'put' } })
      .expect(200);
    expect(put.body.data).toEqual({ k: 'put' });
    const patched = await h.api
      .patch(`${CM}/dry-up?dryRun=All`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { k: 'patch' } })
      .expect(200);
    expect(patched.body.data).toEqual({ k: 'patch' });
    const got = (await h.api.get(`${CM}/dry-up`)).body;
    expect(got.data).toEqual({ k: 'v' });
    expect(got.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
  });

  test('delete answers as a delete would and keeps the object', async () => {
    await h.api.post(CM).send(configMap('dry-del')).expect(201);
    const res = await h.api.delete(`${CM}/dry-del?dryRun=All`).expect(200);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'dry-del', kind: 'configmaps' } });
    await h.api.get(`${CM}/dry-del`).expect(200);
  });

  test('deletecollection keeps everything', async () => {
    await h.api
      .post(CM)
      .send(configMap('dry-dc', { metadata: { labels: { dry: 'yes' } } }))
      .expect(201);
    const res = await h.api.delete(`${CM}?dryRun=All&labelSelector=dry%3Dyes`).expect(200);
    expect(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['dry-dc']);
    await h.api.get(`${CM}/dry-dc`).expect(200);
  });

  test('an unknown dryRun value is 422 on the options (ValidateDryRun)', async () => {
    const res = await h.api.post(`${CM}?dryRun=Some`).send(configMap('dry-bad')).expect(422);
    expect(res.body.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
    );
  });
});

describe('delete', () => {
  test('a configmap delete answers a Success Status', async () => {
    const c = (await h.api.post(CM).send(configMap('gone')).expect(201)).body;
    const res = await h.api.delete(`${CM}/gone`).expect(200);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps', uid: c.metadata.uid },
    });
    await h.api.get(`${CM}/gone`).expect(404);
    const again = await h.api.delete(`${CM}/gone`).expect(404);
    expect(again.body.message).toBe('configmaps "gone" not found');
  });

  test('a deployment delete Status names the group', async () => {
    await h.api.post(DEPLOYS).send(deployment('del-d')).expect(201);
    const res = await h.api.delete(`${DEPLOYS}/del-d`).expect(200);
    expect(res.body.details).toMatchObject({ name: 'del-d', group: 'apps', kind: 'deployments' });
  });

  test('a pod delete answers the pod', async () => {
    await h.api.post(PODS).send(pod('del-p')).expect(201);
    const res = await h.api.delete(`${PODS}/del-p`).expect(200);
    expect(res.body).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'del-p' } });
  });

  test('preconditions: a uid or resourceVersion mismatch is 409', async () => {
    const c = (await h.api.post(CM).send(configMap('pre')).expect(201)).body;
    const byUid = await h.api
      .delete(`${CM}/pre`)
      .send({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-it' } })
      .expect(409);
    expect(byUid.body).toMatchObject({
      reason: 'Conflict',
      // rest.BeforeDelete checks preconditions before storage does, naming the kind (not the resource).
      message: `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (not-it) does not match the UID in record (${c.metadata.uid}). The object might have been deleted and then recreated`,
    });
    const byRv = await h.api
      .delete(`${CM}/pre`)
      .send({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } })
      .expect(409);
    expect(byRv.body.message).toContain('the ResourceVersion in the precondition (1) does not match the ResourceVersion in record');
    await h.api.get(`${CM}/pre`).expect(200);
    await h.api
      .delete(`${CM}/pre`)
      .send({ preconditions: { uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion } })
      .expect(200);
    await h.api.get(`${CM}/pre`).expect(404);
  });

  test('deletecollection with a label selector deletes only matching objects', async () => {
    const ns = '/api/v1/namespaces/dc/configmaps';
    await h.api
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'dc' } })
      .expect(201);
    for (const [n, tier] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ]) {
      await h.api
        .post(ns)
        .send(configMap(n, { metadata: { labels: { tier } } }))
        .expect(201);
    }
    const res = await h.api.delete(`${ns}?labelSelector=tier%3Da`).expect(200);
    expect(res.body.kind).toBe('ConfigMapList');
    expect(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort()).toEqual(['a1', 'a2']);
    const left = await h.api.get(ns).expect(200);
    expect(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['b1']);
  });
});
