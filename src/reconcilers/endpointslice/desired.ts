// What the EndpointSlice controller wants for one Service (staging endpointslice utils.go): each pod's endpoint
// (podToEndpoint), its ports (getEndpointPorts), the slice labels (setEndpointSliceLabels) and a new slice's shape
// (newEndpointSlice), plus the keys that group endpoints by port set and identify an endpoint across slices.
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import {
  findPort,
  isHeadless,
  isPodReady,
  isServiceIPSet,
  isTerminating,
  LABEL_HEADLESS,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  podIPv4s,
  podNodeName,
  podReference,
  publishNotReady,
  servicePorts,
  shouldSetHostname,
} from '../endpoints/pod-endpoints.js';
import { compareStrings } from '../../machinery/compare.js';

export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice's default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
  nodeName?: string;
  zone?: string;
}

export interface EndpointSlice extends KObject {
  addressType: string;
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

/** podToEndpoint: ready only when serving and not terminating, unless the service publishes unready addresses. */
export function podToEndpoint(pod: KObject, node: KObject | undefined, svc: KObject): Endpoint {
  const serving = isPodReady(pod);
  const terminating = isTerminating(pod);
  const ep: Endpoint = {
    addresses: podIPv4s(pod),
    conditions: { ready: publishNotReady(svc) || (serving && !terminating), serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = (pod.spec as { hostname: string }).hostname;
  ep.targetRef = podReference(pod);
  if (podNodeName(pod)) ep.nodeName = podNodeName(pod);
  const zone = node?.metadata.labels?.[LABEL_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

/** getEndpointPorts: the service's ports as this pod serves them; a named port the pod lacks is left out. */
export function endpointPorts(svc: KObject, pod: KObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of servicePorts(svc)) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  // A headless service without ports has endpoints without ports.
  return servicePorts(svc).length === 0 && isHeadless(svc) ? [] : out;
}

/** NewPortMapKey: the same set of ports, in any order, is one key. */
export const portMapKey = (ports: EndpointPort[] | undefined): string =>
  JSON.stringify(
    (ports ?? [])
      .map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? ''])
      .sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b))),
  );

/** hashEndpoint: an endpoint's identity across slices (sorted addresses, hostname, the pod it stands for). */
export const endpointKey = (ep: Endpoint): string =>
  JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);

const RESERVED = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);
const unreserved = (labels: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !RESERVED.has(k)));

/**
 * setEndpointSliceLabels: the service's labels (reserved keys skipped), the headless label when no ClusterIP is set,
 * the service name and manager; `changed` when the slice's own non-reserved labels differ from the service's.
 */
export function sliceLabels(slice: KObject | undefined, svc: KObject, controllerName = CONTROLLER_NAME) {
  const svcLabels = unreserved(svc.metadata.labels);
  const changed = !deepEqual(unreserved(slice?.metadata.labels), svcLabels);
  if (!isServiceIPSet(svc)) svcLabels[LABEL_HEADLESS] = '';
  else delete svcLabels[LABEL_HEADLESS];
  svcLabels[LABEL_SERVICE_NAME] = svc.metadata.name!;
  svcLabels[LABEL_MANAGED_BY] = controllerName;
  return { labels: svcLabels, changed };
}

/** metav1.NewControllerRef to the Service. */
export const serviceOwnerRef = (svc: KObject) => ({
  apiVersion: 'v1',
  kind: 'Service',
  name: svc.metadata.name!,
  uid: svc.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/** getEndpointSlicePrefix: `<service>-`. */
export const slicePrefix = (name: string): string => `${name}-`;

/** newEndpointSlice: an unnamed slice (generateName) owned by the service with these ports. */
export function newEndpointSlice(svc: KObject, ports: EndpointPort[], addressType = 'IPv4'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata.name!),
      namespace: svc.metadata.namespace,
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [serviceOwnerRef(svc)],
    },
    addressType,
    endpoints: [],
    ports,
  };
}
