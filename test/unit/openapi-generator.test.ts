// The checked-in openapi/definitions.json, as produced by scripts/gen-openapi.mjs.
import { readFileSync } from 'node:fs';
import type { Definitions } from '../../src/openapi/definitions.js';

const defs = JSON.parse(readFileSync(new URL('../../openapi/definitions.json', import.meta.url), 'utf8')) as Definitions;
const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

describe('generated definitions', () => {
  test('Pod is a top-level kind with descriptions and refs', () => {
    const pod = defs[`${core}.Pod`];
    expect(pod.description).toMatch(/collection of containers/);
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(pod.properties!.spec.$ref).toBe(`#/definitions/${core}.PodSpec`);
    expect(pod.properties!.metadata.$ref).toBe(`#/definitions/${meta}.ObjectMeta`);
    expect(pod.properties!.apiVersion).toMatchObject({ type: 'string' });
    expect(pod.required).toBeUndefined();
  });

  test('Container has required name, typed fields and enums', () => {
    const c = defs[`${core}.Container`];
    expect(c.required).toEqual(['name']);
    expect(c.properties!.image).toMatchObject({ type: 'string', description: expect.stringMatching(/Container image name/) });
    expect(c.properties!.imagePullPolicy.enum).toEqual(['Always', 'IfNotPresent', 'Never']);
    expect(c.properties!.ports).toMatchObject({ type: 'array', items: { $ref: `#/definitions/${core}.ContainerPort` } });
    expect(defs[`${core}.ContainerPort`].properties!.containerPort).toMatchObject({ type: 'integer', format: 'int32' });
    expect(defs[`${core}.PodSpec`].required).toEqual(['containers']);
    expect(defs[`${core}.PodSpec`].properties!.activeDeadlineSeconds).toMatchObject({ type: 'integer', format: 'int64' });
  });

  test('maps, byte strings and wire formats', () => {
    expect(defs[`${core}.ConfigMap`].properties!.data).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(defs[`${core}.Secret`].properties!.data).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
    });
    expect(defs[`${meta}.Time`]).toMatchObject({ type: 'string', format: 'date-time' });
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
  });

  test('required groups, list kinds and meta kinds are present', () => {
    for (const n of [
      'io.k8s.api.apps.v1.Deployment',
      'io.k8s.api.autoscaling.v1.Scale',
      'io.k8s.api.discovery.v1.EndpointSlice',
      'io.k8s.api.events.v1.Event',
      'io.k8s.api.coordination.v1.Lease',
      'io.k8s.api.authorization.v1.SelfSubjectAccessReview',
      'io.k8s.api.policy.v1.Eviction',
      'io.k8s.api.batch.v1.Job',
      `${meta}.Table`,
      `${meta}.PartialObjectMetadata`,
      `${meta}.APIResourceList`,
      `${meta}.Status`,
      `${meta}.WatchEvent`,
      `${meta}.DeleteOptions`,
      `${meta}.Patch`,
    ]) {
      expect(defs[n]).toBeDefined();
    }
    expect(defs['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'DeploymentList', version: 'v1' },
    ]);
    expect(defs[`${meta}.DeleteOptions`]['x-kubernetes-group-version-kind']).toContainEqual({
      group: 'apps',
      kind: 'DeleteOptions',
      version: 'v1',
    });
  });

  test('every $ref resolves and the file stays small', () => {
    const text = JSON.stringify(defs);
    expect(text.length).toBeLessThan(8e6);
    const refs = [...text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => !defs[r])).toEqual([]);
  });
});
