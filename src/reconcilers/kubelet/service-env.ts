// The service variables of a pod's containers (kubelet's getServiceEnvVarMap), from the services that exist when its
// containers are created, read through the node's client: the pod's namespace (unless enableServiceLinks is false)
// and default/kubernetes. Without a service proxy the `kubernetes` variables name where pods reach the API directly.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { Client, Gvr } from '../../client/types.js';
import { kubernetesServiceEnv, type ApiEndpoint } from '../../serviceaccount/service-env.js';
import { serviceEnvVarMap } from '../../translate/service-env.js';
import type { Pod } from '../../translate/k8s-types.js';

const SERVICES: Gvr = { group: '', version: 'v1', resource: 'services' };

export async function podServiceEnv(client: Client, pod: Pod, apiEndpoint: ApiEndpoint): Promise<Record<string, string>> {
  const ns = pod.metadata.namespace ?? '';
  const links = (pod.spec as { enableServiceLinks?: boolean }).enableServiceLinks !== false;
  const [own, master] = await Promise.all([
    links ? client.list(SERVICES, ns).then((l) => l.items) : Promise.resolve([] as KObject[]),
    client.get(SERVICES, 'default', 'kubernetes').catch((e: unknown) => {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }),
  ]);
  const viaEndpoint = apiEndpoint.kubernetesService !== 'clusterIP';
  const services = [...own, ...(master && !viaEndpoint ? [master] : [])].filter(
    (s) => !(viaEndpoint && s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes'),
  );
  const env = serviceEnvVarMap(services, ns, links);
  return viaEndpoint ? { ...env, ...kubernetesServiceEnv(apiEndpoint) } : env;
}
