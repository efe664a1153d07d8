// What sets one cluster apart from the others on the same Docker engine, chosen at its first start and kept in
// `<data-dir>/cluster.json`: its node name (--node-name; the host name unless another cluster's node holds it, then
// the host name and a short hash of the data dir) and its own pod network (--cluster-cidr, else the first /16 that no
// Docker network, host route or host DNS server uses), a bridge of its own that Docker isolates from every other
// bridge, so two clusters' pods cannot reach each other.
// A data dir from before (a cluster without cluster.json) keeps the shared `dockube-pods` network it runs on.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { dataDirLayout } from '../data-dir.js';
import { writeFileAtomic } from '../pki/files.js';
import { parseDockerHost, type DockerEndpoint } from '../runtime/docker.js';
import { instanceFor } from '../runtime/instance.js';
import { POD_NETWORK, type PodNetworkConfig } from '../runtime/pod-network.js';
import { LABEL_DATA_DIR, LABEL_INSTANCE } from '../runtime/docker-runtime.js';
import { engineCall } from '../runtime/engine-probe.js';
import { firstFreeSubnet, gatewayOf, nameserverCidrs, overlaps, routedCidrs } from './pod-subnet.js';
import { StartupCheckFailed } from './startup-errors.js';

export const LABEL_NODE_NAME = 'dockube.io/node-name';
const LABEL_NETWORK = 'dockube.io/network';

export interface ClusterIdentity {
  nodeName: string;
  podNetwork: PodNetworkConfig;
}

interface NetworkSummary {
  Id: string;
  Name: string;
  Labels?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string }[] };
  Containers?: Record<string, unknown>;
}

const identityFile = (dataDir: string) => join(dataDir, 'cluster.json');

/** The cluster's identity as recorded, if it was. */
export function recordedIdentity(dataDir: string): ClusterIdentity | undefined {
  try {
    return JSON.parse(readFileSync(identityFile(dataDir), 'utf8')) as ClusterIdentity;
  } catch {
    return undefined;
  }
}

export interface IdentityFlags {
  dataDir: string;
  dockerHost: string;
  serviceCidr: string;
  nodeName?: string;
  clusterCidr?: string;
  /** the host's resolver configuration (--resolv-conf, default /etc/resolv.conf): its DNS servers stay reachable */
  resolvConf: string;
}

/** The host's IPv4 DNS servers as /32 ranges (none when the file cannot be read). */
const hostNameservers = async (resolvConf: string) => nameserverCidrs(await readFile(resolvConf, 'utf8').catch(() => ''));

/**
 * Refuses a service range holding one of the host's DNS servers: the service proxy routes the whole range to the
 * cluster's bridge, which would take the host's name lookups. Checked at every start (the range is not recorded).
 */
export async function checkServiceCidr(serviceCidr: string, resolvConf: string): Promise<void> {
  const server = (await hostNameservers(resolvConf)).find((ns) => overlaps(ns, serviceCidr));
  if (server)
    throw new StartupCheckFailed(
      `--service-cidr ${serviceCidr} holds the host's DNS server ${server.slice(0, -3)} (${resolvConf}): choose another range`,
    );
}

/** Removes pod networks of clusters whose data dir is gone and that no container uses any more. */
async function sweepAbandonedNetworks(ep: DockerEndpoint, networks: NetworkSummary[]): Promise<void> {
  for (const n of networks) {
    const dir = n.Labels?.[LABEL_DATA_DIR];
    if (n.Labels?.[LABEL_NETWORK] !== 'pods' || !dir || existsSync(dir)) continue;
    const full = await engineCall<NetworkSummary>(ep, 'GET', `/networks/${n.Id}`).catch(() => undefined);
    if (full && Object.keys(full.Containers ?? {}).length === 0) await engineCall(ep, 'DELETE', `/networks/${n.Id}`).catch(() => undefined);
  }
}

/**
 * The cluster's node name and pod network: as recorded, else chosen now (and the network created, so that two
 * clusters starting at once cannot both take one subnet) and recorded. Throws StartupCheckFailed for a
 * --cluster-cidr or --node-name that cannot be honoured.
 */
export async function resolveClusterIdentity(f: IdentityFlags): Promise<ClusterIdentity> {
  const recorded = recordedIdentity(f.dataDir);
  if (recorded) {
    if (f.clusterCidr && f.clusterCidr !== recorded.podNetwork.subnet)
      throw new StartupCheckFailed(
        `--cluster-cidr ${f.clusterCidr} differs from this cluster's pod network ${recorded.podNetwork.subnet}: ` +
          `pods keep their network for the cluster's life; drop the flag or 'dockube delete' the cluster first`,
      );
    if (f.nodeName && f.nodeName !== recorded.nodeName)
      throw new StartupCheckFailed(
        `--node-name ${f.nodeName} differs from this cluster's node ${recorded.nodeName}: drop the flag or 'dockube delete' the cluster first`,
      );
    return recorded;
  }
  const instance = instanceFor(f.dataDir);
  const host = os.hostname().toLowerCase();
  const ep = parseDockerHost(f.dockerHost);
  let networks = await engineCall<NetworkSummary[]>(ep, 'GET', '/networks');
  await sweepAbandonedNetworks(ep, networks);
  networks = await engineCall<NetworkSummary[]>(ep, 'GET', '/networks');
  const others = networks.filter((n) => n.Labels?.[LABEL_INSTANCE] !== instance);
  // A node name another live cluster on this engine holds gets the data dir's hash (unless the user named it).
  const nodeTaken = (name: string) => others.some((n) => n.Labels?.[LABEL_NODE_NAME] === name);
  const nodeName = f.nodeName ?? (nodeTaken(host) ? `${host}-${instance.slice(0, 6)}` : host);

  let identity: ClusterIdentity | undefined;
  if (!f.clusterCidr && existsSync(dataDirLayout(f.dataDir).stateDb)) {
    // A cluster from before per-cluster networks: its pods run on the shared network; it keeps it.
    identity = { nodeName, podNetwork: POD_NETWORK };
  } else {
    const used = [...networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')), f.serviceCidr];
    const routes = routedCidrs(await readFile('/proc/net/route', 'utf8').catch(() => ''));
    const nameservers = await hostNameservers(f.resolvConf);
    let subnet: string | undefined;
    if (f.clusterCidr) {
      const cidr = f.clusterCidr;
      const clash = networks.find((n) => (n.IPAM?.Config ?? []).some((c) => c.Subnet && overlaps(c.Subnet, cidr)));
      if (clash)
        throw new StartupCheckFailed(
          `--cluster-cidr ${cidr} overlaps Docker network ${clash.Name} (${clash.IPAM!.Config!.map((c) => c.Subnet).join(', ')}): choose another range`,
        );
      if (overlaps(cidr, f.serviceCidr))
        throw new StartupCheckFailed(`--cluster-cidr ${cidr} overlaps --service-cidr ${f.serviceCidr}: choose ranges apart`);
      const server = nameservers.find((ns) => overlaps(ns, cidr));
      if (server)
        throw new StartupCheckFailed(
          `--cluster-cidr ${cidr} holds the host's DNS server ${server.slice(0, -3)} (${f.resolvConf}): choose another range`,
        );
      const route = routes.find((r) => overlaps(r, cidr));
      if (route) throw new StartupCheckFailed(`--cluster-cidr ${cidr} overlaps the host's route to ${route}: choose another range`);
      subnet = f.clusterCidr;
      identity = { nodeName, podNetwork: podNetworkFor(instance, subnet, f.dataDir, nodeName) };
      await createNetwork(ep, identity.podNetwork);
    } else {
      // Another cluster starting at the same moment may take the subnet first: then the next free one.
      for (let attempt = 0; ; attempt++) {
        subnet = firstFreeSubnet([...used, ...routes, ...nameservers]);
        if (!subnet) throw new StartupCheckFailed('no free /16 for the pod network in 10.200.0.0-10.255.255.255: pass --cluster-cidr');
        identity = { nodeName, podNetwork: podNetworkFor(instance, subnet, f.dataDir, nodeName) };
        try {
          await createNetwork(ep, identity.podNetwork);
          break;
        } catch (e) {
          if (attempt >= 4) throw e;
          used.push(subnet);
        }
      }
    }
  }
  await writeFileAtomic(identityFile(f.dataDir), JSON.stringify(identity!, null, 2) + '\n', 0o644);
  return identity!;
}

/** A cluster's own network: named and bridged after its instance, labelled with it, its data dir and node name. */
export function podNetworkFor(instance: string, subnet: string, dataDir: string, nodeName: string): PodNetworkConfig {
  return {
    name: `dockube-${instance}`,
    subnet,
    gateway: gatewayOf(subnet),
    bridge: `dk-${instance}`, // 15 characters, the kernel's limit for an interface name
    labels: { [LABEL_NETWORK]: 'pods', [LABEL_INSTANCE]: instance, [LABEL_DATA_DIR]: dataDir, [LABEL_NODE_NAME]: nodeName },
  };
}

async function createNetwork(ep: DockerEndpoint, cfg: PodNetworkConfig): Promise<void> {
  try {
    await engineCall(ep, 'POST', '/networks/create', {
      Name: cfg.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: cfg.labels,
      IPAM: { Driver: 'default', Config: [{ Subnet: cfg.subnet, Gateway: cfg.gateway }] },
      Options: { 'com.docker.network.bridge.name': cfg.bridge },
    });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 409) return; // ours, from an earlier attempt
    throw new StartupCheckFailed(
      `cannot create the pod network ${cfg.name} (${cfg.subnet}): ${(e as Error).message}; pass another --cluster-cidr`,
    );
  }
}
