// @kubernetes/client-node against the deployment controller: create a Deployment, read and replace its /scale
// (autoscaling/v1 Scale), then wait on a watch until its status says every replica is updated and available for
// the latest generation. Prints ok/FAIL lines like client-node.mjs.
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, ns] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
let failed = 0;
const check = (name, ok, detail = '') => {
  if (!ok) failed++;
  console.log(ok ? `ok ${name}` : `FAIL ${name}${detail ? `: ${detail}` : ''}`);
};

await core.createNamespace({ body: { metadata: { name: ns } } });
await apps.createNamespacedDeployment({
  namespace: ns,
  body: {
    metadata: { name: 'scaled' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'scaled' } },
      template: {
        metadata: { labels: { app: 'scaled' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'c', image: 'dockube/busybox:test', imagePullPolicy: 'IfNotPresent', command: ['sleep', '100000'] }],
        },
      },
    },
  },
});
const scale = await apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns });
check('read /scale', scale.spec?.replicas === 2 && scale.status?.selector === 'app=scaled', JSON.stringify(scale));
const replaced = await apps.replaceNamespacedDeploymentScale({
  name: 'scaled',
  namespace: ns,
  body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled', namespace: ns }, spec: { replicas: 4 } },
});
check('replace /scale to 4', replaced.spec?.replicas === 4, JSON.stringify(replaced));

// Wait with a watch for the controller's status: 4 updated, ready and available, for the latest generation.
const done = (d) => {
  const s = d.status ?? {};
  return (
    s.observedGeneration >= d.metadata.generation &&
    s.updatedReplicas === 4 &&
    s.readyReplicas === 4 &&
    s.availableReplicas === 4 &&
    s.replicas === 4
  );
};
let last;
const finished = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(false), 90_000);
  new k8s.Watch(kc)
    .watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { fieldSelector: 'metadata.name=scaled' },
      (type, obj) => {
        last = obj;
        if (done(obj)) {
          clearTimeout(timer);
          resolve(true);
        }
      },
      () => {},
    )
    .then((req) => setTimeout(() => req.abort(), 91_000).unref());
});
check('watch sees 4/4 updated and available', finished, JSON.stringify(last?.status));
const available = (last?.status?.conditions ?? []).find((c) => c.type === 'Available');
check('Available condition', available?.status === 'True' && available?.reason === 'MinimumReplicasAvailable', JSON.stringify(available));
await core.deleteNamespace({ name: ns });
process.exit(failed ? 1 : 0);
