// Request metrics keep a bounded set of series: a path with a made-up subresource is a 404 that adds no labels, so a
// client cannot grow the server's memory by inventing paths.
import { startHarness, type Harness, CM, configMap } from './harness.js';
import { metricsRegistry } from '../../src/api/metrics.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const series = async () => (await metricsRegistry.getSingleMetric('apiserver_request_total')!.get()).values.length;

test('made-up subresources are 404s that add no series; served ones are counted', async () => {
  await h.api.post(CM).send(configMap('cm')).expect(201);
  await h.api.get(`${CM}/cm/made-up-0`).expect(404);
  const before = await series();
  for (let i = 1; i <= 50; i++) await h.api.get(`${CM}/cm/made-up-${i}`).expect(404);
  expect(await series()).toBe(before);
  const subresources = async () =>
    (await metricsRegistry.getSingleMetric('apiserver_request_total')!.get()).values
      .filter((v) => v.labels.resource === 'deployments')
      .map((v) => v.labels.subresource);
  await h.api.get('/apis/apps/v1/namespaces/default/deployments/none/scale').expect(404);
  expect(await subresources()).toContain('scale');
});
