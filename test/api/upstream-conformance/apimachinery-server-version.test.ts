// Mirrors test/e2e/apimachinery/server_version.go's [Conformance] test (upstream v1.26) over the in-process server.
import { startCluster, type Cluster } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster();
});
afterAll(() => c.close());

describe('[sig-api-machinery] server version', () => {
  test('should find the server version [Conformance]', async () => {
    const version = (await c.h.api.get('/version').expect(200)).body;
    // The major version is one digit 1-9; the minor version's digits are all of it once anything else is dropped.
    expect(/[1-9]/.exec(version.major)?.[0]).toBe(version.major);
    const cleanMinor = String(version.minor).replace(/[^0-9]+/g, '');
    expect(/[0-9]+/.exec(version.minor)?.[0]).toBe(cleanMinor);
  });
});
