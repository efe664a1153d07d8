// /openapi/v2 and /openapi/v3 documents built from resource definitions.
import { createHash } from 'node:crypto';
import { OpenAPIDocuments } from '../../src/openapi/documents.js';
import { TEST_DEFS } from './openapi-fixtures.js';

type Json = Record<string, any>;
const docs = new OpenAPIDocuments(TEST_DEFS, {
  extraDefinitions: {
    'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics': {
      type: 'object',
      properties: { window: { type: 'string' } },
      'x-kubernetes-group-version-kind': [{ group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' }],
    },
  },
});
const v3 = async (gv: string) => JSON.parse((await docs.v3(gv))!.body) as Json;

describe('OpenAPI v3 group-version documents', () => {
  test('api/v1 has PATCH ops with GVK and fieldValidation for pods and configmaps', async () => {
    const doc = await v3('api/v1');
    expect(doc.openapi).toBe('3.0.0');
    for (const [path, kind] of [
      ['/api/v1/namespaces/{namespace}/pods/{name}', 'Pod'],
      ['/api/v1/namespaces/{namespace}/configmaps/{name}', 'ConfigMap'],
    ]) {
      const patch = doc.paths[path].patch;
      expect(patch['x-kubernetes-action']).toBe('patch');
      expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind });
      expect(patch.parameters.map((p: Json) => p.name)).toEqual(
        expect.arrayContaining(['dryRun', 'fieldManager', 'fieldValidation', 'force']),
      );
      expect(Object.keys(patch.requestBody.content).sort()).toEqual([
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
      ]);
      expect(doc.paths[path].get['x-kubernetes-action']).toBe('get');
      expect(doc.paths[path].put.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
      expect(doc.paths[path].delete['x-kubernetes-action']).toBe('delete');
    }
    const coll = doc.paths['/api/v1/namespaces/{namespace}/pods'];
    expect(coll.get).toMatchObject({ operationId: 'listCoreV1NamespacedPod', 'x-kubernetes-action': 'list' });
    expect(coll.post).toMatchObject({ operationId: 'createCoreV1NamespacedPod', 'x-kubernetes-action': 'post' });
    expect(coll.delete['x-kubernetes-action']).toBe('deletecollection');
    expect(doc.paths['/api/v1/pods'].get.operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(doc.paths['/api/v1/namespaces/{name}'].patch.operationId).toBe('patchCoreV1Namespace');
    expect(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch.operationId).toBe('patchCoreV1NamespacedPodStatus');
    expect(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind']).toEqual({
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
    });
    // Only this GV's paths.
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/apis/'))).toBe(false);
  });

  test('components hold the kinds and everything they reference, with v3 refs wrapped in allOf', async () => {
    const doc = await v3('api/v1');
    const s = doc.components.schemas;
    expect(s['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(s['io.k8s.api.core.v1.Pod'].properties.spec).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
      description: expect.any(String),
    });
    expect(s['io.k8s.api.core.v1.PodSpec'].properties.containers.items).toEqual({
      $ref: '#/components/schemas/io.k8s.api.core.v1.Container',
    });
    expect(s['io.k8s.api.core.v1.Container'].properties.image.type).toBe('string');
    expect(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(s['io.k8s.api.core.v1.PodList']).toBeDefined();
    expect(s['io.k8s.api.policy.v1.Eviction']).toBeDefined();
    // Not referenced from core/v1: stays out.
    expect(s['io.k8s.api.apps.v1.Deployment']).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('#/definitions/');
  });

  test('list semantics from the merge-key table are exposed', async () => {
    const doc = await v3('api/v1');
    const containers = doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toMatch(/merge/);
    expect(containers['x-kubernetes-list-type']).toBe('map');
    expect(containers['x-kubernetes-list-map-keys']).toEqual(['name']);
    const ports = doc.components.schemas['io.k8s.api.core.v1.Container'].properties.ports;
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    const finalizers = doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.finalizers;
    expect(finalizers['x-kubernetes-list-type']).toBe('set');
  });

  test('apps/v1 has the scale subresource with the autoscaling/v1 Scale schema', async () => {
    const doc = await v3('apis/apps/v1');
    const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(scale.get.operationId).toBe('readAppsV1NamespacedDeploymentScale');
    expect(doc.components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.tags).toEqual(['apps_v1']);
    expect(
      (await v3('apis/coordination.k8s.io/v1')).paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'].patch
        .operationId,
    ).toBe('patchCoordinationV1NamespacedLease');
  });

  test('root links each served GV with the SHA-512 of its document', async () => {
    const root = JSON.parse((await docs.v3Root()).body);
    expect(Object.keys(root.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']);
    const body = (await docs.v3('apis/apps/v1'))!.body;
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    expect(root.paths['apis/apps/v1'].serverRelativeURL).toBe(`/openapi/v3/apis/apps/v1?hash=${hash}`);
    expect(await docs.v3('apis/batch/v1')).toBeUndefined();
    // Cached: same object on the next call.
    expect(await docs.v3('apis/apps/v1')).toBe(await docs.v3('apis/apps/v1'));
  });

  test('v2 is Swagger 2.0 with all paths and definitions, extra definitions included', async () => {
    const doc = JSON.parse((await docs.v2()).body) as Json;
    expect(doc.swagger).toBe('2.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.33.0' });
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.find((p: Json) => p.in === 'body').schema.$ref).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
    );
    expect(doc.paths['/api/v1/namespaces/{namespace}/configmaps'].get.responses['200'].schema.$ref).toBe(
      '#/definitions/io.k8s.api.core.v1.ConfigMapList',
    );
    expect(doc.paths['/api/v1/'].get.operationId).toBe('getCoreV1APIResources');
    expect(doc.definitions['io.k8s.api.core.v1.Pod']).toBeDefined();
    expect(doc.definitions['io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics']).toBeDefined();
  });
});
