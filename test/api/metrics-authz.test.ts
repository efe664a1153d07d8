// /metrics needs `get` on the non-resource URL /metrics, as in Kubernetes: the admin (system:masters) and the
// system:monitoring group have it; a pod's service account and the read-only viewer do not; anonymous is 401.
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test.each([['admin'], ['monitoring']] as const)('%s reads /metrics', async (who) => {
  await h.api.get('/api/v1/namespaces').expect(200); // something to count
  const res = await h.as(who).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.text).toMatch(/^apiserver_request_total\{/m);
});

test.each([
  ['sa', 'system:serviceaccount:default:default'],
  ['viewer', 'dockube-viewer'],
] as const)('%s gets 403 for /metrics, worded as the apiserver words non-resource denials', async (who, name) => {
  const res = await h.as(who).get('/metrics').expect(403);
  expect(res.body).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'Forbidden',
    code: 403,
    details: {},
    message: `forbidden: User "${name}" cannot get path "/metrics"`,
  });
  expect(res.text).not.toMatch(/apiserver_request_total/);
});

test('anonymous requests are 401', async () => {
  expect((await h.as(undefined).get('/metrics').expect(401)).body).toMatchObject({ kind: 'Status', reason: 'Unauthorized' });
});

test('the monitoring identity reads health and metrics, nothing else', async () => {
  const mon = h.as('monitoring');
  await mon.get('/readyz').expect(200);
  await mon.get('/api/v1/namespaces/default/configmaps').expect(403);
  await mon.get('/api/v1/namespaces/default/secrets').expect(403);
  const rules = await mon
    .post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews')
    .send({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } })
    .expect(201);
  expect(rules.body.status.nonResourceRules).toContainEqual({
    verbs: ['get'],
    nonResourceURLs: expect.arrayContaining(['/metrics', '/readyz', '/livez']),
  });
  const sa = await h
    .as('sa')
    .post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews')
    .send({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } })
    .expect(201);
  expect(JSON.stringify(sa.body.status.nonResourceRules)).not.toContain('/metrics');
});
