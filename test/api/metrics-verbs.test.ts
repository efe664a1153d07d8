// apiserver_request_total's verb label as kube-apiserver reports it: the action verbs (POST, PUT, PATCH, GET, LIST,
// DELETE) and APPLY for server-side apply (a PATCH with the apply-patch content type).
import { startHarness, type Harness, CM, configMap } from './harness.js';
import { metricsRegistry } from '../../src/api/metrics.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const countOf = async (verb: string) =>
  (await metricsRegistry.getSingleMetric('apiserver_request_total')!.get()).values
    .filter((v) => v.labels.verb === verb && v.labels.resource === 'configmaps')
    .reduce((n, v) => n + v.value, 0);

test('server-side apply counts as APPLY, a merge patch as PATCH, a create as POST', async () => {
  const [apply, patch, post, list] = await Promise.all(['APPLY', 'PATCH', 'POST', 'LIST'].map(countOf));
  await h.api.post(CM).send(configMap('made')).expect(201);
  await h.api
    .patch(`${CM}/applied?fieldManager=test`)
    .set('Content-Type', 'application/apply-patch+yaml')
    .send(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { a: '1' } }))
    .expect(201);
  await h.api
    .patch(`${CM}/applied`)
    .set('Content-Type', 'application/merge-patch+json')
    .send(JSON.stringify({ data: { b: '2' } }))
    .expect(200);
  await h.api.get(CM).expect(200);
  expect(await countOf('APPLY')).toBe(apply + 1);
  expect(await countOf('PATCH')).toBe(patch + 1);
  expect(await countOf('POST')).toBe(post + 1);
  expect(await countOf('LIST')).toBe(list + 1);
});
