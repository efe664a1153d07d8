// A pod's resolver configuration per dnsPolicy and dnsConfig, as kubelet's dns configurer builds it.
import type { Pod } from './k8s-types.js';

export interface ResolvConfig {
  servers: string[];
  searches: string[];
  options: string[];
}
export interface DnsParams {
  /** the cluster DNS server address(es) (kubelet --cluster-dns) */
  clusterDns?: string[];
  clusterDomain?: string;
  /** the host's resolv.conf; undefined lets Docker use the host's own (the Default policy) */
  host?: ResolvConfig;
}

// Resolver limits kubelet enforces (it trims and records an event).
export const MAX_NAMESERVERS = 3;
export const MAX_SEARCHES = 32;
export const MAX_SEARCH_CHARS = 2048;

const unique = (xs: string[]) => [...new Set(xs)];

/** Options of dnsConfig override base options of the same name; new ones are appended. */
export function mergeDnsOptions(base: string[], extra: { name: string; value?: string }[]): string[] {
  const order: string[] = [];
  const values = new Map<string, string | undefined>();
  const put = (name: string, value: string | undefined) => {
    if (!values.has(name)) order.push(name);
    values.set(name, value);
  };
  for (const o of base) {
    const i = o.indexOf(':');
    if (i < 0) put(o, undefined);
    else put(o.slice(0, i), o.slice(i + 1));
  }
  for (const o of extra) put(o.name, o.value);
  return order.map((n) => (values.get(n) === undefined ? n : `${n}:${values.get(n)}`));
}

function fitSearches(searches: string[]): string[] {
  let s = searches.slice(0, MAX_SEARCHES);
  while (s.length && s.join(' ').length > MAX_SEARCH_CHARS) s = s.slice(0, -1);
  return s;
}

/** The effective dnsPolicy: ClusterFirst on hostNetwork, or without a cluster DNS, falls back to Default. */
export function effectiveDnsPolicy(pod: Pod, params: DnsParams): 'ClusterFirst' | 'Default' | 'None' {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'None';
  if (policy === 'Default') return 'Default';
  if (policy === 'ClusterFirst' && pod.spec.hostNetwork) return 'Default';
  if (!params.clusterDns?.length) return 'Default';
  return 'ClusterFirst'; // also ClusterFirstWithHostNet
}

/** undefined = nothing to set: Docker then uses the host's resolver setup. */
export function podDnsConfig(pod: Pod, params: DnsParams = {}): ResolvConfig | undefined {
  const policy = effectiveDnsPolicy(pod, params);
  const domain = params.clusterDomain ?? 'cluster.local';
  let base: ResolvConfig | undefined;
  if (policy === 'ClusterFirst') {
    const ns = pod.metadata.namespace ?? 'default';
    base = {
      servers: [...(params.clusterDns ?? [])],
      searches: unique([`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...(params.host?.searches ?? [])]),
      options: ['ndots:5'],
    };
  } else if (policy === 'Default') {
    base = params.host
      ? { servers: [...params.host.servers], searches: [...params.host.searches], options: [...params.host.options] }
      : undefined;
  } else base = { servers: [], searches: [], options: [] };
  const extra = pod.spec.dnsConfig;
  if (extra) {
    base ??= { servers: [], searches: [], options: [] };
    base = {
      servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...base.searches, ...(extra.searches ?? [])]),
      options: mergeDnsOptions(base.options, extra.options ?? []),
    };
  }
  if (!base) return undefined;
  return { servers: base.servers.slice(0, MAX_NAMESERVERS), searches: fitSearches(base.searches), options: base.options };
}
