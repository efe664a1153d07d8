// Mirrors test/e2e/apimachinery/crd_conversion_webhook.go's [Conformance] tests (upstream v1.26): agnhost's
// crd-conversion-webhook runs in process (sample-webhook.ts, /crdconvert) behind a selectorless Service, called over
// TLS by the server's conversion webhook client.
import { deploySampleWebhook, type SampleWebhook } from './sample-webhook.js';
import { createCrd, startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ customResources: true });
});
afterAll(() => c.close());

const SERVICE = 'e2e-test-crd-conversion-webhook';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
let ns: string;
let hook: SampleWebhook;
beforeEach(async () => {
  ns = await c.namespace('crd-webhook');
  hook = await deploySampleWebhook(c.h, ns, SERVICE, 9443);
});
afterEach(() => hook.close());

const schema = (properties: J) => ({ openAPIV3Schema: { type: 'object', properties } });
/** apiVersions: v1 (hostPort) stored, v2 (host, port). */
const apiVersions = [
  { name: 'v1', served: true, storage: true, schema: schema({ hostPort: { type: 'string' } }) },
  { name: 'v2', served: true, storage: false, schema: schema({ host: { type: 'string' }, port: { type: 'string' } }) },
];
/** alternativeAPIVersions: the same, v2 stored. */
const alternativeAPIVersions = [
  { ...apiVersions[0], storage: false },
  { ...apiVersions[1], storage: true },
];

let seq = 0;
/** crd.CreateMultiVersionTestCRD in stable.example.com with a Webhook conversion to /crdconvert. */
async function conversionCrd(): Promise<J> {
  const name = `e2e-test-crd-webhook-${1000 + ++seq}-crd`;
  const kind = `E2e-test-crd-webhook-${1000 + seq}-crd`;
  return createCrd(c.h, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${name}s.stable.example.com` },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: `${name}s`, singular: name, kind, listKind: `${kind}List` },
      versions: apiVersions,
      conversion: {
        strategy: 'Webhook',
        webhook: { clientConfig: hook.clientConfig('/crdconvert'), conversionReviewVersions: ['v1', 'v1beta1'] },
      },
    },
  });
}

const crs = (crd: J, version: string) => `/apis/stable.example.com/${version}/namespaces/${ns}/${crd.spec.names.plural}`;

/** waitWebhookConversionReady: stub creates in `version` (converted for storage) until one succeeds; it is removed. */
const waitWebhookConversionReady = (crd: J, version: string) =>
  until(async () => {
    const res = await c.h.api
      .post(crs(crd, version))
      .send({ kind: crd.spec.names.kind, apiVersion: `stable.example.com/${version}`, metadata: { name: ns, namespace: ns } });
    if (res.status !== 201) return false;
    await c.h.api.delete(`${crs(crd, version)}/${ns}`).expect(200);
    return true;
  }, 30_000);

const verifyV1 = (o: J) => {
  expect(o.apiVersion).toBe('stable.example.com/v1');
  expect(o.hostPort).toBe('localhost:8080');
  expect(o).not.toHaveProperty('host');
  expect(o).not.toHaveProperty('port');
};
const verifyV2 = (o: J) => {
  expect(o.apiVersion).toBe('stable.example.com/v2');
  expect(o).not.toHaveProperty('hostPort');
  expect(o.host).toBe('localhost');
  expect(o.port).toBe('8080');
};
const v1Instance = (crd: J, name: string) => ({
  kind: crd.spec.names.kind,
  apiVersion: 'stable.example.com/v1',
  metadata: { name, namespace: ns },
  hostPort: 'localhost:8080',
});

describe('[sig-api-machinery] CustomResourceConversionWebhook [Privileged:ClusterAdmin]', () => {
  test('should be able to convert from CR v1 to CR v2 [Conformance]', async () => {
    const crd = await conversionCrd();
    await waitWebhookConversionReady(crd, 'v2');
    await c.h.api.post(crs(crd, 'v1')).send(v1Instance(crd, 'cr-instance-1')).expect(201);
    verifyV2((await c.h.api.get(`${crs(crd, 'v2')}/cr-instance-1`).expect(200)).body);
  });

  test('should be able to convert a non homogeneous list of CRs [Conformance]', async () => {
    const crd = await conversionCrd();
    await waitWebhookConversionReady(crd, 'v2');
    await c.h.api.post(crs(crd, 'v1')).send(v1Instance(crd, 'cr-instance-1')).expect(201);

    // cr-instance-1 is stored in v1; v2 becomes the storage version for the next one.
    const current = (await c.h.api.get(`${CRDS}/${crd.metadata.name}`).expect(200)).body;
    current.spec.versions = alternativeAPIVersions;
    await c.h.api.put(`${CRDS}/${crd.metadata.name}`).send(current).expect(200);
    await until(async () => (await c.h.api.post(crs(crd, 'v1')).send(v1Instance(crd, 'cr-instance-2'))).status === 201);

    const names = (items: J[]) => items.map((o) => o.metadata.name).sort();
    const inV1 = (await c.h.api.get(crs(crd, 'v1')).expect(200)).body.items as J[];
    expect(names(inV1)).toEqual(['cr-instance-1', 'cr-instance-2']);
    inV1.forEach(verifyV1);
    const inV2 = (await c.h.api.get(crs(crd, 'v2')).expect(200)).body.items as J[];
    expect(names(inV2)).toEqual(['cr-instance-1', 'cr-instance-2']);
    inV2.forEach(verifyV2);
  });
});
