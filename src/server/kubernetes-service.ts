// The `kubernetes` Service and its endpoints, as kube-apiserver's controlplane controllers keep them
// (kubernetesservice.Controller's CreateOrUpdateMasterServiceIfNeeded, and the endpoint reconciler with its
// EndpointsAdapter): the Service at the first address of the service range, port 443 → the API port; Endpoints
// (skip-mirror, so the mirroring controller leaves them) and the EndpointSlice `kubernetes` naming the address pods
// reach the API server on. Run on every start, so a restart on another port or address corrects them, and every 10 s
// after (the apiserver's EndpointInterval), so a deleted or edited object comes back.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { deepEqual } from '../machinery/api/equality.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Logger } from '../log.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const KUBERNETES_SERVICE = 'kubernetes';
const NAMESPACE = 'default';

export interface ApiServerEndpoint {
  /** The address pods reach the API server on (the pod network's gateway). */
  address: string;
  port: number;
  /** The `kubernetes` Service's ClusterIP. */
  clusterIP: string;
}

const servicePorts = (port: number) => [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }];
const endpointPorts = (port: number) => [{ name: 'https', port, protocol: 'TCP' }];

/** The three objects as the apiserver writes them. */
export function kubernetesServiceObjects(ep: ApiServerEndpoint): { service: KObject; endpoints: KObject; slice: KObject } {
  return {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: ep.clusterIP, ports: servicePorts(ep.port), sessionAffinity: 'None' },
    },
    endpoints: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: ep.address }], ports: endpointPorts(ep.port) }],
    },
    // endpointSliceFromEndpoints: named as the Endpoints, the service-name label only, the ready addresses.
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': KUBERNETES_SERVICE } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ep.address], conditions: { ready: true } }],
      ports: endpointPorts(ep.port),
    },
  };
}

/** Creates each object, or updates the fields the apiserver owns when they differ (nothing written when equal). */
export async function reconcileKubernetesService(service: ResourceService, ep: ApiServerEndpoint, ctx: WriteContext): Promise<void> {
  const def = (group: string, plural: string) => service.registry.defs.find((d) => d.group === group && d.plural === plural)!;
  const want = kubernetesServiceObjects(ep);
  const ensure = async (group: string, plural: string, obj: KObject, differs: (cur: J) => boolean, merge: (cur: J) => J) => {
    let cur: J | undefined;
    try {
      cur = await service.get(def(group, plural), NAMESPACE, KUBERNETES_SERVICE);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    if (!cur) {
      try {
        await service.create(def(group, plural), NAMESPACE, obj, ctx);
        return;
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
        cur = await service.get(def(group, plural), NAMESPACE, KUBERNETES_SERVICE);
      }
    }
    if (differs(cur!)) await service.update(def(group, plural), NAMESPACE, KUBERNETES_SERVICE, (c) => merge(c) as KObject, ctx);
  };
  // getMasterServiceUpdateIfNeeded: the ports and the type; the ClusterIP is immutable.
  const svcSpec = want.service.spec as J;
  await ensure(
    '',
    'services',
    want.service,
    (cur) => !deepEqual(portsView(cur.spec?.ports), portsView(svcSpec.ports)) || cur.spec?.type !== 'ClusterIP',
    (cur) => ({ ...cur, spec: { ...cur.spec, type: 'ClusterIP', ports: svcSpec.ports } }),
  );
  const w = want.endpoints as J;
  await ensure(
    '',
    'endpoints',
    want.endpoints,
    (cur) => !deepEqual(cur.subsets ?? [], w.subsets) || cur.metadata?.labels?.['endpointslice.kubernetes.io/skip-mirror'] !== 'true',
    (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...w.metadata.labels } }, subsets: w.subsets }),
  );
  const s = want.slice as J;
  await ensure(
    'discovery.k8s.io',
    'endpointslices',
    want.slice,
    (cur) =>
      !deepEqual(cur.endpoints ?? [], s.endpoints) ||
      !deepEqual(cur.ports ?? [], s.ports) ||
      !deepEqual(cur.metadata?.labels ?? {}, s.metadata.labels),
    (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: s.metadata.labels }, endpoints: s.endpoints, ports: s.ports }),
  );
}

/** The fields of a service port the apiserver compares (nodePort and appProtocol aside). */
const portsView = (ports: J[] | undefined) =>
  (ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port }));

/** The apiserver's --endpoint-reconciler interval. */
export const KUBERNETES_SERVICE_INTERVAL_MS = 10_000;

/** Reconciles the three objects every interval until stopped (the first run is bootstrap's). */
export function keepKubernetesService(
  service: ResourceService,
  ep: ApiServerEndpoint,
  ctx: WriteContext,
  log: Logger,
  intervalMs = KUBERNETES_SERVICE_INTERVAL_MS,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reconcileKubernetesService(service, ep, ctx)
      .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not reconcile the kubernetes service'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
