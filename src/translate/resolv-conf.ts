// resolv.conf as text: the host's file read (kubelet's parseResolvConf: nameserver, search/domain, options), and the
// file the kubelet writes for a pod (the runtime's resolv.conf for the DNS config podDnsConfig computed).
import { effectiveDnsPolicy, podDnsConfig, type DnsParams, type ResolvConfig } from './dns.js';
import type { Pod } from './k8s-types.js';

/** Where every container of a pod gets the pod's resolver configuration. */
export const RESOLV_CONF_PATH = '/etc/resolv.conf';
/** The node's own resolver configuration unless --resolv-conf names another (kubelet's default). */
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

export function parseResolvConf(text: string): ResolvConfig {
  const out: ResolvConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (!key || !fields.length) continue;
    if (key === 'nameserver') out.servers.push(fields[0]!);
    // The last search or domain line wins, as in the resolver; domain is a one-name search.
    else if (key === 'search') out.searches = fields.map((f) => f.replace(/\.$/, ''));
    else if (key === 'domain') out.searches = [fields[0]!.replace(/\.$/, '')];
    else if (key === 'options') out.options.push(...fields);
  }
  return out;
}

/** The file's text: one nameserver line each, then search and options when there are any. */
export function renderResolvConf(c: ResolvConfig): string {
  return [
    ...c.servers.map((s) => `nameserver ${s}\n`),
    c.searches.length ? `search ${c.searches.join(' ')}\n` : '',
    c.options.length ? `options ${c.options.join(' ')}\n` : '',
  ].join('');
}

/** Whether a container gets the pod's resolv.conf: not when it mounts something of its own there. */
export const mountsOwnResolvConf = (mounts: readonly { mountPath: string }[] | undefined) =>
  (mounts ?? []).some((m) => m.mountPath === RESOLV_CONF_PATH);

/**
 * The resolv.conf the kubelet writes for a pod and binds into its containers, or undefined for the Default policy
 * without a dnsConfig (also ClusterFirst on the host network, or without a cluster DNS): then the runtime's own file
 * stays, whose resolver forwards to the node's, as Default asks.
 */
export function podResolvConf(pod: Pod, params: DnsParams): string | undefined {
  if (effectiveDnsPolicy(pod, params) === 'Default') return undefined;
  const c = podDnsConfig(pod, params);
  return c && renderResolvConf(c);
}
