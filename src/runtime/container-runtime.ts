// What the kubelet needs from a container engine, in the kubelet's terms (its container.Runtime and the CRI
// calls under it): the sandbox and containers of a pod as they stand (labels, attempt, state, exit code, times,
// image), create and start of a sandbox or a container from translated options, stop with grace, remove, images
// (present? pull with credentials), exec for hooks and exec probes, a log tail for termination messages, and the
// container-event stream that wakes the kubelet, and the engine volumes behind emptyDirs and claims (VolumeRuntime).
// docker-runtime.ts implements it over one Docker client; the fake in
// test/support/fake-runtime.ts scripts it for unit tests.
import type { ContainerCreateOptions } from 'dockerode';
import type { ContainerKey } from '../translate/labels.js';
import type { DockerImageInspect, DockerInspect } from '../translate/status.js';

export type { ContainerCreateOptions };

/** The state of a container as the kubelet tells them apart (kubecontainer.State). */
export type ContainerRunState = 'created' | 'running' | 'exited' | 'unknown';

/**
 * One container of a pod (the sandbox included: key.kind 'infra'), as the engine last reported it. `inspect` is
 * the engine's own record, which the status translation (src/translate/status.ts) reads.
 */
export interface RuntimeContainer {
  id: string;
  /** what its labels say: pod, container name, kind, attempt, restart count, spec hash */
  key: ContainerKey;
  state: ContainerRunState;
  exitCode: number;
  oomKilled: boolean;
  /** epoch ms; undefined when it never started / has not finished */
  startedAt?: number;
  finishedAt?: number;
  createdAt?: number;
  /** the image the container runs (sha256:...) */
  imageId?: string;
  /** the network it joined: `container:<sandbox id>` for a pod's containers, the pod network name or `host` for a sandbox */
  networkMode: string;
  /** the sandbox's IP on a network, by network name */
  ips: Record<string, string>;
  inspect: DockerInspect & {
    HostConfig?: { NetworkMode?: string };
    Mounts?: { Source?: string; Destination?: string }[];
    Created?: string;
    NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
  };
}

/** A local image; Size for the Pulled event. */
export type RuntimeImage = DockerImageInspect & { Size?: number };

/** Registry credentials for one pull (the engine's X-Registry-Auth: username/password/serveraddress...). */
export type PullAuth = Record<string, string | undefined>;

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

/** A container of a pod started, died, was OOM-killed or destroyed (the kubelet's PLEG relist trigger). */
export interface ContainerEvent {
  namespace: string;
  podName: string;
  action: string;
}

/** A failed engine call: the engine's message, and its HTTP status when it answered. */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** An engine volume the kubelet asks for (an emptyDir's or a claim's storage): name, driver and its options, labels. */
export interface RuntimeVolumeSpec {
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
}

/**
 * The engine volumes of this node's pods (CRI leaves volumes to the kubelet; with Docker they are the engine's named
 * volumes). Volumes made here carry this server's instance and data-dir labels, as its containers do.
 */
export interface VolumeRuntime {
  /** The host path of an existing volume ('' when its driver gives none); undefined when there is no such volume. */
  volumeMountpoint(name: string): Promise<string | undefined>;
  /** Creates the volume (one that exists already is kept as it is); its host path ('' or undefined: none given). */
  createVolume(spec: RuntimeVolumeSpec): Promise<string | undefined>;
  /** Removes this server's volumes of the pod uid (emptyDirs: a claim's volume carries no pod uid); gone ones are fine. */
  removePodVolumes(podUid: string): Promise<void>;
  /**
   * Removes the containers and volumes left by dockube servers (other instances) whose data dir no longer exists:
   * nothing can adopt them again. Returns how many containers went.
   */
  removeAbandoned(dataDirExists: (path: string) => boolean): Promise<number>;
}

export interface ContainerRuntime extends VolumeRuntime {
  /** Containers (any state, sandboxes included) of the pod ns/name this node manages, every uid included. */
  podContainers(namespace: string, name: string): Promise<RuntimeContainer[]>;
  /** One container as it stands now; undefined when it is gone. */
  inspectContainer(id: string): Promise<RuntimeContainer | undefined>;
  /** Every ns/name that has containers on this node (for the resync). */
  podKeys(): Promise<string[]>;

  /**
   * Creates a pod sandbox from translated options (its id), then starts it: two steps (CRI's RunPodSandbox is one)
   * so that the pod's containers can be created while the sandbox starts; only their start needs it running.
   */
  createPodSandbox(options: ContainerCreateOptions): Promise<string>;
  startPodSandbox(id: string): Promise<void>;
  /** Creates (not starts) a container; its id. */
  createContainer(options: ContainerCreateOptions): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Stops with a grace period (SIGTERM, then SIGKILL); a container already stopped or gone is fine. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container; one already gone (or being removed) is fine. */
  removeContainer(id: string): Promise<void>;

  /** The local image (preferRef: whose repository's digest comes first), undefined when absent. */
  imageStatus(ref: string, preferRef?: string): Promise<RuntimeImage | undefined>;
  pullImage(ref: string, auth?: PullAuth): Promise<void>;

  /** Runs a command in a running container (hooks, exec probes). */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** The last lines of a container's output, stdout and stderr interleaved, without the engine's framing (none on a tty). */
  logTail(id: string, lines: number, tty: boolean): Promise<Buffer>;

  /** Follows the containers' lifecycle events; the returned function stops it. `onEnd`: the stream ended or failed. */
  watchEvents(onEvent: (e: ContainerEvent) => void, onEnd: (err?: Error) => void): Promise<() => void>;
}

/** The container ran and ended, or was created but never started. */
export const hasEnded = (c: RuntimeContainer | undefined): boolean => !!c && (c.state === 'exited' || c.state === 'created');

export const isRunning = (c: RuntimeContainer | undefined): boolean => c?.state === 'running';

/** When the run ended (ms), for the back-off: the finish time, else the creation time (never started). */
export const endedAt = (c: RuntimeContainer, now: number): number => c.finishedAt ?? c.createdAt ?? now;
