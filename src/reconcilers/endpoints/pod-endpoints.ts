// What the endpoints and EndpointSlice controllers read off a Service and its pods (staging endpointslice/util and
// pkg/api/v1/pod's FindPort): which pods belong in the endpoints, their readiness, the port a service port names on
// a pod, whether a pod's hostname is published, and the pods a service selects.
import type { KObject } from '../../machinery/api/meta.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/types.js';
import { isPodReady } from '../replicaset/pod-state.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export { isPodReady };

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

/** Label keys of the discovery API and the core Service API that these controllers write. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const ANNOTATION_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const ANNOTATION_LEADER = 'control-plane.alpha.kubernetes.io/leader';

const spec = (o: KObject): J => (o as J).spec ?? {};
const status = (o: KObject): J => (o as J).status ?? {};

export const servicePorts = (svc: KObject): ServicePort[] => spec(svc).ports ?? [];
export const publishNotReady = (svc: KObject): boolean => spec(svc).publishNotReadyAddresses === true;
export const isHeadless = (svc: KObject): boolean => spec(svc).clusterIP === 'None';
/** IsServiceIPSet: a ClusterIP other than None. */
export const isServiceIPSet = (svc: KObject): boolean => !!spec(svc).clusterIP && spec(svc).clusterIP !== 'None';
export const isExternalName = (svc: KObject): boolean => spec(svc).type === 'ExternalName';

/** The service's selector, or undefined for none (an empty map is stored as none, as protobuf storage drops it). */
export function serviceSelector(svc: KObject): Record<string, string> | undefined {
  const sel = spec(svc).selector as Record<string, string> | undefined;
  return sel && Object.keys(sel).length ? sel : undefined;
}

/** Whether a selector map selects these labels (labels.Set(selector).AsSelector()). */
export const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export const podIP = (pod: KObject): string => status(pod).podIP ?? status(pod).podIPs?.[0]?.ip ?? '';
const isIPv4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
/** getEndpointAddresses for IPv4: the pod's IPv4 addresses (status.podIPs, else status.podIP). */
export const podIPv4s = (pod: KObject): string[] => {
  const ips: string[] = (status(pod).podIPs ?? []).map((p: J) => String(p?.ip ?? ''));
  return (ips.length ? ips : [podIP(pod)]).filter(isIPv4);
};
export const podNodeName = (pod: KObject): string => spec(pod).nodeName ?? '';
export const isTerminating = (pod: KObject): boolean => !!pod.metadata.deletionTimestamp;

/** ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless those are included. */
export function shouldPodBeInEndpoints(pod: KObject, includeTerminating: boolean): boolean {
  const phase = status(pod).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!podIP(pod)) return false;
  return includeTerminating || !isTerminating(pod);
}

/** ShouldSetHostname: the pod names a hostname and its subdomain is this service, in the service's namespace. */
export const shouldSetHostname = (pod: KObject, svc: KObject): boolean =>
  !!spec(pod).hostname && spec(pod).subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;

/**
 * FindPort: the pod's port for a service port. A named targetPort is looked up in the containers' (and sidecars')
 * ports by name and protocol (undefined when none has it); a number is used as it is; none means the service port.
 */
export function findPort(pod: KObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  // Containers, then sidecars (init containers that keep running).
  const sidecars = (spec(pod).initContainers ?? []).filter((c: J) => c?.restartPolicy === 'Always');
  for (const c of [...(spec(pod).containers ?? []), ...sidecars])
    for (const p of c?.ports ?? []) if (p?.name === target && (p.protocol ?? 'TCP') === protocol) return Number(p.containerPort);
  return undefined;
}

/** An ObjectReference to the pod, as both controllers write it (no resourceVersion: pod updates do not churn it). */
export const podReference = (pod: KObject) => ({
  kind: 'Pod',
  namespace: pod.metadata.namespace,
  name: pod.metadata.name,
  uid: pod.metadata.uid,
});

/** The pods of `pods` (one namespace's) that the selector picks. */
/** getPodServiceMemberships (endpointutil): the keys of the services in the pod's namespace whose selector picks it. */
export const podServiceMemberships = (services: Informer, pod: KObject): string[] =>
  services
    .byIndex('namespace', pod.metadata.namespace ?? '')
    .filter((s) => {
      const sel = serviceSelector(s);
      return sel && selects(sel, pod.metadata.labels);
    })
    .map(objectKey);

/** The services a pod event concerns (the pod's services before and after), none when nothing endpoints show changed. */
export const servicesOfPodChange =
  (services: Informer) =>
  (type: string, old: KObject | undefined, pod: KObject): string[] => {
    if (type === 'MODIFIED' && old && !podEndpointsChanged(old, pod)) return [];
    return [...new Set([...(old ? podServiceMemberships(services, old) : []), ...podServiceMemberships(services, pod)])];
  };

export const selectedPods = (selector: Record<string, string>, pods: KObject[]): KObject[] =>
  pods.filter((p) => selects(selector, p.metadata.labels));

/** podEndpointsChanged and the label check: whether a pod change can change any endpoints. */
export function podEndpointsChanged(old: KObject, cur: KObject): boolean {
  const view = (p: KObject) => ({
    labels: p.metadata.labels ?? {},
    deleting: !!p.metadata.deletionTimestamp,
    ip: podIP(p),
    ips: status(p).podIPs,
    ready: isPodReady(p),
    phase: status(p).phase,
    nodeName: podNodeName(p),
    hostname: spec(p).hostname,
    subdomain: spec(p).subdomain,
    ports: (spec(p).containers ?? []).map((c: J) => c?.ports),
    uid: p.metadata.uid,
  });
  return JSON.stringify(view(old)) !== JSON.stringify(view(cur));
}
