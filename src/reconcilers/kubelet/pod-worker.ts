// One pod's sync, level-triggered (kubelet's SyncPod): observe the pod's sandbox and containers through the
// ContainerRuntime, ask the pure plan (pod-actions.ts, kubelet's computePodActions) what to do, and do it: volumes,
// the sandbox, kills, the next init container, the app containers (image, create, start, postStart), events, and the
// status written back when it changed. A new sandbox's containers are planned as if it ran and created while it
// starts (only their start needs it running). Termination (deletionTimestamp) and orphan cleanup live here too.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StatusError } from '../../machinery/api/errors.js';
import { dataDirLayout } from '../../data-dir.js';
import type { KObject } from '../../machinery/api/meta.js';
import { GVR, type Client } from '../../client/types.js';
import type { ApiEndpoint } from '../../serviceaccount/service-env.js';
import { nowTimestamp } from '../../registry/object-meta.js';
import {
  hasEnded,
  isRunning,
  type ContainerCreateOptions,
  type ContainerRuntime,
  type RuntimeContainer,
} from '../../runtime/container-runtime.js';
import type { PodNetworkConfig } from '../../runtime/pod-network.js';
import type { Logger } from '../../log.js';
import {
  ContainerConfigError,
  VolumeSetupError,
  appCreateOptions,
  containerSubPaths,
  infraCreateOptions,
  PAUSE_IMAGE,
  INFRA_CONTAINER_NAME,
  type AppContainerParams,
  type Container,
  type DockerImageInspect,
  type Pod,
} from '../../translate/index.js';
import type { NodeFacts } from '../../translate/field-ref.js';
import { terminatedReason } from '../../translate/status.js';
import type { EventRecorder } from '../event-recorder.js';
import { Backoff } from './backoff.js';
import { runHandler } from './hooks.js';
import { ImagePuller } from './image-puller.js';
import { fetchPullSecrets } from './pull-credentials.js';
import {
  attemptsOf,
  backoffKey,
  computePodActions,
  DEADLINE_EXCEEDED,
  garbageOf,
  podText,
  type ContainerKindName,
  type KillAction,
  type PodActions,
  type StartAction,
  type Waiting,
} from './pod-actions.js';
import { computePodStatus, type ContainerView, type PodView } from './pod-status.js';
import type { ProbeManager } from './probes/manager.js';
import type { ContainerSnapshot } from './probes/worker.js';
import { prepareSubPaths } from './subpaths.js';
import { fetchSources, podDir, type PodSources, type PreparedVolumes } from './volumes.js';
import { writePodStatus } from './status-writer.js';
import { terminationMessage } from './termination-message.js';
import { rejectForSysctls } from './sysctl-admission.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the worker needs of the volume manager (volumes.ts): set up before containers start, cleaned up after the pod. */
export interface PodVolumes {
  prepare(pod: Pod, sources: PodSources, facts: NodeFacts): Promise<PreparedVolumes>;
  /** rewrites the pod's hosts file in place once the sandbox has its IP (before its containers start) */
  hostsFile?(pod: Pod, podIPs: string[]): Promise<void>;
  cleanup(uid: string): Promise<void>;
}

export interface PodWorkerOptions {
  /** the node's container engine */
  runtime: ContainerRuntime;
  volumes: PodVolumes;
  /** the API as this node (system:node:<name>): status writes, the final delete, sources, pull secrets, tokens */
  client: Client;
  /** the pod ns/name from the kubelet's informer cache (read-only; undefined: not bound here or gone) */
  podOf(key: string): Pod | undefined;
  /** where pods reach the API server (the KUBERNETES_SERVICE_* variables); none = no variables */
  apiEndpoint?: ApiEndpoint;
  recorder: EventRecorder;
  log: Logger;
  dataDir: string;
  nodeName: string;
  hostIP: string;
  network: PodNetworkConfig;
  pauseImage?: string;
  /** called to sync a pod again (ns/name) */
  enqueue(key: string, afterMs?: number): void;
  /** container probes (liveness/readiness/startup); none = every running container is ready */
  probes?: ProbeManager;
}

export type SyncResult = void | { requeueAfterMs: number };

/** Bounds a lifecycle hook that would otherwise hold the worker (kubelet bounds postStart by the pod's lifetime). */
const POST_START_TIMEOUT_MS = 30_000;
const HOOK_KILL_GRACE_S = 2;

const SPEC_FIELD = { init: 'initContainers', app: 'containers', ephemeral: 'ephemeralContainers' } as const;
const fieldPathOf = (kind: ContainerKindName, name: string) => `spec.${SPEC_FIELD[kind]}{${name}}`;
const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The container's environment names the pod IP, which is known only once the sandbox runs: it is created after. */
const needsPodIP = (c: Container) =>
  (c.env ?? []).some((e) => ['status.podIP', 'status.podIPs'].includes(e.valueFrom?.fieldRef?.fieldPath ?? ''));

interface SyncState {
  /** waiting reasons to report per container name */
  waiting: Map<string, Waiting>;
  requeueMs?: number;
}

const requeue = (st: SyncState, ms: number | undefined) => {
  if (ms === undefined) return;
  st.requeueMs = st.requeueMs === undefined ? ms : Math.min(st.requeueMs, ms);
};

interface Ctx {
  pod: Pod;
  key: string;
  infraId: string;
  volumes: PreparedVolumes;
  sources: PodSources;
  facts: NodeFacts;
  st: SyncState;
}

export class PodWorker {
  private crashBackoff = new Backoff();
  private images: ImagePuller;
  private imageCache = new Map<string, DockerImageInspect>();
  private terminating = new Map<string, Promise<void>>();
  /** the sandbox image was seen on the engine: not asked again for every pod */
  private pauseImagePresent = false;

  constructor(private o: PodWorkerOptions) {
    this.images = new ImagePuller(o.runtime, (k) => o.enqueue(k));
  }

  /** The reconcile function of ns/name. */
  async reconcile(key: string): Promise<SyncResult> {
    const [ns, name] = key.split('/') as [string, string];
    const pod = this.o.podOf(key);
    const all = await this.o.runtime.podContainers(ns, name);
    const mine = pod && pod.spec.nodeName === this.o.nodeName ? pod : undefined;
    const uid = mine?.metadata.uid;
    // Containers of a pod that no longer exists here (deleted, another incarnation of the name, moved off the node).
    const orphanUids = new Set(all.filter((c) => c.key.podUid !== uid).map((c) => c.key.podUid));
    for (const orphan of orphanUids) {
      if (this.terminating.has(orphan)) continue;
      await this.removeAll(
        all.filter((c) => c.key.podUid === orphan),
        orphan,
      );
    }
    if (!mine || !uid) return;
    if (mine.metadata.deletionTimestamp) {
      this.o.probes?.updatePod(mine);
      this.beginTermination(key, mine);
      return;
    }
    return this.sync(
      key,
      mine,
      all.filter((c) => c.key.podUid === uid),
    );
  }

  // ---------------------------------------------------------------- observe, plan

  private async observe(pod: Pod): Promise<RuntimeContainer[]> {
    const all = await this.o.runtime.podContainers(pod.metadata.namespace!, pod.metadata.name!);
    return all.filter((c) => c.key.podUid === pod.metadata.uid);
  }

  private plan(pod: Pod, observed: RuntimeContainer[]): PodActions {
    const uid = pod.metadata.uid!;
    return computePodActions({
      pod,
      containers: observed,
      backoff: this.crashBackoff,
      probeKill: (id) => this.o.probes?.killReason(uid, id),
      now: Date.now(),
    });
  }

  // ---------------------------------------------------------------- sync: execute the plan

  private async sync(key: string, pod: Pod, observed: RuntimeContainer[]): Promise<SyncResult> {
    const uid = pod.metadata.uid!;
    const st: SyncState = { waiting: new Map() };
    let actions = this.plan(pod, observed);
    if (actions.finished) {
      this.o.probes?.removePod(uid);
      if (actions.deadlineExceeded) return this.failPastDeadline(pod, observed, actions);
      for (const k of actions.containersToKill) await this.stopContainer(k.id, k.graceSeconds);
      return;
    }
    // The kubelet's admission of a pod new to the node: one it must not run fails before anything of it starts.
    const rejected = observed.length ? undefined : rejectForSysctls(pod);
    if (rejected) {
      this.event(pod, 'Warning', rejected.reason, rejected.eventMessage);
      await this.writeStatus(pod, observed, st, { reason: rejected.reason, message: rejected.message });
      return;
    }

    let sources: PodSources | undefined;
    let volumes: PreparedVolumes | undefined;
    let infra = actions.sandboxId ? observed.find((c) => c.id === actions.sandboxId) : undefined;
    /** the engine was asked to change something: what it holds is observed again before the status is written */
    let changed = false;
    /** containers created while a new sandbox started: their id, or undefined when the creation failed */
    const preCreated = new Map<StartAction, string | undefined>();
    const facts: NodeFacts = { nodeName: this.o.nodeName, hostIP: this.o.hostIP, hostIPs: [this.o.hostIP] };
    if (actions.needsSandbox) {
      // The service variables are read only when a container is created (kubelet reads them at container creation).
      const creates = !!(actions.createSandbox || actions.nextInit || actions.containersToStart.length || actions.ephemeralToStart.length);
      sources = await fetchSources(this.o.client, pod, creates ? this.o.apiEndpoint : undefined);
      try {
        volumes = await this.o.volumes.prepare(pod, sources, { ...facts, podIP: (pod.status as J | undefined)?.podIP });
      } catch (e) {
        if (!(e instanceof VolumeSetupError)) throw e;
        this.event(pod, 'Warning', 'FailedMount', e.message);
        await this.writeStatus(pod, observed, st);
        // The volume manager polls for its volumes every 300 ms (WaitForAttachAndMount): a claim bound a moment
        // later (a StatefulSet's new PVC) must not hold the pod for long.
        return { requeueAfterMs: 1_000 };
      }
      if (actions.createSandbox) {
        // A dead sandbox takes its containers with it: they are stopped, and start again in the new one.
        if (actions.createSandbox.changed)
          this.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
        await Promise.all(actions.containersToKill.map((k) => this.stopContainer(k.id, k.graceSeconds)));
        changed = true;
        const sandboxId = await this.createSandbox(pod, actions.createSandbox.attempt);
        if (!sandboxId) {
          await this.writeStatus(pod, observed, st);
          return { requeueAfterMs: 10_000 };
        }
        // Its containers are planned as if it ran already, and created while it starts.
        const killed = new Set(actions.containersToKill.map((k) => k.id));
        const assumed = observed.map((c) => (killed.has(c.id) && isRunning(c) ? { ...c, state: 'exited' as const } : c));
        actions = this.plan(pod, [...assumed, this.assumedSandbox(pod, sandboxId, actions.createSandbox.attempt)]);
        const ctx: Ctx = { pod, key, infraId: sandboxId, volumes, sources, facts, st };
        const early = [...(actions.nextInit ? [actions.nextInit] : []), ...actions.containersToStart].filter(
          (s) => !needsPodIP(this.specOf(pod, s.kind, s.index)),
        );
        const [startErr] = await Promise.all([
          this.o.runtime.startPodSandbox(sandboxId).then(
            () => undefined,
            (e: unknown) => e,
          ),
          ...early.map(async (s) => preCreated.set(s, await this.create(ctx, s))),
        ]);
        if (startErr) {
          this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errText(startErr)}`);
          await this.writeStatus(pod, await this.observe(pod), st);
          return { requeueAfterMs: 10_000 };
        }
        infra = await this.o.runtime.inspectContainer(sandboxId);
      }
    }

    if (infra && isRunning(infra) && volumes && sources) {
      const podIP = this.podIPOf(infra);
      Object.assign(facts, podIP ? { podIP, podIPs: [podIP] } : {});
      if (podIP) await this.o.volumes.hostsFile?.(pod, [podIP]);
      const ctx: Ctx = { pod, key, infraId: infra.id, volumes, sources, facts, st };
      for (const [name, w] of actions.waiting) st.waiting.set(name, w);
      requeue(st, actions.requeueAfterMs);
      for (const b of actions.backOff) {
        this.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${b.name} in pod ${podText(pod)}`,
          fieldPathOf(b.kind, b.name),
        );
      }
      const starts = [...actions.ephemeralToStart, ...(actions.nextInit ? [actions.nextInit] : []), ...actions.containersToStart];
      for (const k of actions.containersToKill) await this.kill(pod, ctx.facts.podIP, k);
      for (const s of starts) {
        // A container created while the sandbox started is started now; one whose creation failed waits for the next sync.
        if (!preCreated.has(s)) await this.start(ctx, s);
        else if (preCreated.get(s)) await this.run(ctx, this.specOf(pod, s.kind, s.index), s.kind, preCreated.get(s)!);
      }
      changed ||= actions.containersToKill.length > 0 || starts.length > 0;
    }
    // A pod whose plan had nothing to do (the steady state every resync and probe result finds) is written from what
    // was observed at the start: asking the engine again cost a list and an inspect per container for nothing.
    if (changed) observed = await this.observe(pod);
    const status = await this.writeStatus(pod, observed, st);
    const sandbox = attemptsOf(observed, 'infra')[0];
    if (status && (status.phase === 'Succeeded' || status.phase === 'Failed') && sandbox && isRunning(sandbox)) {
      await this.stopContainer(sandbox.id, 0);
    }
    await Promise.all(garbageOf(observed).map((o) => this.removeContainer(o.id)));
    return st.requeueMs !== undefined ? { requeueAfterMs: Math.max(st.requeueMs, 100) } : undefined;
  }

  /**
   * kubelet's active deadline: the pod is failed (DeadlineExceeded, with an event) first, then its containers are
   * killed together (preStop within the grace), the sandbox last, and the status written again with their ends.
   */
  private async failPastDeadline(pod: Pod, observed: RuntimeContainer[], actions: PodActions): Promise<SyncResult> {
    const st: SyncState = { waiting: new Map() };
    this.event(pod, 'Normal', DEADLINE_EXCEEDED.reason, DEADLINE_EXCEEDED.message);
    await this.writeStatus(pod, observed, st, DEADLINE_EXCEEDED);
    const infra = attemptsOf(observed, 'infra')[0];
    const podIP = infra && isRunning(infra) ? this.podIPOf(infra) : undefined;
    const kills = actions.containersToKill;
    await Promise.all(kills.filter((k) => k.kind !== 'infra').map((k) => this.kill(pod, podIP, k)));
    await Promise.all(kills.filter((k) => k.kind === 'infra').map((k) => this.stopContainer(k.id, 0)));
    const latest = this.o.podOf(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? pod;
    await this.writeStatus(latest.metadata.uid === pod.metadata.uid ? latest : pod, await this.observe(pod), st, DEADLINE_EXCEEDED);
  }

  private podIPOf(infra: RuntimeContainer): string | undefined {
    if (infra.networkMode === 'host') return this.o.hostIP;
    return infra.ips[this.o.network.name] || undefined;
  }

  private specOf(pod: Pod, kind: ContainerKindName, index: number): Container {
    return (kind === 'init' ? pod.spec.initContainers! : kind === 'ephemeral' ? pod.spec.ephemeralContainers! : pod.spec.containers)[
      index
    ]!;
  }

  /** A kill the plan asked for: the Killing event, preStop within the grace, then the stop. */
  private async kill(pod: Pod, podIP: string | undefined, k: KillAction): Promise<void> {
    const kind = k.kind === 'init' ? 'init' : 'app';
    const fieldPath = fieldPathOf(kind, k.name);
    if (k.message) this.event(pod, 'Normal', 'Killing', k.message, fieldPath);
    const deadline = Date.now() + k.graceSeconds * 1000;
    const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === k.name);
    const preStop = (spec?.lifecycle as J | undefined)?.preStop;
    if (k.preStop && preStop && spec && k.graceSeconds > 0) {
      try {
        await runHandler({ runtime: this.o.runtime, containerId: k.id, podIP, container: spec }, preStop, k.graceSeconds * 1000);
      } catch (e) {
        this.event(pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed', fieldPath);
        this.o.log.info({ pod: podText(pod), err: errText(e) }, 'preStop hook failed');
      }
    }
    await this.stopContainer(k.id, Math.max(0, Math.ceil((deadline - Date.now()) / 1000)));
  }

  /** A start the plan asked for: the back-off moves on for a restart, then image, create, start, postStart. */
  private async start(ctx: Ctx, s: StartAction): Promise<void> {
    const id = await this.create(ctx, s);
    if (id) await this.run(ctx, this.specOf(ctx.pod, s.kind, s.index), s.kind, id);
  }

  /** kubelet's startContainer up to the created container: back-off, image, options, create. Its id, or undefined (waiting set). */
  private async create(ctx: Ctx, s: StartAction): Promise<string | undefined> {
    const bkey = backoffKey(ctx.pod, s.name);
    if (s.backoff === 'reset-next') this.crashBackoff.reset(bkey);
    if (s.backoff !== 'none') this.crashBackoff.next(bkey);
    const { pod } = ctx;
    const { kind, index, previous } = s;
    const c = this.specOf(pod, kind, index);
    const events = this.containerEvents(pod, kind, c.name);
    const pullSecrets = () => fetchPullSecrets(this.o.client, pod, (m) => this.event(pod, 'Warning', 'FailedToRetrieveImagePullSecret', m));
    const img = await this.images.ensure(`${pod.metadata.uid}/${c.name}`, ctx.key, c, events, pullSecrets);
    if (!img.image) {
      if (img.waiting) ctx.st.waiting.set(c.name, img.waiting);
      requeue(ctx.st, img.requeueMs);
      return undefined;
    }
    const attempt = previous ? previous.key.attempt + 1 : 0;
    const restartCount = previous ? previous.key.restartCount + 1 : 0;
    let options: ContainerCreateOptions;
    try {
      const terminationLogHostPath = await this.terminationLog(pod.metadata.uid!, c.name);
      const params: AppContainerParams = {
        infraId: ctx.infraId,
        kind,
        index,
        attempt,
        restartCount,
        sources: { ...ctx.sources, ...ctx.facts },
        volumes: ctx.volumes.plan,
        volumeMountpoints: ctx.volumes.mountpoints,
        terminationLogHostPath,
        ...(kind === 'ephemeral' ? { targetId: await this.targetIdOf(pod, c) } : {}),
      };
      // Each subPath is resolved beneath its volume and pinned by a bind mount of ours before Docker sees a path.
      const subPathSources = await prepareSubPaths(podDir(this.o.dataDir, pod.metadata.uid!), c.name, containerSubPaths(pod, c, params), {
        log: (d) => this.o.log.warn({ pod: podText(pod), ...d }, 'failed to prepare subPath for volumeMount of the container'),
      });
      options = appCreateOptions(pod, c, { ...params, subPathSources }).options;
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      events('Warning', 'Failed', `Error: ${e.message}`);
      ctx.st.waiting.set(c.name, { reason: e.reason, message: e.message });
      requeue(ctx.st, 10_000);
      return undefined;
    }
    try {
      const id = await this.o.runtime.createContainer(options);
      events('Normal', 'Created', `Created container: ${c.name}`);
      return id;
    } catch (e) {
      const message = errText(e);
      events('Warning', 'Failed', `Error: ${message}`);
      ctx.st.waiting.set(c.name, { reason: 'CreateContainerError', message });
      requeue(ctx.st, 10_000);
      return undefined;
    }
  }

  /** The Docker id of an ephemeral container's running target, whose pid namespace it joins (none: the pod's). */
  private async targetIdOf(pod: Pod, c: Container & { targetContainerName?: string }): Promise<string | undefined> {
    const target = c.targetContainerName;
    if (!target) return undefined;
    const observed = await this.observe(pod);
    const latest = [...attemptsOf(observed, 'app', target), ...attemptsOf(observed, 'init', target)].find(isRunning);
    return latest?.id;
  }

  /** kubelet's startContainer from the created container on: start, postStart. */
  private async run(ctx: Ctx, c: Container, kind: ContainerKindName, id: string): Promise<void> {
    const { pod } = ctx;
    const events = this.containerEvents(pod, kind, c.name);
    try {
      await this.o.runtime.startContainer(id);
    } catch (e) {
      // The container stays behind as "created": it is reported and restarted with back-off like a crash.
      events('Warning', 'Failed', `Error: ${errText(e)}`);
      ctx.st.waiting.set(c.name, { reason: 'RunContainerError', message: errText(e) });
      requeue(ctx.st, 1000);
      return;
    }
    events('Normal', 'Started', `Started container ${c.name}`);
    const postStart = (c.lifecycle as J | undefined)?.postStart;
    if (postStart) {
      try {
        await runHandler(
          { runtime: this.o.runtime, containerId: id, podIP: ctx.facts.podIP, container: c },
          postStart,
          POST_START_TIMEOUT_MS,
        );
      } catch (e) {
        this.o.log.info({ pod: podText(pod), container: c.name, err: errText(e) }, 'postStart hook failed');
        // The hook's output stays out of the event (it may hold secrets), as in kubelet.
        events('Warning', 'FailedPostStartHook', 'PostStartHook failed');
        events('Normal', 'Killing', `FailedPostStartHook`);
        await this.stopContainer(id, HOOK_KILL_GRACE_S);
      }
    }
  }

  private containerEvents(pod: Pod, kind: ContainerKindName, name: string) {
    const fieldPath = fieldPathOf(kind, name);
    return (type: 'Normal' | 'Warning', reason: string, message: string) => this.event(pod, type, reason, message, fieldPath);
  }

  /** The host file a container's terminationMessagePath is bound to (kubelet's per-container termination log). */
  private terminationLogDir(uid: string, container: string): string {
    return dataDirLayout(this.o.dataDir).pod(uid).container(container);
  }

  private async terminationLog(uid: string, container: string): Promise<string> {
    const dir = this.terminationLogDir(uid, container);
    await mkdir(dir, { recursive: true });
    const file = join(dir, randomBytes(4).toString('hex'));
    const fh = await open(file, 'w', 0o666);
    await fh.chmod(0o666);
    await fh.close();
    return file;
  }

  /** The sandbox (infra container), created (not started); undefined (with an event) when that failed. */
  private async createSandbox(pod: Pod, attempt: number): Promise<string | undefined> {
    const image = this.o.pauseImage ?? PAUSE_IMAGE;
    try {
      if (!this.pauseImagePresent) {
        if (!(await this.o.runtime.imageStatus(image))) await this.o.runtime.pullImage(image);
        this.pauseImagePresent = true;
      }
      return await this.o.runtime.createPodSandbox(infraCreateOptions(pod, { network: this.o.network.name, attempt, image }));
    } catch (e) {
      this.pauseImagePresent = false; // the image may be what went missing: look again next time
      this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errText(e)}`);
      return undefined;
    }
  }

  /** The sandbox just created, as the plan would see it running. */
  private assumedSandbox(pod: Pod, id: string, attempt: number): RuntimeContainer {
    const { name = '', namespace = '', uid = '' } = pod.metadata;
    return {
      id,
      key: { podName: name, namespace, podUid: uid, container: INFRA_CONTAINER_NAME, kind: 'infra', attempt, restartCount: 0 },
      state: 'running',
      exitCode: 0,
      oomKilled: false,
      networkMode: this.o.network.name,
      ips: {},
      inspect: { Id: id, State: { Status: 'running', Running: true } },
    };
  }

  // ---------------------------------------------------------------- status

  private async termMessage(o: RuntimeContainer | undefined): Promise<string | undefined> {
    if (!o || !hasEnded(o)) return undefined;
    return terminationMessage(this.o.runtime, {
      id: o.id,
      terminationMessagePath: o.key.terminationMessagePath,
      terminationMessagePolicy: o.key.terminationMessagePolicy,
      exitCode: o.exitCode,
      cannotRun: o.state === 'created' || terminatedReason(o.inspect.State) === 'ContainerCannotRun',
      mounts: o.inspect.Mounts ?? [],
      tty: (o.inspect.Config as { Tty?: boolean } | undefined)?.Tty === true,
      hostDir: this.terminationLogDir(o.key.podUid, o.key.container),
    });
  }

  private async imageOf(o: RuntimeContainer | undefined): Promise<DockerImageInspect | undefined> {
    const id = o?.imageId;
    if (!id) return undefined;
    // One image may sit in several registries: imageID names the digest of the repository the container used.
    const ref = o.inspect.Config?.Image ?? id;
    const cacheKey = `${id} ${ref}`;
    const hit = this.imageCache.get(cacheKey);
    if (hit) return hit;
    const img = await this.o.runtime.imageStatus(id, ref);
    if (img) this.imageCache.set(cacheKey, img);
    return img;
  }

  private async views(
    observed: RuntimeContainer[],
    kind: ContainerKindName,
    specs: Container[],
    st: SyncState,
    pod: Pod,
  ): Promise<ContainerView[]> {
    return Promise.all(
      specs.map(async (c) => {
        const [current, previous] = attemptsOf(observed, kind, c.name);
        const message = await this.termMessage(current);
        const currentInspect = current
          ? message
            ? { ...current.inspect, State: { ...current.inspect.State, Error: message } }
            : current.inspect
          : undefined;
        let waiting = st.waiting.get(c.name);
        // A container created but never started is reported as waiting, with its start error.
        if (!waiting && current && current.state === 'created')
          waiting = { reason: 'RunContainerError', message: current.inspect.State.Error || undefined };
        const probed = kind === 'app' ? this.o.probes?.status(pod.metadata.uid!, c.name, current?.id) : undefined;
        return {
          name: c.name,
          image: c.image ?? '',
          current: currentInspect,
          previous: previous?.inspect,
          restartCount: current?.key.restartCount ?? 0,
          waiting,
          imageInspect: await this.imageOf(current),
          ...(probed ? { ready: probed.ready, started: probed.started } : {}),
        };
      }),
    );
  }

  /** Computes the status and writes it through pods/status when it differs from the stored one. */
  private async writeStatus(
    pod: Pod,
    observed: RuntimeContainer[],
    st: SyncState,
    failed?: PodView['failed'],
    deleted = false,
  ): Promise<J | undefined> {
    const infra = attemptsOf(observed, 'infra')[0];
    const sandboxReady = !!infra && isRunning(infra);
    const podIP = sandboxReady ? this.podIPOf(infra!) : undefined;
    this.observeProbes(pod, podIP, observed);
    const view = {
      pod,
      sandboxReady,
      podIP,
      hostIP: this.o.hostIP,
      init: await this.views(observed, 'init', pod.spec.initContainers ?? [], st, pod),
      app: await this.views(observed, 'app', pod.spec.containers, st, pod),
      ephemeral: await this.views(observed, 'ephemeral', pod.spec.ephemeralContainers ?? [], st, pod),
      now: nowTimestamp(),
      ...(failed ? { failed } : {}),
      ...(deleted ? { deleted } : {}),
    };
    return writePodStatus(this.o.client, pod, (cur) => computePodStatus({ ...view, pod: cur }, cur.status as J | undefined));
  }

  /** Hands the probe workers what this sync saw of the app containers (their latest attempts). */
  private observeProbes(pod: Pod, podIP: string | undefined, observed: RuntimeContainer[]): void {
    if (!this.o.probes) return;
    const containers = new Map<string, ContainerSnapshot>();
    for (const c of pod.spec.containers) {
      const latest = attemptsOf(observed, 'app', c.name)[0];
      if (!latest) continue;
      containers.set(c.name, {
        id: latest.id,
        running: isRunning(latest),
        ...(latest.startedAt !== undefined ? { startedAt: latest.startedAt } : {}),
        terminated: latest.state === 'exited',
      });
    }
    this.o.probes.observe(pod, podIP, containers);
  }

  // ---------------------------------------------------------------- cleanup

  private async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.o.runtime.stopContainer(id, graceSeconds);
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.o.runtime.removeContainer(id);
    } catch (e) {
      this.o.log.warn({ id, err: errText(e) }, 'could not remove container');
    }
  }

  private async removeAll(containers: RuntimeContainer[], uid: string): Promise<void> {
    await Promise.all(containers.filter((c) => c.key.kind !== 'infra').map((c) => this.removeContainer(c.id)));
    await Promise.all(containers.filter((c) => c.key.kind === 'infra').map((c) => this.removeContainer(c.id)));
    await this.o.volumes.cleanup(uid);
    this.o.probes?.removePod(uid);
    this.crashBackoff.forget(`${uid}/`);
    this.images.forget(`${uid}/`);
  }

  // ---------------------------------------------------------------- termination

  /** Graceful termination runs off the worker (it may take the whole grace period); the key syncs again after. */
  private beginTermination(key: string, pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.terminating.has(uid)) return;
    const p = this.terminate(pod)
      .catch((e) => {
        this.o.log.warn({ pod: podText(pod), err: errText(e) }, 'pod termination failed');
        this.o.enqueue(key, 2000);
      })
      .finally(() => {
        this.terminating.delete(uid);
        this.o.enqueue(key);
      });
    this.terminating.set(uid, p);
  }

  private async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    const meta = pod.metadata as J;
    const grace = Number(meta.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
    const deadline = Date.now() + grace * 1000;
    const remaining = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const observed = await this.observe(pod);
    const infra = attemptsOf(observed, 'infra')[0];
    const podIP = infra && isRunning(infra) ? this.podIPOf(infra) : undefined;
    const specs = new Map([...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => [c.name, c]));
    await Promise.all(
      observed
        .filter((c) => c.key.kind !== 'infra' && isRunning(c))
        .map(async (c) => {
          const spec = specs.get(c.key.container);
          const kind = c.key.kind === 'init' ? 'init' : 'app';
          this.event(pod, 'Normal', 'Killing', `Stopping container ${c.key.container}`, fieldPathOf(kind, c.key.container));
          const preStop = (spec?.lifecycle as J | undefined)?.preStop;
          if (preStop && spec && grace > 0) {
            try {
              await runHandler({ runtime: this.o.runtime, containerId: c.id, podIP, container: spec }, preStop, remaining() * 1000);
            } catch (e) {
              this.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed`, fieldPathOf(kind, c.key.container));
              this.o.log.info({ pod: podText(pod), err: errText(e) }, 'preStop hook failed');
            }
          }
          await this.stopContainer(c.id, remaining());
        }),
    );
    await Promise.all(observed.filter((c) => c.key.kind === 'infra' && isRunning(c)).map((c) => this.stopContainer(c.id, remaining())));
    // A finalizer keeps the object after the final delete: as upstream's kubelet, it shows a terminal phase then (the
    // Job controller, with podReplacementPolicy Failed, replaces a deleted pod only once it has failed).
    if (meta.finalizers?.length) await this.writeStatus(pod, await this.observe(pod), { waiting: new Map() }, undefined, true);
    await this.removeAll(observed, uid);
    try {
      await this.o.client.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      if (!isNotFound(e) && !(e instanceof StatusError && e.code === 409)) throw e;
    }
  }

  // ---------------------------------------------------------------- events

  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.o.recorder.record(pod as unknown as KObject, type, reason, message, {
      component: 'kubelet',
      host: this.o.nodeName,
      ...(fieldPath ? { fieldPath } : {}),
    });
  }

  /** Pending background work (terminations), for a clean stop. */
  async idle(): Promise<void> {
    await Promise.all([...this.terminating.values()]);
  }
}
