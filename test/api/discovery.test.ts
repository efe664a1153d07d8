// Discovery as kubectl reads it: legacy bodies, aggregated v2/v2beta1 only when asked, and who may read what.
import { asText, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const AGG = (v: string) => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

describe('legacy discovery', () => {
  test('/api is APIVersions with v1 and the server address', async () => {
    const res = await h.api.get('/api').set('Accept', 'application/json, */*').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.kind).toBe('APIVersions');
    expect(res.body.versions).toEqual(['v1']);
    expect(res.body.serverAddressByClientCIDRs).toEqual([{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${h.port}` }]);
  });

  test('/apis is an APIGroupList of named groups with preferred versions', async () => {
    const res = await h.api.get('/apis').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
    const apps = res.body.groups.find((g: { name: string }) => g.name === 'apps');
    expect(apps).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    expect(res.body.groups.some((g: { name: string }) => g.name === '')).toBe(false);
  });

  test('/api/v1 lists resources with subresources as resource/sub', async () => {
    const res = await h.api.get('/api/v1').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    const byName = new Map<string, Record<string, unknown>>(res.body.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(byName.get('pods')!.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(byName.get('pods/status')).toMatchObject({ singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
  });

  test('/apis/apps/v1 names the scale subresource as autoscaling/v1 Scale', async () => {
    const res = await h.api.get('/apis/apps/v1').expect(200);
    expect(res.body.groupVersion).toBe('apps/v1');
    const scale = res.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
    expect(scale).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', namespaced: true });
  });

  test('/apis/apps is an APIGroup; unknown groups and versions are 404', async () => {
    const res = await h.api.get('/apis/apps').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'apps' });
    await h.api.get('/apis/nope.example.com').expect(404);
    const nf = await h.api.get('/api/v9').expect(404);
    expect(nf.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
  });
});

describe('aggregated discovery', () => {
  test.each(['v2', 'v2beta1'])('/api answers %s with the exact content type and one core item', async (v) => {
    const res = await h.api
      .get('/api')
      .set('Accept', `${AGG(v)},application/json`)
      .buffer(true)
      .parse(asText)
      .expect(200);
    expect(res.headers['content-type']).toBe(AGG(v));
    const body = JSON.parse(res.body as string);
    expect(body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}` });
    expect(body.items).toHaveLength(1);
    expect(body.items[0].metadata.name).toBe('');
    const pods = body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
    });
    expect(pods.subresources).toEqual(expect.arrayContaining([expect.objectContaining({ subresource: 'status' })]));
  });

  test('kubectl 1.27 asks for v2beta1 only and must get v2beta1', async () => {
    const res = await h.api
      .get('/apis')
      .set('Accept', `${AGG('v2beta1')},application/json`)
      .expect(200);
    expect(res.headers['content-type']).toBe(AGG('v2beta1'));
  });

  test('kubectl 1.33 lists v2 first and gets v2; /apis holds the named groups', async () => {
    const res = await h.api
      .get('/apis')
      .set('Accept', `${AGG('v2')},${AGG('v2beta1')},application/json`)
      .buffer(true)
      .parse(asText)
      .expect(200);
    expect(res.headers['content-type']).toBe(AGG('v2'));
    const body = JSON.parse(res.body as string);
    expect(body.apiVersion).toBe('apidiscovery.k8s.io/v2');
    const apps = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    expect(deploy.subresources).toEqual(
      expect.arrayContaining([
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
      ]),
    );
    expect(body.items.some((i: { metadata: { name: string } }) => i.metadata.name === '')).toBe(false);
  });

  test('plain JSON first in Accept gets the legacy body', async () => {
    const res = await h.api
      .get('/api')
      .set('Accept', `application/json,${AGG('v2')}`)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8$|^application\/json$/);
    expect(res.body.kind).toBe('APIVersions');
  });
});

describe('authentication on non-resource paths', () => {
  test('anonymous gets 401 Unauthorized Status on /api and on resources', async () => {
    const res = await h.as(undefined).get('/api').expect(401);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    await h.as(undefined).get('/api/v1/namespaces').expect(401);
  });

  test('an unknown bearer token is 401 too', async () => {
    await h.api.get('/apis').set('Authorization', 'Bearer nope').expect(401);
  });

  test.each(['/healthz', '/readyz', '/livez'])('anonymous %s is 200 ok', async (p) => {
    const res = await h.as(undefined).get(p).expect(200);
    expect(res.text).toBe('ok');
  });

  test('anonymous /version is the version info', async () => {
    const res = await h.as(undefined).get('/version').expect(200);
    expect(res.body.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(res.body).toHaveProperty('platform');
  });
});
