// An operator-style program on @kubernetes/client-node 1.4.0 against dockube: it installs a CRD, waits for it to be
// Established, watches its custom resources (a Watch and an informer) and writes each one's status through /status,
// as controller-runtime operators do. Prints one line per check ("ok NAME" / "FAIL NAME: why"); exits non-zero on
// any failure.
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, ns] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const G = { group: 'ops.example.com', version: 'v1', plural: 'gizmos' };
let failed = 0;
const check = (name, cond, why = '') => {
  if (cond) console.log(`ok ${name}`);
  else {
    failed++;
    console.log(`FAIL ${name}: ${why}`);
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) return undefined;
    await sleep(100);
  }
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.ops.example.com' },
  spec: {
    group: 'ops.example.com',
    scope: 'Namespaced',
    names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              // client-node's model names JSONSchemaProps.default `_default` (it would drop `default`).
              spec: { type: 'object', properties: { size: { type: 'integer', _default: 1 } } },
              status: {
                type: 'object',
                properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
};

/** The reconcile: status says which generation was seen and what the spec asked for. */
async function reconcile(obj) {
  const gen = obj.metadata.generation;
  if (obj.status?.observedGeneration === gen) return;
  const body = { ...obj, status: { phase: 'Ready', observedGeneration: gen, message: `size ${obj.spec?.size}` } };
  try {
    await custom.replaceNamespacedCustomObjectStatus({ ...G, namespace: ns, name: obj.metadata.name, body });
  } catch (e) {
    if (e.code !== 409 && e.code !== 404) console.log(`FAIL status write: ${e.code} ${e.body ?? e.message}`);
  }
}

async function main() {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await ext.createCustomResourceDefinition({ body: crd });
  const established = await until(async () => {
    const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  });
  check('the CRD becomes Established', established);

  // The operator's watch: every change of a Gizmo is reconciled.
  const seen = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch(
    `/apis/ops.example.com/v1/namespaces/${ns}/gizmos`,
    {},
    (type, obj) => {
      seen.push(`${type} ${obj.metadata.name}`);
      if (type !== 'DELETED') void reconcile(obj);
    },
    () => undefined,
  );
  // And an informer with its cache, as client-node operators use.
  const informer = k8s.makeInformer(kc, `/apis/ops.example.com/v1/namespaces/${ns}/gizmos`, () =>
    custom.listNamespacedCustomObject({ ...G, namespace: ns }),
  );
  await informer.start();

  const created = await custom.createNamespacedCustomObject({
    ...G,
    namespace: ns,
    body: { apiVersion: 'ops.example.com/v1', kind: 'Gizmo', metadata: { name: 'g1' }, spec: {} },
  });
  check('create a custom resource (defaulted)', created.spec?.size === 1, JSON.stringify(created.spec));
  const ready = await until(async () => {
    const g = await custom.getNamespacedCustomObject({ ...G, namespace: ns, name: 'g1' });
    return g.status?.phase === 'Ready' && g.status.observedGeneration === 1 && g;
  });
  check('the operator wrote status through /status', !!ready, JSON.stringify(ready?.status));

  await custom.patchNamespacedCustomObject({ ...G, namespace: ns, name: 'g1', body: [{ op: 'replace', path: '/spec/size', value: 3 }] });
  const second = await until(async () => {
    const g = await custom.getNamespacedCustomObject({ ...G, namespace: ns, name: 'g1' });
    return g.status?.observedGeneration === 2 && g;
  });
  check('a spec change moves generation and the operator follows', second?.status?.message === 'size 3', JSON.stringify(second?.status));
  const cached = await until(async () => informer.get('g1', ns)?.status?.observedGeneration === 2);
  check('the informer cache holds the latest status', cached);

  try {
    await custom.createNamespacedCustomObject({
      ...G,
      namespace: ns,
      body: { apiVersion: 'ops.example.com/v1', kind: 'Gizmo', metadata: { name: 'bad' }, spec: { size: 'big' } },
    });
    check('an invalid custom resource is refused', false, 'created');
  } catch (e) {
    check('an invalid custom resource is refused (422)', e.code === 422, `${e.code} ${e.body}`);
  }

  await custom.deleteNamespacedCustomObject({ ...G, namespace: ns, name: 'g1' });
  const deleted = await until(async () => seen.includes('DELETED g1'));
  check('the watch sees ADDED, MODIFIED and DELETED', deleted && seen.includes('ADDED g1') && seen.includes('MODIFIED g1'), seen.join(','));
  req.abort();
  await informer.stop();

  await ext.deleteCustomResourceDefinition({ name: crd.metadata.name });
  const gone = await until(async () => {
    try {
      await ext.readCustomResourceDefinition({ name: crd.metadata.name });
      return false;
    } catch (e) {
      return e.code === 404;
    }
  });
  check('the CRD is deleted', gone);
  await core.deleteNamespace({ name: ns });
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL unexpected: ${e.code ?? ''} ${e.body ?? e.stack ?? e}`);
  })
  .finally(() => process.exit(failed ? 1 : 0));
