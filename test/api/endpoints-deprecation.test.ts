// core/v1 Endpoints are deprecated since Kubernetes 1.33: every request to them (get, list, write) carries the
// apiserver's warning, which kubectl prints; a write's own warnings (an unknown field) come after it. Other
// resources carry none.
import { startHarness, type Harness } from './harness.js';

const DEPRECATED = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';
const EP = '/api/v1/namespaces/default/endpoints';

describe('Endpoints deprecation warning', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  test('get, list and create warn; a write with another warning sends both, the deprecation first', async () => {
    const get = await h.api.get(`${EP}/kubernetes`).expect(200);
    expect(get.headers.warning).toBe(DEPRECATED);
    const list = await h.api.get(EP).expect(200);
    expect(list.headers.warning).toBe(DEPRECATED);
    const created = await h.api
      .post(EP)
      .send({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'x' }, bogus: 1 })
      .expect(201);
    expect(created.headers.warning).toBe(`${DEPRECATED}, 299 - "unknown field \\"bogus\\""`);
    const other = await h.api.get('/api/v1/namespaces/default/services/kubernetes').expect(200);
    expect(other.headers.warning).toBeUndefined();
  });
});
