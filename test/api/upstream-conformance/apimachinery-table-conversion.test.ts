// Mirrors test/e2e/apimachinery/table_conversion.go's [Conformance] test (upstream v1.26) over the in-process server.
import { startCluster, type Cluster } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster();
});
afterAll(() => c.close());

describe('[sig-api-machinery] Servers with support for Table transformation', () => {
  test('should return a 406 for a backend which does not implement metadata [Conformance]', async () => {
    const res = await c.h.api
      .post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
      .send({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { nonResourceAttributes: { path: '/', verb: 'get' } },
      });
    expect(res.status).toBe(406);
    expect(res.body).toMatchObject({ kind: 'Status', code: 406 });
  });
});
