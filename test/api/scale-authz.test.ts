// The /scale subresource, and authorization (the viewer role, 403 wording, SelfSubjectAccessReview).
import { CM, DEPLOYS, configMap, deployment, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.api.post(DEPLOYS).send(deployment('web', 2)).expect(201);
  await h.api.post(CM).send(configMap('visible')).expect(201);
});
afterAll(() => h.close());

describe('scale subresource', () => {
  test('GET is an autoscaling/v1 Scale with the selector as a string', async () => {
    const d = (await h.api.get(`${DEPLOYS}/web`)).body;
    const res = await h.api.get(`${DEPLOYS}/web/scale`).expect(200);
    expect(res.body).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: d.metadata.uid,
        resourceVersion: d.metadata.resourceVersion,
        creationTimestamp: d.metadata.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    });
  });

  test('a merge PATCH of spec.replicas updates the deployment', async () => {
    const res = await h.api
      .patch(`${DEPLOYS}/web/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 3 } })
      .expect(200);
    expect(res.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    const d = (await h.api.get(`${DEPLOYS}/web`)).body;
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.generation).toBe(2);
    expect(res.body.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
  });

  test('a PUT of a Scale updates the deployment; a stale resourceVersion is 409', async () => {
    const scale = (await h.api.get(`${DEPLOYS}/web/scale`)).body;
    await h.api
      .put(`${DEPLOYS}/web/scale`)
      .send({ ...scale, spec: { replicas: 5 } })
      .expect(200);
    expect((await h.api.get(`${DEPLOYS}/web`)).body.spec.replicas).toBe(5);
    const stale = await h.api
      .put(`${DEPLOYS}/web/scale`)
      .send({ ...scale, spec: { replicas: 6 } })
      .expect(409);
    expect(stale.body.reason).toBe('Conflict');
  });

  test('negative replicas is 422 Invalid', async () => {
    const res = await h.api
      .patch(`${DEPLOYS}/web/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: -1 } })
      .expect(422);
    expect(res.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'spec.replicas' }] } });
    expect(res.body.message).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect((await h.api.get(`${DEPLOYS}/web`)).body.spec.replicas).toBe(5);
  });

  test('scale of a missing deployment is 404; of a configmap is 404', async () => {
    const res = await h.api.get(`${DEPLOYS}/nope/scale`).expect(404);
    expect(res.body.message).toBe('deployments.apps "nope" not found');
    const cm = await h.api.get(`${CM}/visible/scale`).expect(404);
    expect(cm.body.message).toBe('the server could not find the requested resource');
  });
});

describe('authorization', () => {
  const viewer = () => h.as('viewer');

  test('the viewer can get, list and watch', async () => {
    await viewer().get(CM).expect(200);
    await viewer().get(`${CM}/visible`).expect(200);
    await viewer().get(`${DEPLOYS}/web/scale`).expect(200);
  });

  test('the viewer cannot create: 403 in Kubernetes words', async () => {
    const res = await viewer().post(CM).send(configMap('nope')).expect(403);
    expect(res.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'configmaps is forbidden: User "dockube-viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
      details: { kind: 'configmaps' },
    });
    await h.api.get(`${CM}/nope`).expect(404);
  });

  test('a named, grouped denial names the object and the group', async () => {
    const res = await viewer().delete(`${DEPLOYS}/web`).expect(403);
    expect(res.body.message).toBe(
      'deployments.apps "web" is forbidden: User "dockube-viewer" cannot delete resource "deployments" in API group "apps" in the namespace "default"',
    );
    expect(res.body.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });

  test('the viewer cannot scale or read secrets', async () => {
    const res = await viewer()
      .patch(`${DEPLOYS}/web/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 1 } })
      .expect(403);
    expect(res.body.message).toContain('cannot patch resource "deployments/scale"');
    await viewer().get('/api/v1/namespaces/default/secrets').expect(403);
  });

  const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
  const review = (verb: string, resource: string, namespace = 'default') => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace, verb, group: '', resource } },
  });

  test('SelfSubjectAccessReview: admin may create', async () => {
    const res = await h.api.post(SSAR).send(review('create', 'configmaps')).expect(201);
    expect(res.body).toMatchObject({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', status: { allowed: true } });
    expect(res.body.spec.resourceAttributes).toMatchObject({ verb: 'create', resource: 'configmaps' });
  });

  test('SelfSubjectAccessReview: the viewer may list but not create', async () => {
    const list = await viewer().post(SSAR).send(review('list', 'configmaps')).expect(201);
    expect(list.body.status.allowed).toBe(true);
    const create = await viewer().post(SSAR).send(review('create', 'configmaps')).expect(201);
    expect(create.body.status.allowed).toBe(false);
    const secrets = await viewer().post(SSAR).send(review('get', 'secrets')).expect(201);
    expect(secrets.body.status.allowed).toBe(false);
  });

  test('SelfSubjectAccessReview is create-only and never stored', async () => {
    await h.api.get(SSAR).expect(405);
  });

  test('anonymous is 401 before any authorization', async () => {
    await h.as(undefined).post(CM).send(configMap('anon')).expect(401);
  });
});
