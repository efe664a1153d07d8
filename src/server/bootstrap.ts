// What a fresh cluster holds: the system namespaces, the default StorageClass and the `kubernetes` Service pointing
// at us (kept current on every start).
import { StatusError } from '../machinery/api/errors.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import { DEFAULT_SERVICE_ALLOCATION } from '../registry/resources/service-allocation.js';
import { kubernetesServiceIP, parseServiceCidr } from '../registry/resources/service-cidr.js';
import { ensureBuiltinObjects } from './builtin-objects.js';
import { systemContext } from '../reconcilers/context.js';
import { DOCKER_VOLUME_PROVISIONER } from '../reconcilers/pvc-binder.js';
import type { KObject } from '../machinery/api/meta.js';
import { reconcileKubernetesService, type ApiServerEndpoint } from './kubernetes-service.js';

export const LOCAL_STORAGE_CLASS = 'local';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * `endpoint`: where pods reach the API server (the pod network's gateway and the API port); `serviceCidr`: the
 * service range (--service-cidr), whose first address is the `kubernetes` Service's. Resolves to what
 * keepKubernetesService reconciles from then on.
 */
export async function bootstrap(
  service: ResourceService,
  endpoint: { address: string; port: number; serviceCidr?: string },
): Promise<{ apiServer: ApiServerEndpoint; context: WriteContext }> {
  const sys = systemContext('dockube-bootstrap');
  const def = (group: string, plural: string) => service.registry.defs.find((d) => d.group === group && d.plural === plural)!;
  const ensure = async (group: string, plural: string, ns: string | undefined, obj: KObject) => {
    try {
      await service.get(def(group, plural), ns, obj.metadata.name!);
      return;
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    try {
      await service.create(def(group, plural), ns, obj, sys);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  };
  for (const ns of SYSTEM_NAMESPACES) await ensure('', 'namespaces', undefined, { metadata: { name: ns } });
  // The `kubernetes` Service, its Endpoints and EndpointSlice: reconciled on every start (kubernetes-service.ts).
  const apiServer: ApiServerEndpoint = {
    address: endpoint.address,
    port: endpoint.port,
    clusterIP: kubernetesServiceIP(endpoint.serviceCidr ?? DEFAULT_SERVICE_ALLOCATION.cidr),
  };
  await reconcileKubernetesService(service, apiServer, sys);
  // The default StorageClass: claims that name no class get Docker volumes (src/reconcilers/pvc-binder.ts).
  await ensure('storage.k8s.io', 'storageclasses', undefined, {
    metadata: { name: LOCAL_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: DOCKER_VOLUME_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  });
  // kube-apiserver's own objects: the `kubernetes` ServiceCIDR, Local APIServices, mandatory flow-control objects.
  await ensureBuiltinObjects(service, parseServiceCidr(endpoint.serviceCidr ?? DEFAULT_SERVICE_ALLOCATION.cidr).cidr, sys);
  return { apiServer, context: sys };
}
