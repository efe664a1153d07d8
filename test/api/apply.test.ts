import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const CMS = '/api/v1/namespaces/default/configmaps';
const DEPS = '/apis/apps/v1/namespaces/default/deployments';
const APPLY = 'application/apply-patch+yaml';
const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

const applyReq = (path: string, body: unknown, query: string) =>
  h.api
    .patch(`${path}?${query}`)
    .set('Content-Type', APPLY)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('server-side apply over HTTP', () => {
  test('apply to a missing object creates it (201) with an Apply entry; a second apply changes and prunes', async () => {
    const created = await applyReq(`${CMS}/ssa1`, cm('ssa1', { a: '1', b: '2' }), 'fieldManager=tool').expect(201);
    expect(created.body.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'tool',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      }),
    ]);
    // YAML body this time.
    const again = await applyReq(
      `${CMS}/ssa1`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa1\ndata:\n  a: "9"\n',
      'fieldManager=tool',
    ).expect(200);
    expect(again.body.data).toEqual({ a: '9' });
    expect((await h.api.get(`${CMS}/ssa1`).expect(200)).body.data).toEqual({ a: '9' });
  });

  test('an undeclared field fails the typed conversion, its list elements named by key as structured-merge-diff names them', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ssa-undeclared' },
      spec: {
        selector: { matchLabels: { app: 'u' } },
        template: {
          metadata: { labels: { app: 'u' } },
          spec: { containers: [{ name: 'c', image: 'busybox:1', ports: [{ containerPort: 80, protocol: 'TCP', bogus: 1 }] }] },
        },
      },
    };
    const res = await applyReq(`${DEPS}/ssa-undeclared`, body, 'fieldManager=tool').expect(500);
    expect(res.body.message).toBe(
      'failed to create typed patch object (/ssa-undeclared; apps/v1, Kind=Deployment): ' +
        '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].bogus: field not declared in schema',
    );
  });

  test('fieldManager is required', async () => {
    const res = await applyReq(`${CMS}/ssa2`, cm('ssa2', { a: '1' }), 'force=false').expect(422);
    expect(res.body.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  test('conflict between managers is a 409 with causes; force takes over', async () => {
    await applyReq(`${CMS}/ssa3`, cm('ssa3', { k: 'a' }), 'fieldManager=a').expect(201);
    const res = await applyReq(`${CMS}/ssa3`, cm('ssa3', { k: 'b' }), 'fieldManager=b&force=false').expect(409);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "a": .data.k',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.k' }] },
    });
    const forced = await applyReq(`${CMS}/ssa3`, cm('ssa3', { k: 'b' }), 'fieldManager=b&force=true').expect(200);
    expect(forced.body.data.k).toBe('b');
    expect(forced.body.metadata.managedFields.map((e: { manager: string }) => e.manager)).toEqual(['b']);
  });

  test('dryRun apply neither creates nor changes', async () => {
    await applyReq(`${CMS}/ssa4`, cm('ssa4', { a: '1' }), 'fieldManager=t&dryRun=All').expect(201);
    await h.api.get(`${CMS}/ssa4`).expect(404);
  });

  test('creates and updates record Update entries; managers default from the User-Agent; no-op keeps the revision', async () => {
    const c = await h.api
      .post(CMS)
      .set('User-Agent', 'kubectl/v1.33.1 (linux/amd64) kubernetes/abc')
      .send(cm('upd', { a: '1' }))
      .expect(201);
    expect(c.body.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:data': { 'f:a': {} } } }),
    ]);
    const p = await h.api
      .patch(`${CMS}/upd?fieldManager=editor`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { b: '2' } })
      .expect(200);
    // Same second: sorted by manager name.
    expect(p.body.metadata.managedFields.map((e: { manager: string }) => e.manager)).toEqual(['editor', 'kubectl']);
    const same = await h.api
      .patch(`${CMS}/upd?fieldManager=other`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { b: '2' } })
      .expect(200);
    expect(same.body.metadata.resourceVersion).toBe(p.body.metadata.resourceVersion);
    // An updater's field conflicts with an applier, named with its apiVersion.
    const res = await applyReq(`${CMS}/upd`, cm('upd', { b: '3' }), 'fieldManager=ssa').expect(409);
    expect(res.body.message).toBe('Apply failed with 1 conflict: conflict with "editor" using v1: .data.b');
  });

  test('a JSON patch rewriting managedFields is kept (client-side → server-side apply migration)', async () => {
    const c = (
      await h.api
        .post(`${CMS}?fieldManager=kubectl-client-side-apply`)
        .send(cm('mig', { a: '1', b: '2' }))
        .expect(201)
    ).body;
    const migrated = [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: c.metadata.managedFields[0].time,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      },
    ];
    await h.api
      .patch(`${CMS}/mig?fieldManager=kubectl`)
      .set('Content-Type', 'application/json-patch+json')
      .send([
        { op: 'test', path: '/metadata/resourceVersion', value: c.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/managedFields', value: migrated },
      ])
      .expect(200);
    const applied = await applyReq(`${CMS}/mig`, cm('mig', { a: '1' }), 'fieldManager=kubectl').expect(200);
    expect(applied.body.data).toEqual({ a: '1' });
  });

  test('deployments: containers merge by name, status is not owned, generation moves only on spec change', async () => {
    const dep = (image: string, replicas = 1) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd1' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'web', image }] } },
      },
    });
    const a = await applyReq(`${DEPS}/d1`, dep('nginx:1'), 'fieldManager=a').expect(201);
    const fv = a.body.metadata.managedFields[0].fieldsV1;
    expect(fv['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
    const again = await applyReq(`${DEPS}/d1`, dep('nginx:1'), 'fieldManager=a').expect(200);
    expect(again.body.metadata.resourceVersion).toBe(a.body.metadata.resourceVersion);
    const res = await applyReq(`${DEPS}/d1`, dep('nginx:1', 3), 'fieldManager=b').expect(409);
    expect(res.body.details.causes[0].field).toBe('.spec.replicas');
  });
});
