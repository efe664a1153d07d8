// Mirrors test/e2e/apimachinery/crd_watch.go's [Conformance] test (upstream v1.26) over the in-process server.
import { openWatch } from '../harness.js';
import { createCrd, deleteCrd, expectEvent, expectNoEvent, startCluster, type Cluster, type J } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ customResources: true });
});
afterAll(() => c.close());

/** fixtures.NewNoxuV1CustomResourceDefinition, cluster-scoped. */
const noxu = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'noxus.mygroup.example.com' },
  spec: {
    group: 'mygroup.example.com',
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
    names: {
      plural: 'noxus',
      singular: 'nonenglishnoxu',
      kind: 'WishIHadChosenNoxu',
      shortNames: ['foo', 'bar', 'abc', 'def'],
      listKind: 'NoxuItemList',
      categories: ['all'],
    },
    scope: 'Cluster',
  },
};

/**
 * fixtures.NewNoxuInstance, sent as text: num1 is int64's maximum, which a JavaScript number cannot hold. (The server
 * answers it rounded to 9223372036854776000, as its JSON parser reads numbers as doubles; the upstream test only
 * compares the watched object with the created one, which agree.)
 */
const noxuInstance = (name: string) =>
  `{"apiVersion":"mygroup.example.com/v1beta1","kind":"WishIHadChosenNoxu","metadata":{"name":"${name}"},` +
  `"content":{"key":"value"},"num":{"num1":9223372036854775807,"num2":1000000}}`;

describe('[sig-api-machinery] CustomResourceDefinition Watch [Privileged:ClusterAdmin]', () => {
  describe('CustomResourceDefinition Watch', () => {
    test('watch on custom resource definition objects [Conformance]', async () => {
      const crd = await createCrd(c.h, noxu);
      const path = '/apis/mygroup.example.com/v1beta1/noxus';
      const watchA = await openWatch(c.h, `${path}?watch=1&fieldSelector=metadata.name%3Dname1&timeoutSeconds=600`);
      const watchB = await openWatch(c.h, `${path}?watch=1&fieldSelector=metadata.name%3Dname2&timeoutSeconds=600`);
      try {
        // instantiateCustomResource: created with a uid, the definition's apiVersion and kind.
        const create = async (name: string): Promise<J> => {
          const res = await c.h.api.post(path).set('Content-Type', 'application/json').send(noxuInstance(name)).expect(201);
          expect(res.body.metadata.uid).toBeTruthy();
          expect(res.body.apiVersion).toBe('mygroup.example.com/v1beta1');
          expect(res.body.kind).toBe('WishIHadChosenNoxu');
          return res.body;
        };
        const same = (want: J) => (got: J) => JSON.stringify(got) === JSON.stringify(want);
        const patch = (name: string) =>
          c.h.api
            .patch(`${path}/${name}`)
            .set('Content-Type', 'application/json-patch+json')
            .send([{ op: 'add', path: '/dummy', value: 'test' }])
            .expect(200);

        const crA = await create('name1');
        await expectEvent(watchA, 'ADDED', same(crA));
        await expectNoEvent(watchB, 'ADDED');

        const crB = await create('name2');
        await expectEvent(watchB, 'ADDED', same(crB));
        await expectNoEvent(watchA, 'ADDED');

        await patch('name1');
        await expectEvent(watchA, 'MODIFIED');
        await expectNoEvent(watchB, 'MODIFIED');

        await patch('name2');
        await expectEvent(watchB, 'MODIFIED');
        await expectNoEvent(watchA, 'MODIFIED');

        await c.h.api.delete(`${path}/name1`).expect(200);
        await expectEvent(watchA, 'DELETED');
        await expectNoEvent(watchB, 'DELETED');

        await c.h.api.delete(`${path}/name2`).expect(200);
        await expectEvent(watchB, 'DELETED');
        await expectNoEvent(watchA, 'DELETED');
      } finally {
        watchA.close();
        watchB.close();
      }
      await deleteCrd(c.h, crd);
    });
  });
});
