// A node's usage from its Docker engine, collected on demand (the node's stats(), which metrics-server would scrape): one stats read per running app
// container of a dockube pod (the engine's own two reads ~1 s apart give the CPU window), plus the host's totals for
// the node over the same span. A snapshot is kept for a few seconds so that `kubectl top` and a burst of list/get calls
// share one collection instead of each costing a second of engine time.
import type Dockerode from 'dockerode';
import { LABEL_MANAGED, containerKeyFromLabels } from '../translate/labels.js';
import { usageFromStats, type DockerStats, type UsageSample } from './container-stats.js';
import { hostCpuNs, hostMemoryWorkingSet, type HostPaths } from './host-usage.js';

/** One pod container's usage. */
export interface ContainerUsage extends UsageSample {
  podUid: string;
  container: string;
}

export interface UsageSnapshot {
  containers: ContainerUsage[];
  /** The node's total usage; undefined when neither the host nor any container could be read. */
  node?: UsageSample;
}

export interface CollectorOptions {
  /** The node's Docker client. */
  docker: () => Promise<Dockerode>;
  /** Where the host's cgroup and /proc files are; false = do not read the host (node usage = sum of containers). */
  hostPaths?: HostPaths | false;
  /** How long a snapshot answers reads (metrics-server's resolution is 15 s; kubectl top wants fresh numbers). */
  ttlMs?: number;
  /** The shortest span the node's CPU rate is measured over. */
  minNodeWindowMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DockerStatsCollector {
  private cached?: { at: number; snapshot: UsageSnapshot };
  private inflight?: Promise<UsageSnapshot>;

  constructor(private readonly opts: CollectorOptions) {}

  snapshot(): Promise<UsageSnapshot> {
    const ttl = this.opts.ttlMs ?? 5_000;
    if (this.cached && Date.now() - this.cached.at < ttl) return Promise.resolve(this.cached.snapshot);
    this.inflight ??= this.collect()
      .then((snapshot) => {
        this.cached = { at: Date.now(), snapshot };
        return snapshot;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async collect(): Promise<UsageSnapshot> {
    const host = this.opts.hostPaths === false ? undefined : this.opts.hostPaths;
    const start = process.hrtime.bigint();
    const cpuBefore = this.opts.hostPaths === false ? undefined : await hostCpuNs(host);

    let docker: Dockerode;
    let list: Dockerode.ContainerInfo[];
    try {
      docker = await this.opts.docker();
      list = await docker.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`], status: ['running'] } });
    } catch {
      // No engine: no pod has usage, and the node's own usage is still the host's.
      return { containers: [], node: await this.nodeUsage([], start, cpuBefore, host) };
    }
    // Only app containers count (not the infra "POD" container, init or ephemeral ones); the newest attempt wins.
    const current = new Map<string, { id: string; podUid: string; container: string; attempt: number }>();
    for (const c of list) {
      const key = containerKeyFromLabels(c.Labels);
      if (!key || key.kind !== 'app') continue;
      const id = `${key.podUid}/${key.container}`;
      const seen = current.get(id);
      if (!seen || key.attempt > seen.attempt)
        current.set(id, { id: c.Id, podUid: key.podUid, container: key.container, attempt: key.attempt });
    }
    const read = await Promise.all(
      [...current.values()].map(async (c): Promise<ContainerUsage | undefined> => {
        try {
          const stats = (await docker.getContainer(c.id).stats({ stream: false })) as unknown as DockerStats;
          const u = usageFromStats(stats);
          return u && { ...u, podUid: c.podUid, container: c.container };
        } catch {
          return undefined; // it stopped between the list and the read
        }
      }),
    );
    const containers = read.filter((c): c is ContainerUsage => !!c);
    return { containers, node: await this.nodeUsage(containers, start, cpuBefore, host) };
  }

  /** Host totals over [start, now], or the sum of the containers when the host cannot be read. */
  private async nodeUsage(
    containers: ContainerUsage[],
    start: bigint,
    cpuBefore: number | undefined,
    host: HostPaths | undefined,
  ): Promise<UsageSample | undefined> {
    if (cpuBefore !== undefined) {
      const minNs = (this.opts.minNodeWindowMs ?? 1000) * 1e6;
      const elapsed = Number(process.hrtime.bigint() - start);
      if (elapsed < minNs) await sleep(Math.ceil((minNs - elapsed) / 1e6));
      const cpuAfter = await hostCpuNs(host);
      const windowNs = Number(process.hrtime.bigint() - start);
      const memory = await hostMemoryWorkingSet(host);
      if (cpuAfter !== undefined && memory !== undefined && windowNs > 0) {
        return {
          timestampNs: BigInt(Date.now()) * 1_000_000n,
          windowNs,
          cpuNanoCores: Math.max(0, Math.round(((cpuAfter - cpuBefore) / windowNs) * 1e9)),
          memoryBytes: memory,
        };
      }
    }
    if (!containers.length) return undefined;
    return {
      timestampNs: containers.reduce((a, c) => (c.timestampNs > a ? c.timestampNs : a), 0n),
      windowNs: Math.max(...containers.map((c) => c.windowNs)),
      cpuNanoCores: containers.reduce((a, c) => a + c.cpuNanoCores, 0),
      memoryBytes: containers.reduce((a, c) => a + c.memoryBytes, 0),
    };
  }
}
