// What the cluster DNS answers from, as CoreDNS's kubernetes plugin keeps it from its informers (object/service.go,
// object/endpoint.go): services, the endpoints of their EndpointSlices, the namespaces that exist, and a reverse
// index of IPs. Built from plain API objects, so it is pure and the answers can be tested without sockets.
import type { KObject } from '../machinery/api/meta.js';

export interface DnsPort {
  name: string;
  port: number;
  protocol: string;
}

export interface DnsService {
  name: string;
  namespace: string;
  type: string;
  /** ClusterIPs; empty for a headless service (clusterIP None) */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: DnsPort[];
}

/** One address of an endpoint with the ports of its slice (CoreDNS's EndpointAddress × EndpointPort). */
export interface DnsEndpoint {
  ip: string;
  /** the endpoint's hostname field (pod hostname with a matching subdomain) */
  hostname?: string;
  ports: DnsPort[];
}

export interface ClusterDnsData {
  /** the cluster domain, lower case, without a trailing dot (cluster.local) */
  domain: string;
  namespaces: Set<string>;
  /** `<ns>/<name>` (lower case) → service */
  services: Map<string, DnsService>;
  /** `<ns>/<name>` (lower case) of the service → its ready endpoints */
  endpoints: Map<string, DnsEndpoint[]>;
  /** an IPv4 → the names it has: a ClusterIP's service name, else its endpoints' names */
  reverse: Map<string, string[]>;
  /** the SOA serial: moves when the data changes (CoreDNS uses the time of the last change) */
  serial: number;
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const keyOf = (ns: string, name: string) => `${ns}/${name}`.toLowerCase();

/** A hostname for an endpoint without one: its IP with dashes (CoreDNS's endpointHostname). */
export const endpointHostname = (e: Pick<DnsEndpoint, 'ip' | 'hostname'>) => e.hostname || e.ip.replace(/[.:]/g, '-');

function servicePorts(ports: J[] | undefined): DnsPort[] {
  return (ports ?? []).map((p) => ({ name: String(p.name ?? ''), port: Number(p.port), protocol: String(p.protocol ?? 'TCP') }));
}

export function dnsServiceOf(svc: KObject): DnsService {
  const spec = (svc.spec ?? {}) as J;
  const ips: string[] = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const headless = spec.type !== 'ExternalName' && (ips.includes('None') || ips.length === 0);
  return {
    name: svc.metadata.name ?? '',
    namespace: svc.metadata.namespace ?? '',
    type: String(spec.type ?? 'ClusterIP'),
    clusterIPs: ips.filter((ip) => ip !== 'None'),
    headless,
    ...(spec.type === 'ExternalName' && spec.externalName ? { externalName: String(spec.externalName).replace(/\.$/, '') } : {}),
    ports: servicePorts(spec.ports),
  };
}

/**
 * The ready endpoints of one EndpointSlice: ready unless `conditions.ready` is false (EndpointSliceToEndpoints);
 * FQDN slices carry no addresses DNS can answer with.
 */
export function sliceEndpoints(slice: KObject): DnsEndpoint[] {
  const s = slice as J;
  if (s.addressType && s.addressType !== 'IPv4' && s.addressType !== 'IPv6') return [];
  const ports = servicePorts(s.ports);
  const out: DnsEndpoint[] = [];
  for (const e of (s.endpoints ?? []) as J[]) {
    if (e.conditions?.ready === false) continue;
    for (const ip of (e.addresses ?? []) as string[]) out.push({ ip, ...(e.hostname ? { hostname: String(e.hostname) } : {}), ports });
  }
  return out;
}

export interface ClusterObjects {
  domain: string;
  services: KObject[];
  endpointSlices: KObject[];
  namespaces: KObject[];
  serial?: number;
}

export function clusterDnsData(objs: ClusterObjects): ClusterDnsData {
  const domain = objs.domain.toLowerCase().replace(/\.$/, '');
  const services = new Map<string, DnsService>();
  for (const o of objs.services) {
    const s = dnsServiceOf(o);
    services.set(keyOf(s.namespace, s.name), s);
  }
  const endpoints = new Map<string, DnsEndpoint[]>();
  for (const slice of objs.endpointSlices) {
    const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const k = keyOf(slice.metadata.namespace ?? '', svc);
    endpoints.set(k, [...(endpoints.get(k) ?? []), ...sliceEndpoints(slice)]);
  }
  // ClusterIPs first: an IP that is a service's address names the service, not an endpoint (serviceRecordForIP).
  const reverse = new Map<string, string[]>();
  for (const s of services.values())
    for (const ip of s.clusterIPs) if (!reverse.has(ip)) reverse.set(ip, [`${s.name}.${s.namespace}.svc.${domain}`]);
  const endpointNames = new Map<string, Set<string>>();
  for (const [k, eps] of endpoints) {
    const svc = services.get(k);
    if (!svc) continue;
    for (const e of eps) {
      if (reverse.has(e.ip)) continue;
      const names = endpointNames.get(e.ip) ?? new Set<string>();
      names.add(`${endpointHostname(e)}.${svc.name}.${svc.namespace}.svc.${domain}`);
      endpointNames.set(e.ip, names);
    }
  }
  for (const [ip, names] of endpointNames) reverse.set(ip, [...names]);
  return {
    domain,
    namespaces: new Set(objs.namespaces.map((n) => (n.metadata.name ?? '').toLowerCase())),
    services,
    endpoints,
    reverse,
    serial: objs.serial ?? Math.floor(Date.now() / 1000),
  };
}

export const serviceKey = keyOf;
