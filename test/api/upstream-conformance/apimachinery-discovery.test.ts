// Mirrors test/e2e/apimachinery/discovery.go's [Conformance] tests (upstream v1.26's, and v1.28's "should locate the
// groupVersion and a resource within each APIGroup") over the in-process server.
import { startCluster, type Cluster, type J } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster();
});
afterAll(() => c.close());

describe('[sig-api-machinery] Discovery', () => {
  test('should validate PreferredVersion for each APIGroup [Conformance]', async () => {
    const list = (await c.h.api.get('/apis/').expect(200)).body;
    expect(list.groups.length).toBeGreaterThan(0);
    for (const group of list.groups as J[]) {
      if ((group.name as string).endsWith('.example.com')) continue;
      const checkGroup = (await c.h.api.get(`/apis/${group.name}/`).expect(200)).body;
      expect(checkGroup.versions.length).toBeGreaterThan(0);
      const versions = (checkGroup.versions as J[]).map((v) => v.groupVersion);
      expect(versions).toContain(checkGroup.preferredVersion.groupVersion);
    }
  });

  test('should locate the groupVersion and a resource within each APIGroup [Conformance]', async () => {
    const tests: [string, string, string, string][] = [
      ['/api', '', 'v1', 'namespaces'],
      ['/apis', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'],
      ['/apis', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions'],
      ['/apis', 'apiregistration.k8s.io', 'v1', 'apiservices'],
      ['/apis', 'apps', 'v1', 'deployments'],
      ['/apis', 'authentication.k8s.io', 'v1', 'tokenreviews'],
      ['/apis', 'authorization.k8s.io', 'v1', 'selfsubjectaccessreviews'],
      ['/apis', 'autoscaling', 'v1', 'horizontalpodautoscalers'],
      ['/apis', 'autoscaling', 'v2', 'horizontalpodautoscalers'],
      ['/apis', 'batch', 'v1', 'jobs'],
      ['/apis', 'certificates.k8s.io', 'v1', 'certificatesigningrequests'],
      ['/apis', 'coordination.k8s.io', 'v1', 'leases'],
      ['/apis', 'discovery.k8s.io', 'v1', 'endpointslices'],
      ['/apis', 'events.k8s.io', 'v1', 'events'],
      ['/apis', 'networking.k8s.io', 'v1', 'ingresses'],
      ['/apis', 'node.k8s.io', 'v1', 'runtimeclasses'],
      ['/apis', 'policy', 'v1', 'poddisruptionbudgets'],
      ['/apis', 'scheduling.k8s.io', 'v1', 'priorityclasses'],
      ['/apis', 'storage.k8s.io', 'v1', 'csinodes'],
    ];
    for (const [base, group, version, resource] of tests) {
      const path = [base, group, version].filter(Boolean).join('/');
      const list = (await c.h.api.get(path).expect(200)).body;
      expect(list.groupVersion).toBe(group ? `${group}/${version}` : version);
      expect((list.resources as J[]).map((r) => r.name)).toContain(resource);
    }
  });
});
