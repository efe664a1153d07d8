// The kubelet's ContainerRuntime over one Docker client (one per node; nothing module-global). A pod's containers
// are found by the labels we put on them (src/translate/labels.ts), restricted to this server's instance label so
// that dockube servers sharing an engine leave each other's pods alone.
import type Docker from 'dockerode';
import {
  containerKeyFromLabels,
  LABEL_COMPOSE_PROJECT,
  LABEL_MANAGED,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
} from '../translate/labels.js';
import { DockerFrameDecoder } from './docker-frames.js';
import { engineMessage, engineStatus } from './engine.js';
import { execInContainer } from './exec.js';
import { localImage, pullImage } from './images.js';
import { ensurePodNetwork, type PodNetworkConfig } from './pod-network.js';
import {
  RuntimeError,
  type ContainerCreateOptions,
  type ContainerEvent,
  type ContainerRunState,
  type ContainerRuntime,
  type ExecResult,
  type PullAuth,
  type RuntimeContainer,
  type RuntimeImage,
  type RuntimeVolumeSpec,
} from './container-runtime.js';

/** Separates dockube servers (data dirs) that share one engine: each manages only its own containers. */
export const LABEL_INSTANCE = 'dockube.io/instance';
/** The data dir of the server that made the container: when it is gone, nothing can adopt the container again. */
export const LABEL_DATA_DIR = 'dockube.io/data-dir';

/**
 * The Compose project keeping clusters apart: `dockube-<instance, 6 hex>-<namespace>` (Compose's project name rules:
 * lower-case letters, digits, '-' and '_') instead of translate's bare namespace; the service stays the pod's name.
 */
export const composeLabels = (instance: string, namespace: string): Record<string, string> => ({
  [LABEL_COMPOSE_PROJECT]: `dockube-${instance.slice(0, 6)}-${namespace}`,
});
export const instanceFilter = (instance: string) => `${LABEL_INSTANCE}=${instance}`;

const ms = (t: string | undefined): number | undefined => {
  const v = Date.parse(t ?? '');
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

function runState(s: RuntimeContainer['inspect']['State']): ContainerRunState {
  if (s.Running || s.Restarting) return 'running';
  if (s.Status === 'created') return 'created';
  if (s.Status === 'exited' || s.Status === 'dead') return 'exited';
  return 'unknown';
}

/** The kubelet's view of one inspected container; undefined when its labels are not a pod container's. */
export function fromInspect(
  id: string,
  labels: Record<string, string> | undefined,
  inspect: RuntimeContainer['inspect'],
): RuntimeContainer | undefined {
  const key = containerKeyFromLabels(labels);
  if (!key) return undefined;
  const s = inspect.State;
  const ips: Record<string, string> = {};
  for (const [net, v] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) if (v.IPAddress) ips[net] = v.IPAddress;
  const startedAt = ms(s.StartedAt);
  const finishedAt = ms(s.FinishedAt);
  const createdAt = ms(inspect.Created);
  return {
    id,
    key,
    state: runState(s),
    exitCode: s.ExitCode ?? 0,
    oomKilled: s.OOMKilled === true,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(inspect.Image ? { imageId: inspect.Image } : {}),
    networkMode: inspect.HostConfig?.NetworkMode ?? '',
    ips,
    inspect,
  };
}

/** Runs an engine call, turning its failure into a RuntimeError with the daemon's message. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError(engineMessage(e), engineStatus(e));
  }
}

export interface DockerRuntimeOptions {
  /** this server's instance label value */
  instance: string;
  /** put on every container and volume, so that a server whose data dir is gone can be swept (removeAbandoned) */
  dataDir: string;
}

/**
 * The node's runtime over its one engine client, once the engine answers and the pod network exists (as the kubelet
 * waits for its runtime to be ready before it syncs pods).
 */
export async function connectDockerRuntime(
  engine: () => Promise<Docker>,
  network: PodNetworkConfig,
  o: DockerRuntimeOptions,
): Promise<DockerRuntime> {
  const docker = await engine();
  await docker.ping();
  await ensurePodNetwork(docker, network);
  return new DockerRuntime(docker, o);
}

export class DockerRuntime implements ContainerRuntime {
  /**
   * Containers started here whose engine `start` event has not come back yet. The caller saw the start itself (the pod
   * worker observes and writes the pod's status right after), so that event is no news: passed on, it queued a second
   * sync of the pod while the first still ran, for each of its containers.
   */
  private startedHere = new Set<string>();

  constructor(
    readonly docker: Docker,
    private o: DockerRuntimeOptions,
  ) {}

  private ownLabels(options: ContainerCreateOptions): ContainerCreateOptions {
    const ns = options.Labels?.[LABEL_POD_NAMESPACE];
    return {
      ...options,
      Labels: {
        ...options.Labels,
        [LABEL_INSTANCE]: this.o.instance,
        [LABEL_DATA_DIR]: this.o.dataDir,
        // Docker Desktop and `docker compose ls` group containers by Compose project: one per cluster and namespace.
        ...(ns ? composeLabels(this.o.instance, ns) : {}),
      },
    };
  }

  async podContainers(namespace: string, name: string): Promise<RuntimeContainer[]> {
    const list = await call(() =>
      this.docker.listContainers({
        all: true,
        filters: {
          label: [
            `${LABEL_MANAGED}=true`,
            instanceFilter(this.o.instance),
            `${LABEL_POD_NAMESPACE}=${namespace}`,
            `${LABEL_POD_NAME}=${name}`,
          ],
        },
      }),
    );
    const out = await Promise.all(
      list.map(async (c) => (containerKeyFromLabels(c.Labels) ? this.inspectContainer(c.Id, c.Labels) : undefined)),
    );
    return out.filter((c): c is RuntimeContainer => !!c);
  }

  async inspectContainer(id: string, labels?: Record<string, string>): Promise<RuntimeContainer | undefined> {
    try {
      const inspect = (await this.docker.getContainer(id).inspect()) as unknown as RuntimeContainer['inspect'] & {
        Config?: { Labels?: Record<string, string> };
      };
      return fromInspect(id, labels ?? inspect.Config?.Labels, inspect);
    } catch (e) {
      if (engineStatus(e) === 404) return undefined; // removed meanwhile
      throw new RuntimeError(engineMessage(e), engineStatus(e));
    }
  }

  async podKeys(): Promise<string[]> {
    const list = await call(() =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, instanceFilter(this.o.instance)] } }),
    );
    const keys = new Set<string>();
    for (const c of list) {
      const k = containerKeyFromLabels(c.Labels);
      if (k) keys.add(`${k.namespace}/${k.podName}`);
    }
    return [...keys];
  }

  createPodSandbox(options: ContainerCreateOptions): Promise<string> {
    return this.createContainer(options);
  }

  startPodSandbox(id: string): Promise<void> {
    return this.startContainer(id);
  }

  async createContainer(options: ContainerCreateOptions): Promise<string> {
    return (await call(() => this.docker.createContainer(this.ownLabels(options)))).id;
  }

  async startContainer(id: string): Promise<void> {
    this.startedHere.add(id);
    try {
      await call(() => this.docker.getContainer(id).start());
    } catch (e) {
      this.startedHere.delete(id);
      throw e;
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (e) {
      // 304: already stopped; 404: already gone.
      if (![304, 404].includes(engineStatus(e) ?? 0)) throw new RuntimeError(engineMessage(e), engineStatus(e));
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: false });
    } catch (e) {
      // 404: gone; 409: a removal is already in progress.
      if (![404, 409].includes(engineStatus(e) ?? 0)) throw new RuntimeError(engineMessage(e), engineStatus(e));
    }
  }

  imageStatus(ref: string, preferRef?: string): Promise<RuntimeImage | undefined> {
    return call(() => localImage(this.docker, ref, preferRef));
  }

  pullImage(ref: string, auth?: PullAuth): Promise<void> {
    return pullImage(this.docker, ref, undefined, auth);
  }

  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    return execInContainer(this.docker, id, cmd, timeoutMs);
  }

  async logTail(id: string, lines: number, tty: boolean): Promise<Buffer> {
    const body = await call(
      () => this.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: lines }) as unknown as Promise<Buffer>,
    );
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    // Without a TTY the engine frames stdout and stderr; with one the output is raw.
    if (tty) return buf;
    return Buffer.concat(new DockerFrameDecoder().push(buf).map((f) => f.data));
  }

  async volumeMountpoint(name: string): Promise<string | undefined> {
    try {
      return (await this.docker.getVolume(name).inspect()).Mountpoint ?? '';
    } catch (e) {
      if (engineStatus(e) === 404) return undefined;
      throw new RuntimeError(engineMessage(e), engineStatus(e));
    }
  }

  async createVolume(spec: RuntimeVolumeSpec): Promise<string | undefined> {
    const labels = { ...spec.Labels, [LABEL_INSTANCE]: this.o.instance, [LABEL_DATA_DIR]: this.o.dataDir };
    // The engine's create answers with the existing volume when the name is taken (dockerode types it loosely).
    const created = (await call(() =>
      this.docker.createVolume({ Name: spec.Name, Driver: spec.Driver, DriverOpts: spec.DriverOpts, Labels: labels }),
    )) as unknown as { Mountpoint?: string } | undefined;
    return created?.Mountpoint ?? (await this.volumeMountpoint(spec.Name));
  }

  async removePodVolumes(podUid: string): Promise<void> {
    const { Volumes } = await call(() =>
      this.docker.listVolumes({
        filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_POD_UID}=${podUid}`, instanceFilter(this.o.instance)] },
      }),
    );
    await Promise.all(
      (Volumes ?? []).map(async (v) => {
        try {
          await this.docker.getVolume(v.Name).remove();
        } catch (e) {
          if (engineStatus(e) !== 404) throw new RuntimeError(engineMessage(e), engineStatus(e));
        }
      }),
    );
  }

  async removeAbandoned(dataDirExists: (path: string) => boolean): Promise<number> {
    const abandoned = (labels: Record<string, string> | undefined) =>
      labels?.[LABEL_INSTANCE] !== this.o.instance && !dataDirExists(labels?.[LABEL_DATA_DIR] ?? '');
    const list = await call(() => this.docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, LABEL_DATA_DIR] } }));
    const doomed = list.filter((c) => abandoned(c.Labels));
    await Promise.all(doomed.map((c) => this.removeContainer(c.Id).catch(() => undefined)));
    const { Volumes } = await call(() => this.docker.listVolumes({ filters: { label: [`${LABEL_MANAGED}=true`, LABEL_DATA_DIR] } }));
    await Promise.all(
      (Volumes ?? [])
        .filter((v) => abandoned(v.Labels ?? undefined))
        .map((v) =>
          this.docker
            .getVolume(v.Name)
            .remove()
            .catch(() => undefined),
        ),
    );
    return doomed.length;
  }

  async watchEvents(onEvent: (e: ContainerEvent) => void, onEnd: (err?: Error) => void): Promise<() => void> {
    this.startedHere.clear(); // a new stream: events of earlier starts are not coming (the kubelet resyncs everything)
    const stream = (await call(() =>
      this.docker.getEvents({
        filters: {
          type: ['container'],
          label: [LABEL_POD_UID, instanceFilter(this.o.instance)],
          event: ['start', 'die', 'oom', 'destroy'],
        },
      }),
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    let buf = '';
    let ended = false;
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          const ev = JSON.parse(line) as { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
          if (ev.Action === 'start' && this.startedHere.delete(ev.Actor?.ID ?? '')) continue;
          const attrs = ev.Actor?.Attributes;
          const namespace = attrs?.[LABEL_POD_NAMESPACE];
          const podName = attrs?.[LABEL_POD_NAME];
          if (namespace && podName) onEvent({ namespace, podName, action: ev.Action ?? '' });
        } catch {
          /* a partial or foreign line */
        }
      }
    });
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    stream.on('end', () => end());
    stream.on('error', (e: Error) => end(e));
    return () => {
      ended = true;
      stream.destroy?.();
    };
  }
}
