// A scripted ContainerRuntime for fast unit tests (kubelet's FakeRuntime): containers live in a map, every call is
// recorded in `calls`, tests put containers in any state with `add`, change them with `set`, and make the next calls
// of an operation fail with `failNext`. It lives under test/ (as kubelet's fake lives in a testing package) so that
// no production code can reach it.
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
} from '../../src/runtime/container-runtime.js';
import { containerKeyFromLabels, LABEL_POD_UID, type ContainerKey } from '../../src/translate/labels.js';

export type FakeOp =
  | 'createPodSandbox'
  | 'startPodSandbox'
  | 'createContainer'
  | 'startContainer'
  | 'stopContainer'
  | 'removeContainer'
  | 'pullImage'
  | 'exec'
  | 'createVolume'
  | 'removePodVolumes';

export interface FakeContainerInit {
  id?: string;
  key: Partial<ContainerKey> & Pick<ContainerKey, 'container' | 'kind'>;
  state?: ContainerRunState;
  exitCode?: number;
  oomKilled?: boolean;
  startedAt?: number;
  finishedAt?: number;
  createdAt?: number;
  networkMode?: string;
  ip?: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString());

/** A RuntimeContainer in a given state, with the engine record the status translation reads made up to match. */
export function fakeContainer(init: FakeContainerInit, pod: { namespace: string; name: string; uid: string }): RuntimeContainer {
  const state = init.state ?? 'running';
  const id = init.id ?? `${init.key.kind}-${init.key.container}-${init.key.attempt ?? 0}-${Math.random().toString(16).slice(2, 8)}`;
  const key: ContainerKey = {
    podName: pod.name,
    namespace: pod.namespace,
    podUid: pod.uid,
    attempt: 0,
    restartCount: 0,
    ...init.key,
  };
  const exitCode = init.exitCode ?? 0;
  const networks: Record<string, { IPAddress?: string }> = init.ip ? { 'dockube-pods': { IPAddress: init.ip } } : {};
  return {
    id,
    key,
    state,
    exitCode,
    oomKilled: init.oomKilled ?? false,
    ...(init.startedAt !== undefined ? { startedAt: init.startedAt } : {}),
    ...(init.finishedAt !== undefined ? { finishedAt: init.finishedAt } : {}),
    createdAt: init.createdAt ?? init.startedAt ?? 0,
    imageId: 'sha256:fake',
    networkMode: init.networkMode ?? (init.key.kind === 'infra' ? 'dockube-pods' : ''),
    ips: init.ip ? { 'dockube-pods': init.ip } : {},
    inspect: {
      Id: id,
      Image: 'sha256:fake',
      Created: iso(init.createdAt ?? init.startedAt ?? 0),
      State: {
        Status: state === 'unknown' ? 'paused' : state,
        Running: state === 'running',
        ExitCode: exitCode,
        OOMKilled: init.oomKilled ?? false,
        StartedAt: iso(init.startedAt),
        FinishedAt: iso(init.finishedAt),
      },
      HostConfig: { NetworkMode: init.networkMode ?? '' },
      NetworkSettings: { Networks: networks },
    },
  };
}

export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, RuntimeContainer>();
  readonly images = new Map<string, RuntimeImage>();
  /** engine volumes by name; the mountpoint is made up (/fake/volumes/<name>) */
  readonly volumes = new Map<string, RuntimeVolumeSpec & { mountpoint: string }>();
  /** what the next removeAbandoned reports removed */
  abandoned = 0;
  readonly calls: { op: string; args: unknown[] }[] = [];
  /** what the next exec returns */
  execResult: ExecResult = { exitCode: 0, output: '', timedOut: false };
  private failures = new Map<string, string[]>();
  private seq = 0;
  private listeners = new Set<(e: ContainerEvent) => void>();
  /** the clock the fake stamps start/finish times with */
  now = () => Date.now();

  /** Puts a container in a scripted state. */
  add(init: FakeContainerInit, pod: { namespace: string; name: string; uid: string }): RuntimeContainer {
    const c = fakeContainer(init, pod);
    this.containers.set(c.id, c);
    return c;
  }

  /** The next call(s) of `op` fail with the message. */
  failNext(op: FakeOp, message: string, times = 1): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), ...Array<string>(times).fill(message)]);
  }

  /** The operations called, in order (kubelet's CalledFunctions). */
  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  private record(op: string, ...args: unknown[]): void {
    this.calls.push({ op, args });
    const f = this.failures.get(op);
    if (f?.length) {
      const msg = f.shift()!;
      throw new RuntimeError(msg, 500);
    }
  }

  private update(id: string, change: Partial<RuntimeContainer>, state: RuntimeContainer['inspect']['State']): void {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError(`No such container: ${id}`, 404);
    this.containers.set(id, { ...c, ...change, inspect: { ...c.inspect, State: { ...c.inspect.State, ...state } } });
  }

  async podContainers(namespace: string, name: string): Promise<RuntimeContainer[]> {
    this.calls.push({ op: 'podContainers', args: [namespace, name] });
    return [...this.containers.values()].filter((c) => c.key.namespace === namespace && c.key.podName === name);
  }

  async inspectContainer(id: string): Promise<RuntimeContainer | undefined> {
    return this.containers.get(id);
  }

  async podKeys(): Promise<string[]> {
    return [...new Set([...this.containers.values()].map((c) => `${c.key.namespace}/${c.key.podName}`))];
  }

  async createPodSandbox(options: ContainerCreateOptions): Promise<string> {
    this.record('createPodSandbox', options);
    return this.make(options);
  }

  async startPodSandbox(id: string): Promise<void> {
    this.record('startPodSandbox', id);
    this.update(id, { state: 'running', startedAt: this.now() }, { Status: 'running', Running: true, StartedAt: iso(this.now()) });
    const c = this.containers.get(id)!;
    const ip = `10.244.0.${++this.seq}`;
    this.containers.set(id, {
      ...c,
      networkMode: 'dockube-pods',
      ips: { 'dockube-pods': ip },
      inspect: {
        ...c.inspect,
        HostConfig: { NetworkMode: 'dockube-pods' },
        NetworkSettings: { Networks: { 'dockube-pods': { IPAddress: ip } } },
      },
    });
  }

  private make(options: ContainerCreateOptions): string {
    const key = containerKeyFromLabels(options.Labels as Record<string, string>);
    if (!key) throw new Error('fake runtime: create options without pod labels');
    const id = `fake-${++this.seq}`;
    const c = fakeContainer(
      { id, key, state: 'created', createdAt: this.now(), networkMode: options.HostConfig?.NetworkMode ?? '' },
      {
        namespace: key.namespace,
        name: key.podName,
        uid: key.podUid,
      },
    );
    this.containers.set(id, c);
    return id;
  }

  async createContainer(options: ContainerCreateOptions): Promise<string> {
    this.record('createContainer', options);
    return this.make(options);
  }

  async startContainer(id: string): Promise<void> {
    this.record('startContainer', id);
    // As Docker: a container joins its sandbox's network namespace at start, so the sandbox must run by then.
    const net = this.containers.get(id)?.networkMode ?? '';
    if (net.startsWith('container:') && this.containers.get(net.slice('container:'.length))?.state !== 'running')
      throw new RuntimeError(`cannot join network of a non running container: ${net.slice('container:'.length)}`, 409);
    this.update(id, { state: 'running', startedAt: this.now() }, { Status: 'running', Running: true, StartedAt: iso(this.now()) });
    this.emit(id, 'start');
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.record('stopContainer', id, graceSeconds);
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    this.update(
      id,
      { state: 'exited', exitCode: 137, finishedAt: this.now() },
      { Status: 'exited', Running: false, ExitCode: 137, FinishedAt: iso(this.now()) },
    );
    this.emit(id, 'die');
  }

  async removeContainer(id: string): Promise<void> {
    this.record('removeContainer', id);
    this.containers.delete(id);
  }

  /** Makes a running container end as if its process exited. */
  exit(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    this.update(
      id,
      { state: 'exited', exitCode, oomKilled: opts.oomKilled ?? false, finishedAt: this.now() },
      { Status: 'exited', Running: false, ExitCode: exitCode, OOMKilled: opts.oomKilled ?? false, FinishedAt: iso(this.now()) },
    );
    this.emit(id, 'die');
  }

  async imageStatus(ref: string): Promise<RuntimeImage | undefined> {
    this.calls.push({ op: 'imageStatus', args: [ref] });
    return this.images.get(ref);
  }

  async pullImage(ref: string, auth?: PullAuth): Promise<void> {
    this.record('pullImage', ref, auth);
    this.images.set(ref, { Id: `sha256:${ref}` });
  }

  async exec(id: string, cmd: string[]): Promise<ExecResult> {
    this.record('exec', id, cmd);
    return this.execResult;
  }

  async logTail(): Promise<Buffer> {
    return Buffer.from('');
  }

  async volumeMountpoint(name: string): Promise<string | undefined> {
    return this.volumes.get(name)?.mountpoint;
  }

  async createVolume(spec: RuntimeVolumeSpec): Promise<string | undefined> {
    this.record('createVolume', spec);
    // As the engine: a name that exists already keeps its volume.
    const v = this.volumes.get(spec.Name) ?? { ...spec, mountpoint: `/fake/volumes/${spec.Name}` };
    this.volumes.set(spec.Name, v);
    return v.mountpoint;
  }

  async removePodVolumes(podUid: string): Promise<void> {
    this.record('removePodVolumes', podUid);
    for (const [name, v] of this.volumes) if (v.Labels[LABEL_POD_UID] === podUid) this.volumes.delete(name);
  }

  async removeAbandoned(): Promise<number> {
    this.calls.push({ op: 'removeAbandoned', args: [] });
    const n = this.abandoned;
    this.abandoned = 0;
    return n;
  }

  async watchEvents(onEvent: (e: ContainerEvent) => void): Promise<() => void> {
    this.listeners.add(onEvent);
    return () => this.listeners.delete(onEvent);
  }

  private emit(id: string, action: string): void {
    const c = this.containers.get(id);
    if (c) for (const l of this.listeners) l({ namespace: c.key.namespace, podName: c.key.podName, action });
  }
}
