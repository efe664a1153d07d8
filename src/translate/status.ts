// Docker's view of a container (inspect) → Kubernetes ContainerStatus pieces, with the reasons kubelet reported for Docker.

/** The subset of `docker inspect` we read. */
export interface DockerInspect {
  Id: string;
  Image?: string; // sha256:...
  State: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    Dead?: boolean;
    Pid?: number;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
  };
  Config?: { Image?: string; Labels?: Record<string, string> };
}
export interface DockerImageInspect {
  Id: string;
  RepoDigests?: string[];
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateRunning {
  startedAt?: string;
}
export interface ContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
}

export const DOCKER_ID_PREFIX = 'docker://';
export const containerIdOf = (id: string) => `${DOCKER_ID_PREFIX}${id}`;
/** The Docker id inside a status containerID, or undefined for another runtime. */
export const dockerIdFrom = (containerID: string | undefined) =>
  containerID?.startsWith(DOCKER_ID_PREFIX) ? containerID.slice(DOCKER_ID_PREFIX.length) : undefined;

/** Docker's RFC3339Nano time → metav1.Time (second precision); the zero time (never) → undefined. */
export function k8sTime(t: string | undefined): string | undefined {
  if (!t || t.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface StateOptions {
  /** content of the termination message file (or the log tail for FallbackToLogsOnError), already read by the caller */
  message?: string;
  /** reason/message for a container that exists but has not started (default ContainerCreating) */
  waitingReason?: string;
  waitingMessage?: string;
}

/** Terminated reason as kubelet reported for Docker: OOMKilled wins (even with exit 0: a child was killed), then Completed / Error. */
export function terminatedReason(state: DockerInspect['State']): string {
  if (state.OOMKilled) return 'OOMKilled';
  if ((state.ExitCode ?? 0) === 0) return 'Completed';
  // The engine never got the process running (bad command, missing binary): Docker records State.Error.
  if (state.Error && !k8sTime(state.StartedAt)) return 'ContainerCannotRun';
  return 'Error';
}

export function containerStateFromInspect(inspect: DockerInspect, opts: StateOptions = {}): ContainerState {
  const s = inspect.State;
  if (s.Running || s.Paused || s.Restarting) return { running: { startedAt: k8sTime(s.StartedAt) } };
  const finished = k8sTime(s.FinishedAt);
  const started = k8sTime(s.StartedAt);
  if (finished || s.Status === 'exited' || s.Status === 'dead') {
    const terminated: ContainerStateTerminated = {
      exitCode: s.ExitCode ?? 0,
      reason: terminatedReason(s),
      ...(opts.message ? { message: opts.message } : s.Error ? { message: s.Error } : {}),
      ...(started ? { startedAt: started } : {}),
      ...(finished ? { finishedAt: finished } : {}),
      containerID: containerIdOf(inspect.Id),
    };
    return { terminated };
  }
  return {
    waiting: { reason: opts.waitingReason ?? 'ContainerCreating', ...(opts.waitingMessage ? { message: opts.waitingMessage } : {}) },
  };
}

/** status.imageID as kubelet reported for Docker: the repo digest when the image was pulled, else the local image id. */
export function imageIdFor(image: DockerImageInspect): string {
  if (image.RepoDigests?.length) return `docker-pullable://${image.RepoDigests[0]}`;
  return `docker://${image.Id}`;
}

/** `lastState`/`state` for a termination message policy: FallbackToLogsOnError uses the log tail only for failures with no message. */
export function terminationMessage(
  policy: string | undefined,
  fileContent: string | undefined,
  exitCode: number,
  logTail: () => string | undefined,
): string | undefined {
  if (fileContent) return fileContent;
  if (policy === 'FallbackToLogsOnError' && exitCode !== 0) return logTail();
  return undefined;
}

export interface ContainerStatusInput {
  name: string;
  /** the image as written in the spec */
  image: string;
  inspect?: DockerInspect;
  imageInspect?: DockerImageInspect;
  restartCount?: number;
  lastState?: ContainerState;
  ready?: boolean;
  state?: StateOptions;
}

/** A full v1.ContainerStatus from what the runtime observed. */
export function containerStatus(input: ContainerStatusInput) {
  const state = input.inspect
    ? containerStateFromInspect(input.inspect, input.state)
    : {
        waiting: {
          reason: input.state?.waitingReason ?? 'ContainerCreating',
          ...(input.state?.waitingMessage ? { message: input.state.waitingMessage } : {}),
        },
      };
  return {
    name: input.name,
    state,
    lastState: input.lastState ?? {},
    ready: input.ready ?? false,
    restartCount: input.restartCount ?? 0,
    image: input.image,
    imageID: input.imageInspect ? imageIdFor(input.imageInspect) : '',
    ...(input.inspect ? { containerID: containerIdOf(input.inspect.Id) } : {}),
    started: state.running !== undefined,
  };
}
