// Every namespace gets a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, put back when
// deleted (kube-controller-manager's serviceaccount and root-ca-cert-publisher controllers). Reads through informers
// as kube-controller-manager's shared informers do (its own list/watch rights); writes as each controller's service
// account: kube-system/service-account-controller and kube-system/root-ca-cert-publisher.
import { StatusError } from '../machinery/api/errors.js';
import { Informer } from '../client/informer.js';
import { KUBE_CONTROLLER_MANAGER, controllerIdentity } from '../client/identities.js';
import { GVR } from '../client/types.js';
import { Controller } from './controller.js';
import type { ReconcilerContext } from './context.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export async function startNamespaceDefaults(ctx: ReconcilerContext, caCert: string): Promise<Controller> {
  const client = ctx.client(KUBE_CONTROLLER_MANAGER);
  const accountWriter = ctx.client(controllerIdentity('service-account-controller'));
  const caWriter = ctx.client(controllerIdentity('root-ca-cert-publisher'));
  const onError = (err: Error) => ctx.log.warn({ controller: 'namespace-defaults', err: err.message }, 'informer');
  const namespaces = new Informer(client, GVR.namespaces, { onError });
  const accounts = new Informer(client, GVR.serviceaccounts, { fieldSelector: 'metadata.name=default', onError });
  const caMaps = new Informer(client, GVR.configmaps, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}`, onError });
  // The cache may lag a write: a create that finds the object there already, or a namespace gone meanwhile, is done.
  const ensure = async (create: () => Promise<unknown>) => {
    try {
      await create();
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
    }
  };
  const fieldManager = 'namespace-defaults';
  const c = new Controller(
    'namespace-defaults',
    async (ns) => {
      const nsObj = namespaces.get(undefined, ns);
      if (!nsObj || nsObj.metadata.deletionTimestamp) return;
      if (!accounts.get(ns, 'default')) {
        await ensure(() =>
          accountWriter.create(
            GVR.serviceaccounts,
            ns,
            { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
            { fieldManager },
          ),
        );
      }
      const cm = caMaps.get(ns, ROOT_CA_CONFIGMAP);
      const data = { 'ca.crt': caCert };
      if (!cm) {
        await ensure(() =>
          caWriter.create(
            GVR.configmaps,
            ns,
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': DESCRIPTION } },
              data,
            },
            { fieldManager },
          ),
        );
      } else if ((cm.data as Record<string, string> | undefined)?.['ca.crt'] !== caCert) {
        // Its role updates, never patches (as the publisher's Update of the whole ConfigMap).
        await caWriter.update(GVR.configmaps, ns, { ...cm, data }, { fieldManager });
      }
    },
    ctx.log,
  );
  c.source(namespaces, (_t, _old, o) => [o.metadata.name!]);
  c.source(accounts, (_t, _old, o) => [o.metadata.namespace!]);
  c.source(caMaps, (_t, _old, o) => [o.metadata.namespace!]);
  await c.start();
  return c;
}
