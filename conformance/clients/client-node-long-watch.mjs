// A client-node Watch that sits idle for 35 s (longer than its 30 s inactivity timeout) must survive on
// bookmarks and still deliver the next event. Prints ok/FAIL lines like client-node.mjs.
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, ns] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await core.createNamespace({ body: { metadata: { name: ns } } });
const events = [];
let ended = null;
const req = await new k8s.Watch(kc).watch(
  `/api/v1/namespaces/${ns}/configmaps`,
  { allowWatchBookmarks: true },
  (type, obj) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
  (err) => {
    ended = err ?? 'closed';
  },
);
await sleep(35_000);
await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } });
await sleep(500);
const endedEarly = ended;
req.abort();
const ok = endedEarly === null && events.includes('ADDED late') && events.some((e) => e.startsWith('BOOKMARK'));
console.log(
  ok
    ? 'ok idle watch survives 35 s on bookmarks'
    : `FAIL idle watch survives 35 s on bookmarks: ended=${endedEarly} events=${events.join(',')}`,
);
await core.deleteNamespace({ name: ns });
process.exit(ok ? 0 : 1);
