// Server-side Tables and PartialObjectMetadata, as `kubectl get` negotiates them.
import { CM, PODS, configMap, pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.api
    .post(PODS)
    .send(pod('web', { labels: { app: 'web' }, nodeName: 'node1' }))
    .expect(201);
  await h.api
    .post(PODS)
    .send(pod('db', { labels: { app: 'db' } }))
    .expect(201);
  const web = (await h.api.get(`${PODS}/web`)).body;
  await h.api
    .put(`${PODS}/web/status`)
    .send({ ...web, status: { ...web.status, phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] } })
    .expect(200);
  await h.api.post(CM).send(configMap('settings')).expect(201);
});
afterAll(() => h.close());

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const KUBECTL_GET = `${TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;

describe('Table', () => {
  test('a pod list is a meta.k8s.io/v1 Table with kubectl columns and PartialObjectMetadata rows', async () => {
    const res = await h.api.get(`${PODS}?limit=500`).set('Accept', KUBECTL_GET).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const t = res.body;
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.metadata.resourceVersion).toMatch(/^\d+$/);
    const cols = t.columnDefinitions.map((c: { name: string; priority: number }) => [c.name, c.priority]);
    expect(cols.slice(0, 7)).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
    ]);
    expect(t.columnDefinitions[0]).toMatchObject({ type: 'string', format: 'name' });
    for (const c of t.columnDefinitions) expect(Object.keys(c).sort()).toEqual(['description', 'format', 'name', 'priority', 'type']);

    expect(t.rows).toHaveLength(2);
    const web = t.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'web');
    expect(web.cells.slice(0, 4)).toEqual(['web', '0/1', 'Running', '0']);
    expect(web.cells[5]).toBe('10.0.0.5');
    expect(web.cells[6]).toBe('node1');
    expect(web.cells).toHaveLength(t.columnDefinitions.length);
    expect(web.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    });
    expect(web.object.spec).toBeUndefined();
    const db = t.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'db');
    expect(db.cells[2]).toBe('Pending');
    expect(db.cells[6]).toBe('<none>');
  });

  test('a single object is a one-row Table', async () => {
    const res = await h.api.get(`${PODS}/web`).set('Accept', KUBECTL_GET).expect(200);
    expect(res.body.kind).toBe('Table');
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0].object.metadata.name).toBe('web');
  });

  test('includeObject=Object carries the full objects; None carries none', async () => {
    const full = await h.api.get(`${PODS}?includeObject=Object`).set('Accept', TABLE).expect(200);
    const web = full.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'web');
    expect(web.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { nodeName: 'node1' }, status: { phase: 'Running' } });
    const none = await h.api.get(`${PODS}?includeObject=None`).set('Accept', TABLE).expect(200);
    expect(none.body.rows[0]).not.toHaveProperty('object');
    await h.api.get(`${PODS}?includeObject=Everything`).set('Accept', TABLE).expect(400);
  });

  test('a Table list keeps paging metadata', async () => {
    const res = await h.api.get(`${PODS}?limit=1`).set('Accept', TABLE).expect(200);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.metadata.continue).toBeTruthy();
    expect(res.body.metadata.remainingItemCount).toBe(1);
  });

  test('configmaps have their own columns: Name, Data, Age', async () => {
    const res = await h.api.get(CM).set('Accept', TABLE).expect(200);
    expect(res.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Data', 'Age']);
    const row = res.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'settings');
    expect(row.cells[1]).toBe(1);
  });

  test('plain JSON without as=Table is the typed list', async () => {
    const res = await h.api.get(PODS).set('Accept', 'application/json').expect(200);
    expect(res.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
  });

  test('YAML is served when asked', async () => {
    const res = await h.api.get(`${PODS}/web`).set('Accept', 'application/yaml').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.text).toMatch(/^kind: Pod\napiVersion: v1\n/);
  });
});

describe('negotiation', () => {
  // Built-in kinds answer protobuf (test/api/protobuf-responses.test.ts); a custom resource's protobuf-only Accept is 406.
  test('protobuf only is served for a built-in kind', async () => {
    const res = await h.api.get(PODS).set('Accept', 'application/vnd.kubernetes.protobuf').expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.kubernetes.protobuf');
  });

  test('as=PartialObjectMetadataList gives metadata only', async () => {
    const res = await h.api
      .get(`${PODS}?limit=1`)
      .set('Accept', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')
      .expect(200);
    expect(res.body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(res.body.metadata.continue).toBeTruthy();
    expect(res.body.items[0]).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: expect.objectContaining({ name: 'db', namespace: 'default' }),
    });
  });

  test('as=PartialObjectMetadata on a single object', async () => {
    const res = await h.api.get(`${PODS}/web`).set('Accept', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io').expect(200);
    expect(res.body).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web' } });
    expect(res.body.spec).toBeUndefined();
  });
});
