// The in-process node: logs, exec, attach, port-forward and stats served from this host's Docker engine through the
// one client the node is given, as the kubelet serves them on its port for the API server to proxy to.
import type { Duplex, Readable } from 'node:stream';
import { badRequest } from '../machinery/api/errors.js';
import { DockerStatsCollector, type UsageSnapshot } from '../metrics/collector.js';
import type { HostPaths } from '../metrics/host-usage.js';
import { findPodContainer, inspectDetails, type ContainerDetails } from '../runtime/container-lookup.js';
import { containerLogs } from './container-logs.js';
import type { DockerClient } from './docker-client.js';
import { startAttach, startExec } from './docker-session.js';
import { containerNotRunning, waitingToStart } from './errors.js';
import { portForward } from './port-forward.js';
import type { ContainerLogOptions, NodeConnection, PodLike, StreamOptions, StreamSession } from './types.js';

export interface DockerNodeOptions {
  /** Where the host's cgroup and /proc files are; false = node usage is the sum of the containers. */
  hostPaths?: HostPaths | false;
  /** How long one stats collection answers reads. */
  statsTtlMs?: number;
}

export class DockerNode implements NodeConnection {
  private readonly collector: DockerStatsCollector;

  constructor(
    readonly nodeName: string,
    private readonly docker: DockerClient,
    opts: DockerNodeOptions = {},
  ) {
    this.collector = new DockerStatsCollector({ docker, hostPaths: opts.hostPaths, ttlMs: opts.statsTtlMs });
  }

  async containerLogs(pod: PodLike, container: string, options: ContainerLogOptions): Promise<Readable> {
    return containerLogs(await this.docker(), pod, container, options);
  }

  async exec(pod: PodLike, container: string, command: string[], options: StreamOptions): Promise<StreamSession> {
    const details = await this.running(pod, container);
    return startExec(await this.docker(), details.id, command, options);
  }

  async attach(pod: PodLike, container: string, options: StreamOptions): Promise<StreamSession> {
    const details = await this.running(pod, container);
    // Attach reaches the main process: stdin only when the container keeps it open (spec stdin: true), and the
    // framing follows the container's own TTY.
    return startAttach(await this.docker(), details.id, { ...options, stdin: options.stdin && details.openStdin, tty: details.tty });
  }

  async portForward(pod: PodLike, port: number): Promise<Duplex> {
    return portForward(await this.docker(), pod, port);
  }

  stats(): Promise<UsageSnapshot> {
    return this.collector.snapshot();
  }

  /** The running Docker container for exec/attach, or the error kubectl shows when there is none. */
  private async running(pod: PodLike, container: string): Promise<ContainerDetails> {
    const podName = pod.metadata.name ?? '';
    if (!pod.spec?.nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
    const docker = await this.docker();
    const found = await findPodContainer(docker, pod.metadata.uid ?? '', container);
    if (!found) throw waitingToStart(pod, container);
    const details = await inspectDetails(docker, found.id);
    if (!details.running) throw containerNotRunning(container);
    return details;
  }
}
