// Mirrors test/e2e/apimachinery/custom_resource_definition.go's [Conformance] tests (upstream v1.26) over the
// in-process server: the same API steps and checks, named as upstream names them.
import { createCrd, deleteCrd, randomNameCrd, startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ customResources: true });
});
afterAll(() => c.close());

describe('[sig-api-machinery] CustomResourceDefinition resources [Privileged:ClusterAdmin]', () => {
  describe('Simple CustomResourceDefinition', () => {
    test('creating/deleting custom resource definition objects works [Conformance]', async () => {
      const crd = await createCrd(c.h, randomNameCrd('Cluster'));
      await deleteCrd(c.h, crd);
      await c.h.api.get(`${CRDS}/${crd.metadata.name}`).expect(404);
    });

    test('listing custom resource definition objects works [Conformance]', async () => {
      const uuid = `list-${Date.now()}`;
      const labelled: J[] = [];
      for (let i = 0; i < 10; i++) {
        const crd = randomNameCrd('Cluster');
        crd.metadata.labels = { 'e2e-list-test-uuid': uuid };
        labelled.push(await createCrd(c.h, crd));
      }
      const other = await createCrd(c.h, randomNameCrd('Cluster'));

      const selector = `labelSelector=${encodeURIComponent(`e2e-list-test-uuid=${uuid}`)}`;
      const list = (await c.h.api.get(`${CRDS}?${selector}`).expect(200)).body;
      expect(list.items).toHaveLength(10);
      for (const actual of list.items as J[]) {
        const expected = labelled.find((e) => e.metadata.name === actual.metadata.name);
        expect(expected).toBeDefined();
        expect(actual.spec).toEqual(expected!.spec);
      }

      // DeleteV1CustomResourceDefinitions: delete collection, then the labelled ones are gone and the other stays.
      await c.h.api.delete(`${CRDS}?${selector}`).expect(200);
      await until(async () => (await c.h.api.get(`${CRDS}?${selector}`).expect(200)).body.items.length === 0);
      await c.h.api.get(`${CRDS}/${other.metadata.name}`).expect(200);
      await deleteCrd(c.h, other);
    });

    test('getting/updating/patching custom resource definition status sub-resource works [Conformance]', async () => {
      const crd = await createCrd(c.h, randomNameCrd('Cluster'));
      const updateCondition = { message: 'updated' };
      let updated: J | undefined;
      // retry.RetryOnConflict: the CRD controllers write the status too.
      await until(async () => {
        const status = (await c.h.api.get(`${CRDS}/${crd.metadata.name}/status`).expect(200)).body;
        expect(status.spec).toEqual(crd.spec);
        status.status.conditions = [...(status.status.conditions ?? []), updateCondition];
        const res = await c.h.api.put(`${CRDS}/${crd.metadata.name}/status`).send(status);
        if (res.status === 409) return false;
        expect(res.status).toBe(200);
        updated = res.body;
        return true;
      });
      expect(updated!.status.conditions).toContainEqual(updateCondition);

      const patched = (
        await c.h.api
          .patch(`${CRDS}/${crd.metadata.name}/status`)
          .set('Content-Type', 'application/json-patch+json')
          .send([{ op: 'add', path: '/status/conditions', value: [{ message: 'patched' }] }])
          .expect(200)
      ).body;
      expect(updated!.status.conditions).toContainEqual(updateCondition);
      expect(patched.status.conditions).toContainEqual({ message: 'patched' });
      await deleteCrd(c.h, crd);
    });
  });

  test('should include custom resource definition resources in discovery documents [Conformance]', async () => {
    const groups = (await c.h.api.get('/apis').expect(200)).body;
    const group = (groups.groups as J[]).find((g) => g.name === 'apiextensions.k8s.io');
    expect(group).toBeDefined();
    expect((group!.versions as J[]).some((v) => v.version === 'v1')).toBe(true);

    const g = (await c.h.api.get('/apis/apiextensions.k8s.io').expect(200)).body;
    expect(g.name).toBe('apiextensions.k8s.io');
    expect((g.versions as J[]).some((v) => v.version === 'v1')).toBe(true);

    const list = (await c.h.api.get('/apis/apiextensions.k8s.io/v1').expect(200)).body;
    expect(list.groupVersion).toBe('apiextensions.k8s.io/v1');
    expect((list.resources as J[]).some((r) => r.name === 'customresourcedefinitions')).toBe(true);
  });

  test('custom resource defaulting for requests and from storage works [Conformance]', async () => {
    const def = randomNameCrd('Cluster');
    def.spec.versions[0].schema.openAPIV3Schema.properties = { a: { type: 'string' }, b: { type: 'string' } };
    const crd = await createCrd(c.h, def);
    const path = `/apis/${crd.spec.group}/${crd.spec.versions[0].name}/${crd.spec.names.plural}`;
    const cr = (name: string) => ({ apiVersion: `${crd.spec.group}/v1beta1`, kind: crd.spec.names.kind, metadata: { name } });

    // A CR stored without the default.
    await c.h.api.post(path).send(cr('cr-1abcde')).expect(201);

    // Default a to "A": the stored CR is defaulted on read.
    await c.h.api
      .patch(`${CRDS}/${crd.metadata.name}`)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'add', path: '/spec/versions/0/schema/openAPIV3Schema/properties/a/default', value: 'A' }])
      .expect(200);
    await until(async () => {
      const u1 = (await c.h.api.get(`${path}/cr-1abcde`).expect(200)).body;
      if (!('a' in u1)) return false;
      expect(u1.a).toBe('A');
      return true;
    });

    // A CR created now is defaulted on the request and stored with it.
    const u2 = (await c.h.api.post(path).send(cr('cr-2abcde')).expect(201)).body;
    expect(u2.a).toBe('A');

    // Remove a's default, default b to "B": b is defaulted on read, the stored a stays.
    await c.h.api
      .patch(`${CRDS}/${crd.metadata.name}`)
      .set('Content-Type', 'application/json-patch+json')
      .send([
        { op: 'remove', path: '/spec/versions/0/schema/openAPIV3Schema/properties/a/default' },
        { op: 'add', path: '/spec/versions/0/schema/openAPIV3Schema/properties/b/default', value: 'B' },
      ])
      .expect(200);
    await until(async () => {
      const got = (await c.h.api.get(`${path}/cr-2abcde`).expect(200)).body;
      if (!('b' in got)) return false;
      expect(got.b).toBe('B');
      expect(got.a).toBe('A');
      return true;
    });
    await deleteCrd(c.h, crd);
  });
});
