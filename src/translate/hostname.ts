// The pod's hostname and domain as kubelet derives them (GeneratePodHostNameAndDomain).
import { ContainerConfigError } from './errors.js';
import type { Pod } from './k8s-types.js';

const MAX_HOSTNAME = 63;
const MAX_FQDN = 64;

export interface PodHostname {
  hostname: string;
  domainname: string;
}

export function podHostname(pod: Pod, clusterDomain = 'cluster.local'): PodHostname {
  let hostname = pod.spec.hostname || pod.metadata.name || '';
  // Longer names are truncated and may not end in '-' or '.'.
  if (hostname.length > MAX_HOSTNAME) hostname = hostname.slice(0, MAX_HOSTNAME).replace(/[-.]+$/, '');
  const domainname = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}` : '';
  if (pod.spec.setHostnameAsFQDN && domainname) {
    const fqdn = `${hostname}.${domainname}`;
    if (fqdn.length > MAX_FQDN) {
      throw new ContainerConfigError(
        `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${MAX_FQDN} characters is the max, ${fqdn.length} characters requested)`,
      );
    }
    return { hostname: fqdn, domainname: '' };
  }
  return { hostname, domainname };
}
