// The /etc/hosts the kubelet writes for each pod (kubelet_pods.go ensureHostsFile): the pod's own names and
// localhost entries on the pod network, the node's file on the host network, hostAliases appended to either.
// Pure: the caller passes the pod IPs it learned and, for the host network, the node's file.
import { podHostname } from './hostname.js';
import type { Pod } from './k8s-types.js';

export const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
export const MANAGED_HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';
export const ETC_HOSTS_PATH = '/etc/hosts';

/** hostAliases under their header, one line per IP with its names tab-separated; nothing when there are none. */
export function hostAliasEntries(pod: Pod): string {
  const aliases = pod.spec.hostAliases ?? [];
  if (!aliases.length) return '';
  return `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('')}`;
}

/** The file for a pod on the pod network: localhost lines, then `<ip>\t<hostname>` (FQDN first with a subdomain). */
export function managedHostsContent(pod: Pod, podIPs: readonly string[], clusterDomain?: string): string {
  // setHostnameAsFQDN changes the kernel hostname only: the hosts file keeps the short name and the domain apart.
  const { hostname, domainname } = podHostname({ ...pod, spec: { ...pod.spec, setHostnameAsFQDN: false } }, clusterDomain);
  const own = podIPs.map((ip) => (domainname ? `${ip}\t${hostname}.${domainname}\t${hostname}\n` : `${ip}\t${hostname}\n`));
  return [
    MANAGED_HOSTS_HEADER,
    '127.0.0.1\tlocalhost\n',
    '::1\tlocalhost ip6-localhost ip6-loopback\n',
    'fe00::0\tip6-localnet\n',
    'fe00::0\tip6-mcastprefix\n',
    'fe00::1\tip6-allnodes\n',
    'fe00::2\tip6-allrouters\n',
    ...own,
    hostAliasEntries(pod),
  ].join('');
}

/** The file for a pod on the host network: the node's own file under its header, hostAliases after it. */
export const hostNetworkHostsContent = (pod: Pod, nodeHosts: string) =>
  `${MANAGED_HOSTS_HEADER_HOST_NETWORK}${nodeHosts}${hostAliasEntries(pod)}`;

/** Whether a container gets the pod's hosts file: not when it mounts something of its own at /etc/hosts. */
export const mountsOwnEtcHosts = (mounts: readonly { mountPath: string }[] | undefined) =>
  (mounts ?? []).some((m) => m.mountPath === ETC_HOSTS_PATH);
