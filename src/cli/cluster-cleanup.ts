// What `dockube delete` removes: everything the cluster of a data dir made outside it, found by the labels and names
// it gave them (dockube.io/instance and dockube.io/data-dir on containers, volumes and networks; the DK<instance>
// iptables chains and the jumps to them; its service-range route, by its metric), then the mounts the kubelet left
// under the data dir (memory emptyDirs, subPaths) and the data dir itself.
import { readFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { connectDocker } from '../runtime/engine.js';
import { parseDockerHost } from '../runtime/docker.js';
import { instanceFor } from '../runtime/instance.js';
import { LABEL_DATA_DIR, LABEL_INSTANCE } from '../runtime/docker-runtime.js';
import { chainPrefix } from '../proxy/chain-names.js';
import { removeInstanceRules, routeMetric } from '../proxy/iptables-proxier.js';
import { run } from '../proxy/host.js';

export interface CleanupCounts {
  containers: number;
  volumes: number;
  networks: number;
  chains: number;
  routes: number;
  mounts: number;
}

/** Both labels: the instance (a hash of the path) and the path itself, for objects made by older versions. */
const filtersFor = (dataDir: string) => [
  { label: [`${LABEL_INSTANCE}=${instanceFor(dataDir)}`] },
  { label: [`${LABEL_DATA_DIR}=${dataDir}`] },
];

export async function removeDockerObjects(dataDir: string, dockerHost: string, counts: CleanupCounts): Promise<void> {
  const docker = await connectDocker(parseDockerHost(dockerHost));
  const containers = new Set<string>();
  for (const filters of filtersFor(dataDir)) for (const c of await docker.listContainers({ all: true, filters })) containers.add(c.Id);
  // Removed together: a pod's app containers share the infra container's namespaces.
  await Promise.all([...containers].map((id) => docker.getContainer(id).remove({ force: true, v: true }).catch(ignoreGone)));
  counts.containers = containers.size;
  const volumes = new Set<string>();
  for (const filters of filtersFor(dataDir)) for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) volumes.add(v.Name);
  for (const v of volumes) await docker.getVolume(v).remove({ force: true }).catch(ignoreGone);
  counts.volumes = volumes.size;
  const networks = new Set<string>();
  for (const filters of filtersFor(dataDir)) for (const n of await docker.listNetworks({ filters })) networks.add(n.Id);
  for (const n of networks) await removeNetwork(docker.getNetwork(n));
  counts.networks = networks.size;
}

type NetworkHandle = ReturnType<Awaited<ReturnType<typeof connectDocker>>['getNetwork']>;

/** Removes a network of the cluster; containers still attached (a user's, connected by hand) are disconnected first. */
async function removeNetwork(net: NetworkHandle): Promise<void> {
  try {
    await net.remove();
  } catch (e) {
    const code = (e as { statusCode?: number }).statusCode;
    if (code === 404) return;
    if (code !== 403) throw e; // 403: it has active endpoints
    const info = (await net.inspect().catch(() => undefined)) as { Containers?: Record<string, unknown> } | undefined;
    for (const id of Object.keys(info?.Containers ?? {})) await net.disconnect({ Container: id, Force: true }).catch(ignoreGone);
    await net.remove().catch(ignoreGone);
  }
}

const ignoreGone = (e: unknown) => {
  if ((e as { statusCode?: number }).statusCode !== 404) throw e;
};

/** The instance's service chains and jumps, and its route; nothing when iptables is not ours to change. */
export async function removeHostRules(dataDir: string, counts: CleanupCounts): Promise<void> {
  if (process.getuid?.() !== 0 || spawnSync('iptables-save', ['--version']).status !== 0) return;
  const instance = instanceFor(dataDir);
  const prefix = chainPrefix(instance);
  const before = (await run('iptables-save', [])).stdout.split('\n').filter((l) => l.startsWith(`:${prefix}`)).length;
  await removeInstanceRules(prefix);
  counts.chains = before;
  const metric = routeMetric(instance);
  const routes = (await run('ip', ['-o', 'route', 'show'])).stdout.split('\n');
  for (const r of routes) {
    const m = new RegExp(`^(\\S+) dev (\\S+) .*metric ${metric}\\b`).exec(r.trim());
    if (!m) continue;
    await run('ip', ['route', 'del', m[1]!, 'dev', m[2]!, 'metric', String(metric)]);
    counts.routes++;
  }
}

/** Unmounts what is mounted below the data dir (deepest first): the kubelet's tmpfs emptyDirs and subPath binds. */
export async function unmountBelow(dataDir: string, counts: CleanupCounts): Promise<void> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4]?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p): p is string => !!p && p.startsWith(`${dataDir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) if (spawnSync('umount', ['-l', p]).status === 0) counts.mounts++;
}

export async function removeCluster(dataDir: string, opts: { dockerHost: string; keepData: boolean }): Promise<CleanupCounts> {
  const counts: CleanupCounts = { containers: 0, volumes: 0, networks: 0, chains: 0, routes: 0, mounts: 0 };
  // Rules and the route first: the route is on the cluster's bridge, which goes with its network.
  await removeHostRules(dataDir, counts);
  await removeDockerObjects(dataDir, opts.dockerHost, counts);
  await unmountBelow(dataDir, counts);
  if (!opts.keepData) await rm(dataDir, { recursive: true, force: true });
  return counts;
}
