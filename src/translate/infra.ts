// The infra ("pause") container: owns the pod's network, IPC and (when shared) PID namespaces, so it
// carries everything Docker refuses on `container:` network mode: hostname, DNS, published ports.
import type Docker from 'dockerode';
import { podDnsConfig, type DnsParams } from './dns.js';
import { podHostname } from './hostname.js';
import type { Pod } from './k8s-types.js';
import { infraLabels, type ContainerLabelOptions } from './labels.js';
import { infraDockerName } from './names.js';

export const PAUSE_IMAGE = 'dockube/pause:latest';

export interface InfraParams extends DnsParams, ContainerLabelOptions {
  /** the pod network (a user-defined bridge, or an attachable overlay) */
  network: string;
  /** a pinned pod IP (needs a network created with --subnet) */
  ip?: string;
  /** DNS aliases on the pod network */
  aliases?: string[];
  image?: string;
}

/**
 * hostPort mappings: `<containerPort>/<proto>` → host bindings on the pod's hostIP (every address when unset), as the
 * scheduler's NodePorts filter counts them: app containers and sidecars (restartable init containers) alike, all on
 * the infra, which owns the network namespace.
 */
export function portBindings(pod: Pod): {
  exposed: Record<string, object>;
  bindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => (c as { restartPolicy?: string }).restartPolicy === 'Always');
  for (const c of [...pod.spec.containers, ...sidecars]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const key = `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIP || '0.0.0.0', HostPort: String(p.hostPort) });
    }
  }
  return { exposed, bindings };
}

export function infraCreateOptions(pod: Pod, params: InfraParams): Docker.ContainerCreateOptions {
  const hostNetwork = pod.spec.hostNetwork === true;
  const dns = podDnsConfig(pod, params);
  const { hostname, domainname } = podHostname(pod, params.clusterDomain);
  const ports = portBindings(pod);
  const sysctls = Object.fromEntries((pod.spec.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
  const hostConfig: Docker.HostConfig = {
    NetworkMode: hostNetwork ? 'host' : params.network,
    IpcMode: pod.spec.hostIPC ? 'host' : 'shareable',
    PidMode: pod.spec.hostPID ? 'host' : undefined,
    RestartPolicy: { Name: 'no' },
    Init: false, // pause is its own init: it reaps zombies and exits on SIGTERM
    ...(dns ? { Dns: dns.servers, DnsSearch: dns.searches, DnsOptions: dns.options } : {}),
    // No ExtraHosts: hostAliases go into the kubelet-managed hosts file every container binds (etc-hosts.ts).
    ...(hostNetwork ? {} : { PortBindings: ports.bindings }),
    ...(Object.keys(sysctls).length ? { Sysctls: sysctls } : {}),
    // The pod's CPU shares stay with its app containers; the infra needs only the minimum.
    CpuShares: 2,
  };
  const opts: Docker.ContainerCreateOptions = {
    name: infraDockerName(
      { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' },
      params.attempt,
    ),
    Image: params.image ?? PAUSE_IMAGE,
    Labels: infraLabels(pod, params),
    HostConfig: hostConfig,
    ...(hostNetwork ? {} : { Hostname: hostname, ...(domainname ? { Domainname: domainname } : {}), ExposedPorts: ports.exposed }),
  };
  if (!hostNetwork) {
    const endpoint: Docker.EndpointSettings = {};
    if (params.ip) endpoint.IPAMConfig = { IPv4Address: params.ip };
    if (params.aliases?.length) endpoint.Aliases = params.aliases;
    opts.NetworkingConfig = { EndpointsConfig: { [params.network]: endpoint } };
  }
  return opts;
}
