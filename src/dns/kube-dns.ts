// The `kube-dns` Service in kube-system, as kubeadm installs it for CoreDNS (ClusterIP = the tenth address of the
// service range, ports dns 53/UDP and dns-tcp 53/TCP), but selectorless: its Endpoints and EndpointSlice point at
// the DNS server this host runs on the pod network's gateway, at that server's port. Written through a Client.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { Client, Gvr } from '../client/types.js';
import { SERVICE_NAME_LABEL } from './cluster-data.js';

export const KUBE_DNS = 'kube-dns';
export const KUBE_SYSTEM = 'kube-system';
/** Who writes the objects (the fieldManager of their managedFields, the slice's managed-by). */
export const KUBE_DNS_MANAGER = 'dockube-cluster-dns';

const GVR_ = {
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
} as const satisfies Record<string, Gvr>;

/** kubeadm's labels of the CoreDNS service. */
export const KUBE_DNS_LABELS = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function kubeDnsService(clusterIP: string, targetPort: number): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBE_DNS, namespace: KUBE_SYSTEM, labels: { ...KUBE_DNS_LABELS } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort },
      ],
      sessionAffinity: 'None',
    },
  };
}

const endpointPorts = (port: number) => [
  { name: 'dns', port, protocol: 'UDP' },
  { name: 'dns-tcp', port, protocol: 'TCP' },
];

export function kubeDnsEndpoints(address: string, port: number): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    // Not mirrored into a second slice: ours is written beside it.
    metadata: {
      name: KUBE_DNS,
      namespace: KUBE_SYSTEM,
      labels: { ...KUBE_DNS_LABELS, 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: address }], ports: endpointPorts(port) }],
  } as KObject;
}

export function kubeDnsEndpointSlice(address: string, port: number): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: KUBE_DNS,
      namespace: KUBE_SYSTEM,
      labels: { ...KUBE_DNS_LABELS, [SERVICE_NAME_LABEL]: KUBE_DNS, 'endpointslice.kubernetes.io/managed-by': KUBE_DNS_MANAGER },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
    ports: endpointPorts(port),
  } as KObject;
}

const isStatus = (e: unknown, code: number) => e instanceof StatusError && e.code === code;

async function getOrUndefined(client: Client, gvr: Gvr, name: string): Promise<J | undefined> {
  try {
    return (await client.get(gvr, KUBE_SYSTEM, name)) as J;
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

/** The port the kube-dns Endpoints name (a previous run's DNS server), so a restart can keep it. */
export async function previousDnsPort(client: Client): Promise<number | undefined> {
  const ep = await getOrUndefined(client, GVR_.endpoints, KUBE_DNS);
  const port = ep?.subsets?.[0]?.ports?.find((p: J) => p.name === 'dns')?.port;
  return typeof port === 'number' && port > 0 ? port : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const labelsHold = (have: J | undefined, want: Record<string, string>) => Object.entries(want).every(([k, v]) => have?.[k] === v);

const opts = { fieldManager: KUBE_DNS_MANAGER };

/** Creates `want`, or brings the stored object to it: the listed top-level fields replaced (a merge patch), labels added. */
async function ensure(client: Client, gvr: Gvr, want: J, fields: string[]): Promise<void> {
  const name = want.metadata.name as string;
  const have = await getOrUndefined(client, gvr, name);
  if (!have) {
    try {
      await client.create(gvr, KUBE_SYSTEM, want as KObject, opts);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
    return;
  }
  const patch: J = {};
  for (const f of fields) if (!same(have[f], want[f])) patch[f] = want[f];
  if (!labelsHold(have.metadata.labels, want.metadata.labels)) patch.metadata = { labels: want.metadata.labels };
  if (Object.keys(patch).length) await client.patch(gvr, KUBE_SYSTEM, name, 'merge', patch, opts);
}

const portKey = (p: J) => `${p.name}/${p.port}/${p.protocol}/${p.targetPort}`;

/**
 * The Service: created, or reconciled: its ports, no selector, kubeadm's labels; one with a ClusterIP of another
 * range (the server restarted with another --service-cidr) is deleted and created again (the field is immutable).
 */
export async function ensureKubeDnsService(client: Client, clusterIP: string, targetPort: number): Promise<void> {
  const want = kubeDnsService(clusterIP, targetPort) as J;
  let have = await getOrUndefined(client, GVR_.services, KUBE_DNS);
  if (have && have.spec?.clusterIP !== clusterIP) {
    await client.delete(GVR_.services, KUBE_SYSTEM, KUBE_DNS, { preconditions: { uid: have.metadata.uid } });
    have = undefined;
  }
  if (!have) return ensure(client, GVR_.services, want, []);
  const spec: J = {};
  if (!same((have.spec?.ports ?? []).map(portKey), want.spec.ports.map(portKey))) spec.ports = want.spec.ports;
  if (have.spec?.selector) spec.selector = null;
  const patch: J = Object.keys(spec).length ? { spec } : {};
  if (!labelsHold(have.metadata.labels, want.metadata.labels)) patch.metadata = { labels: want.metadata.labels };
  if (Object.keys(patch).length) await client.patch(GVR_.services, KUBE_SYSTEM, KUBE_DNS, 'merge', patch, opts);
}

/** Its Endpoints and EndpointSlice: the DNS server at address:port. */
export async function ensureKubeDnsEndpoints(client: Client, address: string, port: number): Promise<void> {
  await ensure(client, GVR_.endpoints, kubeDnsEndpoints(address, port) as J, ['subsets']);
  await ensure(client, GVR_.endpointslices, kubeDnsEndpointSlice(address, port) as J, ['addressType', 'endpoints', 'ports']);
}
