// @kubernetes/client-node 1.4.0 against dockube: CRUD, Watch, and an informer. Prints one line per check
// ("ok NAME" / "FAIL NAME: why") and exits non-zero when any check failed.
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, ns] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
let failed = 0;
const check = (name, cond, why = '') => {
  if (cond) console.log(`ok ${name}`);
  else {
    failed++;
    console.log(`FAIL ${name}: ${why}`);
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const cm = await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'c1', labels: { app: 'x' } }, data: { a: '1' } },
  });
  check('create configmap', cm.metadata?.uid && cm.metadata.resourceVersion);
  const got = await core.readNamespacedConfigMap({ name: 'c1', namespace: ns });
  check('read configmap', got.data?.a === '1');
  got.data = { a: '2' };
  const replaced = await core.replaceNamespacedConfigMap({ name: 'c1', namespace: ns, body: got });
  check('replace configmap', replaced.data?.a === '2');
  try {
    await core.replaceNamespacedConfigMap({ name: 'c1', namespace: ns, body: got });
    check('stale replace conflicts', false, 'no error');
  } catch (e) {
    check('stale replace conflicts', e.code === 409, String(e.code));
  }
  const patched = await core.patchNamespacedConfigMap({ name: 'c1', namespace: ns, body: [{ op: 'add', path: '/data/b', value: '3' }] });
  check('json patch', patched.data?.b === '3');
  const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=x' });
  check('list by label', list.items.length === 1 && list.items[0].metadata?.name === 'c1');
  try {
    await core.readNamespacedConfigMap({ name: 'nope', namespace: ns });
    check('404', false);
  } catch (e) {
    check('read missing is 404', e.code === 404, String(e.code));
  }

  const dep = await apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    },
  });
  check(
    'create deployment with defaults',
    dep.spec?.strategy?.type === 'RollingUpdate' && dep.spec?.template?.spec?.containers?.[0]?.imagePullPolicy === 'Always',
  );
  const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: ns });
  check('read scale', scale.spec?.replicas === 1 && scale.status?.selector === 'app=web');

  // Watch: events in order.
  const events = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    { allowWatchBookmarks: true },
    (type, obj) => events.push(`${type} ${obj.metadata?.name}`),
    () => {},
  );
  await sleep(300);
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c2' } } });
  await core.deleteNamespacedConfigMap({ name: 'c2', namespace: ns });
  await sleep(500);
  req.abort();
  check(
    'watch sees initial, added and deleted',
    events.includes('ADDED c1') && events.includes('ADDED c2') && events.includes('DELETED c2'),
    events.join(','),
  );

  // Informer: list+watch cache that follows changes.
  const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
  const seen = new Set();
  informer.on('add', (o) => seen.add(`add ${o.metadata.name}`));
  informer.on('update', (o) => seen.add(`update ${o.metadata.name}`));
  informer.on('delete', (o) => seen.add(`delete ${o.metadata.name}`));
  await informer.start();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c3' } } });
  await core.patchNamespacedConfigMap(
    { name: 'c3', namespace: ns, body: { data: { z: '1' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.deleteNamespacedConfigMap({ name: 'c3', namespace: ns });
  for (let i = 0; i < 30 && !seen.has('delete c3'); i++) await sleep(100);
  await informer.stop();
  check(
    'informer sees add, update, delete',
    ['add c1', 'add c3', 'update c3', 'delete c3'].every((s) => seen.has(s)),
    [...seen].join(','),
  );
  check(
    'informer cache holds current objects',
    informer.list().some((o) => o.metadata.name === 'c1') && !informer.list().some((o) => o.metadata.name === 'c3'),
  );

  await core.deleteNamespace({ name: ns });
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (e) => {
    console.log(`FAIL unexpected error: ${e.stack ?? e} ${e.body ? JSON.stringify(e.body) : ''}`);
    process.exit(1);
  },
);
