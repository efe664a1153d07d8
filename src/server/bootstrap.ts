// What a fresh cluster holds: the system namespaces, the default StorageClass and the `kubernetes` Service pointing
// at us (kept current on every start).
import { StatusError } from '../machinery/api/errors.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import { DEFAULT_SERVICE_ALLOCATION } from '../registry/resources/service-allocation.js';
import { kubernetesServiceIP, parseServiceCidr } from '../registry/resources/service-cidr.js';
import { ensureBuiltinObjects } from './builtin-objects.js';
import { existingNames } from './existing-names.js';
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
  // Created when missing: one list of the kind says what exists (a restart writes nothing).
  const ensureAll = async (group: string, plural: string, objs: KObject[]) => {
    const have = await existingNames(service, def(group, plural));
    await Promise.all(
      objs
        .filter((o) => !have.has(o.metadata.name!))
        .map(async (o) => {
          try {
            await service.create(def(group, plural), undefined, o, sys);
          } catch (e) {
            if (!(e instanceof StatusError && e.code === 409)) throw e;
          }
        }),
    );
  };
  await ensureAll(
    '',
    'namespaces',
    SYSTEM_NAMESPACES.map((name) => ({ metadata: { name } })),
  );
  // The `kubernetes` Service, its Endpoints and EndpointSlice: reconciled on every start (kubernetes-service.ts).
  const apiServer: ApiServerEndpoint = {
    address: endpoint.address,
    port: endpoint.port,
    clusterIP: kubernetesServiceIP(endpoint.serviceCidr ?? DEFAULT_SERVICE_ALLOCATION.cidr),
  };
  // The rest depends only on the namespaces: written side by side.
  await Promise.all([
    reconcileKubernetesService(service, apiServer, sys),
    // The default StorageClass: claims that name no class get Docker volumes (src/reconcilers/pvc-binder.ts).
    ensureAll('storage.k8s.io', 'storageclasses', [
      {
        metadata: { name: LOCAL_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: DOCKER_VOLUME_PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      } as KObject,
    ]),
    // kube-apiserver's own objects: the `kubernetes` ServiceCIDR, Local APIServices, mandatory flow-control objects.
    ensureBuiltinObjects(service, parseServiceCidr(endpoint.serviceCidr ?? DEFAULT_SERVICE_ALLOCATION.cidr).cidr, sys),
  ]);
  return { apiServer, context: sys };
}
