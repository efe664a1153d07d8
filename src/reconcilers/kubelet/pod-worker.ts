// One pod's sync, level-triggered (kubelet's SyncPod over Docker): volumes, the infra container, init
// containers in order to completion, then the app containers; restarts by restartPolicy with CrashLoopBackOff;
// the status written back when it changed. Termination (deletionTimestamp) and orphan cleanup live here too.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { StatusError } from '../../machinery/api/errors.js';
import { dataDirLayout } from '../../data-dir.js';
import type { KObject } from '../../machinery/api/meta.js';
import { GVR, type Client } from '../../client/types.js';
import type { ApiEndpoint } from '../../serviceaccount/service-env.js';
import { nowTimestamp } from '../../registry/object-meta.js';
import { engineMessage, engineStatus } from '../../runtime/engine.js';
import { localImage, pullImage } from '../../runtime/images.js';
import type { PodNetworkConfig } from '../../runtime/pod-network.js';
import type { Logger } from '../../log.js';
import {
  ContainerConfigError,
  VolumeSetupError,
  appCreateOptions,
  containerHash,
  containerSubPaths,
  infraCreateOptions,
  PAUSE_IMAGE,
  type AppContainerParams,
  type Container,
  type DockerImageInspect,
  type Pod,
} from '../../translate/index.js';
import type { NodeFacts } from '../../translate/field-ref.js';
import { terminatedReason } from '../../translate/status.js';
import type { EventRecorder } from '../event-recorder.js';
import { Backoff, goDuration } from './backoff.js';
import { runHandler } from './hooks.js';
import { ImagePuller } from './image-puller.js';
import { fetchPullSecrets } from './pull-credentials.js';
import {
  LABEL_DATA_DIR,
  LABEL_INSTANCE,
  attemptsOf,
  endedAt,
  hasEnded,
  isRunning,
  listPodContainers,
  networkOf,
  type Observed,
} from './observed.js';
import { computePodStatus, type ContainerView } from './pod-status.js';
import type { ProbeManager } from './probes/manager.js';
import { probeSpecOf } from './probes/types.js';
import type { ContainerSnapshot } from './probes/worker.js';
import { prepareSubPaths } from './subpaths.js';
import { fetchSources, podDir, VolumeManager, type PodSources, type PreparedVolumes } from './volumes.js';
import { writePodStatus } from './status-writer.js';
import { terminationMessage } from './termination-message.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface PodWorkerOptions {
  docker: Docker;
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
  instance: string;
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
/** kubelet never kills a container with less grace than this (minimumGracePeriodInSeconds). */
const MIN_KILL_GRACE_S = 2;

/** format.Pod: name_namespace(uid), as kubelet's messages print a pod. */
const podText = (pod: Pod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
const fieldPathOf = (kind: 'init' | 'app', name: string) => `spec.${kind === 'init' ? 'initContainers' : 'containers'}{${name}}`;
const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

interface SyncState {
  /** waiting reasons to report per container name */
  waiting: Map<string, { reason: string; message?: string }>;
  requeueMs?: number;
}

const requeue = (st: SyncState, ms: number | undefined) => {
  if (ms === undefined) return;
  st.requeueMs = st.requeueMs === undefined ? ms : Math.min(st.requeueMs, ms);
};

export class PodWorker {
  private crashBackoff = new Backoff();
  private images: ImagePuller;
  private volumes: VolumeManager;
  private imageCache = new Map<string, DockerImageInspect>();
  private terminating = new Map<string, Promise<void>>();

  constructor(private o: PodWorkerOptions) {
    this.images = new ImagePuller(o.docker, (k) => o.enqueue(k));
    this.volumes = new VolumeManager(o.docker, o.dataDir, o.instance, o.client);
  }

  /** The reconcile function of ns/name. */
  async reconcile(key: string): Promise<SyncResult> {
    const [ns, name] = key.split('/') as [string, string];
    const pod = this.o.podOf(key);
    const all = await listPodContainers(this.o.docker, this.o.instance, ns, name);
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

  // ---------------------------------------------------------------- sync

  private async sync(key: string, pod: Pod, observed: Observed[]): Promise<SyncResult> {
    const uid = pod.metadata.uid!;
    const st: SyncState = { waiting: new Map() };
    const phase = (pod.status as J | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Nothing runs again in a finished pod; its sandbox is let go.
      this.o.probes?.removePod(uid);
      for (const c of observed) if (isRunning(c)) await this.stopContainer(c.id, 0);
      return;
    }
    const policy = pod.spec.restartPolicy ?? 'Always';
    const initSpecs = pod.spec.initContainers ?? [];
    const appSpecs = pod.spec.containers;

    // Does anything still have to run? A finished run-to-completion pod gets no new sandbox.
    const wantsRun = (kind: 'init' | 'app', c: Container) => {
      const latest = attemptsOf(observed, kind, c.name)[0];
      return !latest || isRunning(latest) || shouldRestart(policy, latest.inspect.State.ExitCode ?? 0);
    };
    const needsSandbox = appSpecs.some((c) => wantsRun('app', c));

    let infra = attemptsOf(observed, 'infra')[0];
    let sources: PodSources | undefined;
    let volumes: PreparedVolumes | undefined;
    const facts: NodeFacts = { nodeName: this.o.nodeName, hostIP: this.o.hostIP, hostIPs: [this.o.hostIP] };
    if (needsSandbox) {
      sources = await fetchSources(this.o.client, pod, this.o.apiEndpoint);
      try {
        volumes = await this.volumes.prepare(pod, sources, { ...facts, podIP: (pod.status as J | undefined)?.podIP });
      } catch (e) {
        if (!(e instanceof VolumeSetupError)) throw e;
        this.event(pod, 'Warning', 'FailedMount', e.message);
        await this.writeStatus(pod, observed, st, infra);
        return { requeueAfterMs: 10_000 };
      }
      if (!isRunning(infra)) {
        // A dead sandbox takes its containers with it: they are stopped, and started again in the new one.
        const stale = observed.filter((c) => c.key.kind !== 'infra' && isRunning(c));
        if (infra) this.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
        await Promise.all(stale.map((c) => this.stopContainer(c.id, 0)));
        const created = await this.createInfra(pod, infra ? infra.key.attempt + 1 : 0);
        if (!created) {
          await this.writeStatus(pod, observed, st, infra);
          return { requeueAfterMs: 10_000 };
        }
        observed = await listPodContainers(this.o.docker, this.o.instance, pod.metadata.namespace!, pod.metadata.name!).then((l) =>
          l.filter((c) => c.key.podUid === uid),
        );
        infra = attemptsOf(observed, 'infra')[0];
      }
    }
    const infraId = isRunning(infra) ? infra!.id : undefined;
    const podIP = infraId ? this.podIPOf(infra!) : undefined;
    Object.assign(facts, podIP ? { podIP, podIPs: [podIP] } : {});

    if (infraId && volumes && sources) {
      const ctx = { pod, key, infraId, volumes, sources, facts, st, policy };
      // Containers still running in an older sandbox belong to a dead network namespace.
      for (const c of observed) {
        if (c.key.kind !== 'infra' && isRunning(c) && networkOf(c) !== `container:${infraId}`) await this.stopContainer(c.id, 0);
      }
      const initDone = await this.syncInit(ctx, observed, initSpecs);
      if (initDone) {
        for (let i = 0; i < appSpecs.length; i++) await this.syncApp(ctx, observed, appSpecs[i]!, i);
      } else {
        for (const c of appSpecs) st.waiting.set(c.name, { reason: 'PodInitializing' });
      }
      observed = await listPodContainers(this.o.docker, this.o.instance, pod.metadata.namespace!, pod.metadata.name!).then((l) =>
        l.filter((c) => c.key.podUid === uid),
      );
      infra = attemptsOf(observed, 'infra')[0];
    }
    const status = await this.writeStatus(pod, observed, st, infra);
    if (status && (status.phase === 'Succeeded' || status.phase === 'Failed') && isRunning(infra)) await this.stopContainer(infra!.id, 0);
    await this.collectGarbage(observed);
    return st.requeueMs !== undefined ? { requeueAfterMs: Math.max(st.requeueMs, 100) } : undefined;
  }

  private podIPOf(infra: Observed): string | undefined {
    if (infra.inspect.HostConfig?.NetworkMode === 'host') return this.o.hostIP;
    return infra.inspect.NetworkSettings?.Networks?.[this.o.network.name]?.IPAddress || undefined;
  }

  /** Returns true once every init container has completed in the current sandbox. */
  private async syncInit(ctx: Ctx, observed: Observed[], specs: Container[]): Promise<boolean> {
    for (let i = 0; i < specs.length; i++) {
      const c = specs[i]!;
      const attempts = attemptsOf(observed, 'init', c.name);
      const latest = attempts[0];
      const inSandbox = latest && networkOf(latest) === `container:${ctx.infraId}`;
      if (latest && inSandbox && hasEnded(latest) && latest.inspect.State.Status !== 'created' && latest.inspect.State.ExitCode === 0)
        continue;
      for (const rest of specs.slice(i + 1)) ctx.st.waiting.set(rest.name, { reason: 'PodInitializing' });
      if (latest && inSandbox && isRunning(latest)) return false;
      if (latest && inSandbox && hasEnded(latest)) {
        if (ctx.policy === 'Never') return false; // the pod has failed
        await this.restart(ctx, c, 'init', i, latest);
        return false;
      }
      await this.startContainer(ctx, c, 'init', i, latest);
      return false;
    }
    return true;
  }

  private async syncApp(ctx: Ctx, observed: Observed[], c: Container, index: number): Promise<void> {
    const latest = attemptsOf(observed, 'app', c.name)[0];
    if (!latest) {
      await this.startContainer(ctx, c, 'app', index, undefined);
      return;
    }
    if (isRunning(latest)) {
      if (latest.key.hash && latest.key.hash !== containerHash(c)) {
        // The spec changed (e.g. a new image): kubelet restarts the container.
        this.event(ctx.pod, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`, fieldPathOf('app', c.name));
        await this.stopContainer(latest.id, ctx.pod.spec.terminationGracePeriodSeconds ?? 30);
        await this.startContainer(ctx, c, 'app', index, latest);
        return;
      }
      const probeKill = this.o.probes?.killReason(ctx.pod.metadata.uid!, latest.id);
      if (probeKill) await this.killFailedProbe(ctx, c, index, latest, probeKill);
      return;
    }
    if (!hasEnded(latest)) return;
    if (!shouldRestart(ctx.policy, latest.inspect.State.ExitCode ?? 0) && latest.inspect.State.Status !== 'created') return;
    await this.restart(ctx, c, 'app', index, latest);
  }

  /**
   * A container whose liveness or startup probe failed is killed (probe terminationGracePeriodSeconds over the
   * pod's, preStop first) and restarted unless the policy is Never; the restart counts and goes through back-off.
   */
  private async killFailedProbe(ctx: Ctx, c: Container, index: number, latest: Observed, reason: 'liveness' | 'startup'): Promise<void> {
    const restart = ctx.policy !== 'Never';
    const fieldPath = fieldPathOf('app', c.name);
    this.event(
      ctx.pod,
      'Normal',
      'Killing',
      `Container ${c.name} failed ${reason} probe${restart ? ', will be restarted' : ''}`,
      fieldPath,
    );
    const grace = Math.max(
      MIN_KILL_GRACE_S,
      probeSpecOf(c, reason)?.terminationGracePeriodSeconds ?? ctx.pod.spec.terminationGracePeriodSeconds ?? 30,
    );
    const deadline = Date.now() + grace * 1000;
    const preStop = (c.lifecycle as J | undefined)?.preStop;
    if (preStop) {
      try {
        await runHandler({ docker: this.o.docker, containerId: latest.id, podIP: ctx.facts.podIP, container: c }, preStop, grace * 1000);
      } catch (e) {
        this.event(ctx.pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed', fieldPath);
        this.o.log.info({ pod: podText(ctx.pod), err: (e as Error).message }, 'preStop hook failed');
      }
    }
    await this.stopContainer(latest.id, Math.max(0, Math.ceil((deadline - Date.now()) / 1000)));
    if (!restart) return;
    let ended: Observed = latest;
    try {
      ended = { ...latest, inspect: (await this.o.docker.getContainer(latest.id).inspect()) as unknown as Observed['inspect'] };
    } catch (e) {
      if (engineStatus(e) !== 404) throw e;
    }
    await this.restart(ctx, c, 'app', index, ended);
  }

  /** A restart of an ended container, unless its back-off still runs (CrashLoopBackOff). */
  private async restart(ctx: Ctx, c: Container, kind: 'init' | 'app', index: number, latest: Observed): Promise<void> {
    const bkey = `${ctx.pod.metadata.uid}/${c.name}`;
    const started = Date.parse(latest.inspect.State.StartedAt ?? '');
    const ended = endedAt(latest);
    // A container that ran long enough starts its back-off over.
    if (Number.isFinite(started) && started > 0 && ended - started >= 600_000) this.crashBackoff.reset(bkey);
    const until = this.crashBackoff.waitUntil(bkey, ended);
    if (until !== undefined) {
      const delay = goDuration(this.crashBackoff.delayMs(bkey));
      this.event(
        ctx.pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${podText(ctx.pod)}`,
        fieldPathOf(kind, c.name),
      );
      ctx.st.waiting.set(c.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${delay} restarting failed container=${c.name} pod=${podText(ctx.pod)}`,
      });
      requeue(ctx.st, until - Date.now());
      return;
    }
    this.crashBackoff.next(bkey);
    await this.startContainer(ctx, c, kind, index, latest);
  }

  /** Image, create, start, postStart: kubelet's startContainer. */
  private async startContainer(ctx: Ctx, c: Container, kind: 'init' | 'app', index: number, previous: Observed | undefined): Promise<void> {
    const { pod } = ctx;
    const fieldPath = fieldPathOf(kind, c.name);
    const events = (type: 'Normal' | 'Warning', reason: string, message: string) => this.event(pod, type, reason, message, fieldPath);
    const pullSecrets = () => fetchPullSecrets(this.o.client, pod, (m) => this.event(pod, 'Warning', 'FailedToRetrieveImagePullSecret', m));
    const img = await this.images.ensure(`${pod.metadata.uid}/${c.name}`, ctx.key, c, events, pullSecrets);
    if (!img.image) {
      if (img.waiting) ctx.st.waiting.set(c.name, img.waiting);
      requeue(ctx.st, img.requeueMs);
      return;
    }
    const attempt = previous ? previous.key.attempt + 1 : 0;
    const restartCount = previous ? previous.key.restartCount + 1 : 0;
    let options: Docker.ContainerCreateOptions;
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
      return;
    }
    options.Labels = { ...options.Labels, [LABEL_INSTANCE]: this.o.instance, [LABEL_DATA_DIR]: this.o.dataDir };
    let container: Docker.Container;
    try {
      container = await this.o.docker.createContainer(options);
    } catch (e) {
      const message = engineMessage(e);
      events('Warning', 'Failed', `Error: ${message}`);
      ctx.st.waiting.set(c.name, { reason: 'CreateContainerError', message });
      requeue(ctx.st, 10_000);
      return;
    }
    events('Normal', 'Created', `Created container: ${c.name}`);
    try {
      await container.start();
    } catch (e) {
      // The container stays behind as "created": it is reported and restarted with back-off like a crash.
      events('Warning', 'Failed', `Error: ${engineMessage(e)}`);
      ctx.st.waiting.set(c.name, { reason: 'RunContainerError', message: engineMessage(e) });
      requeue(ctx.st, 1000);
      return;
    }
    events('Normal', 'Started', `Started container ${c.name}`);
    const postStart = (c.lifecycle as J | undefined)?.postStart;
    if (postStart) {
      try {
        await runHandler(
          { docker: this.o.docker, containerId: container.id, podIP: ctx.facts.podIP, container: c },
          postStart,
          POST_START_TIMEOUT_MS,
        );
      } catch (e) {
        this.o.log.info({ pod: podText(pod), container: c.name, err: (e as Error).message }, 'postStart hook failed');
        // The hook's output stays out of the event (it may hold secrets), as in kubelet.
        events('Warning', 'FailedPostStartHook', 'PostStartHook failed');
        events('Normal', 'Killing', `FailedPostStartHook`);
        await this.stopContainer(container.id, HOOK_KILL_GRACE_S);
      }
    }
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

  /** The infra container, created and started; false (with an event) when that failed. */
  private async createInfra(pod: Pod, attempt: number): Promise<boolean> {
    const image = this.o.pauseImage ?? PAUSE_IMAGE;
    try {
      if (!(await localImage(this.o.docker, image))) await pullImage(this.o.docker, image);
      const opts = infraCreateOptions(pod, { network: this.o.network.name, attempt, image });
      opts.Labels = { ...opts.Labels, [LABEL_INSTANCE]: this.o.instance, [LABEL_DATA_DIR]: this.o.dataDir };
      const infra = await this.o.docker.createContainer(opts);
      await infra.start();
      return true;
    } catch (e) {
      this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${engineMessage(e)}`);
      return false;
    }
  }

  // ---------------------------------------------------------------- status

  private async termMessage(o: Observed | undefined): Promise<string | undefined> {
    if (!o || !hasEnded(o)) return undefined;
    const s = o.inspect.State;
    return terminationMessage(this.o.docker, {
      id: o.id,
      terminationMessagePath: o.key.terminationMessagePath,
      terminationMessagePolicy: o.key.terminationMessagePolicy,
      exitCode: s.ExitCode ?? 0,
      cannotRun: s.Status === 'created' || terminatedReason(s) === 'ContainerCannotRun',
      mounts: o.inspect.Mounts ?? [],
      tty: (o.inspect.Config as { Tty?: boolean } | undefined)?.Tty === true,
      hostDir: this.terminationLogDir(o.key.podUid, o.key.container),
    });
  }

  private async imageOf(o: Observed | undefined): Promise<DockerImageInspect | undefined> {
    const id = o?.inspect.Image;
    if (!id) return undefined;
    // One image may sit in several registries: imageID names the digest of the repository the container used.
    const ref = (o.inspect.Config as { Image?: string } | undefined)?.Image ?? id;
    const cacheKey = `${id} ${ref}`;
    const hit = this.imageCache.get(cacheKey);
    if (hit) return hit;
    const img = await localImage(this.o.docker, id, ref);
    if (img) this.imageCache.set(cacheKey, img);
    return img;
  }

  private async views(observed: Observed[], kind: 'init' | 'app', specs: Container[], st: SyncState, pod: Pod): Promise<ContainerView[]> {
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
        if (!waiting && current && current.inspect.State.Status === 'created')
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
  private async writeStatus(pod: Pod, observed: Observed[], st: SyncState, infra: Observed | undefined): Promise<J | undefined> {
    const sandboxReady = isRunning(infra);
    const podIP = sandboxReady ? this.podIPOf(infra!) : undefined;
    this.observeProbes(pod, podIP, observed);
    const view = {
      pod,
      sandboxReady,
      podIP,
      hostIP: this.o.hostIP,
      init: await this.views(observed, 'init', pod.spec.initContainers ?? [], st, pod),
      app: await this.views(observed, 'app', pod.spec.containers, st, pod),
      now: nowTimestamp(),
    };
    return writePodStatus(this.o.client, pod, (cur) => computePodStatus({ ...view, pod: cur }, cur.status as J | undefined));
  }

  /** Hands the probe workers what this sync saw of the app containers (their latest attempts). */
  private observeProbes(pod: Pod, podIP: string | undefined, observed: Observed[]): void {
    if (!this.o.probes) return;
    const containers = new Map<string, ContainerSnapshot>();
    for (const c of pod.spec.containers) {
      const latest = attemptsOf(observed, 'app', c.name)[0];
      if (!latest) continue;
      const started = Date.parse(latest.inspect.State.StartedAt ?? '');
      containers.set(c.name, {
        id: latest.id,
        running: isRunning(latest),
        ...(Number.isFinite(started) && started > 0 ? { startedAt: started } : {}),
        terminated: hasEnded(latest) && latest.inspect.State.Status !== 'created',
      });
    }
    this.o.probes.observe(pod, podIP, containers);
  }

  // ---------------------------------------------------------------- cleanup

  /** Keeps the latest two attempts of each container (the previous one serves `logs --previous`) and the latest sandbox. */
  private async collectGarbage(observed: Observed[]): Promise<void> {
    const doomed: Observed[] = [];
    const names = new Set(observed.filter((o) => o.key.kind !== 'infra').map((o) => `${o.key.kind}/${o.key.container}`));
    for (const n of names) {
      const [kind, name] = n.split('/') as ['init' | 'app', string];
      doomed.push(
        ...attemptsOf(observed, kind, name)
          .slice(2)
          .filter((o) => !isRunning(o)),
      );
    }
    const infras = attemptsOf(observed, 'infra');
    const keep = new Set(observed.filter((o) => !doomed.includes(o) && o.key.kind !== 'infra').map(networkOf));
    doomed.push(...infras.slice(1).filter((o) => !isRunning(o) && !keep.has(`container:${o.id}`)));
    await Promise.all(doomed.map((o) => this.removeContainer(o.id)));
  }

  private async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.o.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (e) {
      if (![304, 404].includes(engineStatus(e) ?? 0)) throw e;
    }
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.o.docker.getContainer(id).remove({ force: true, v: false });
    } catch (e) {
      if (![404, 409].includes(engineStatus(e) ?? 0)) this.o.log.warn({ id, err: engineMessage(e) }, 'could not remove container');
    }
  }

  private async removeAll(containers: Observed[], uid: string): Promise<void> {
    await Promise.all(containers.filter((c) => c.key.kind !== 'infra').map((c) => this.removeContainer(c.id)));
    await Promise.all(containers.filter((c) => c.key.kind === 'infra').map((c) => this.removeContainer(c.id)));
    await this.volumes.cleanup(uid);
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
        this.o.log.warn({ pod: podText(pod), err: (e as Error).message }, 'pod termination failed');
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
    const observed = (await listPodContainers(this.o.docker, this.o.instance, pod.metadata.namespace!, pod.metadata.name!)).filter(
      (c) => c.key.podUid === uid,
    );
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
              await runHandler({ docker: this.o.docker, containerId: c.id, podIP, container: spec }, preStop, remaining() * 1000);
            } catch (e) {
              this.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed`, fieldPathOf(kind, c.key.container));
              this.o.log.info({ pod: podText(pod), err: (e as Error).message }, 'preStop hook failed');
            }
          }
          await this.stopContainer(c.id, remaining());
        }),
    );
    await Promise.all(observed.filter((c) => c.key.kind === 'infra' && isRunning(c)).map((c) => this.stopContainer(c.id, remaining())));
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

interface Ctx {
  pod: Pod;
  key: string;
  infraId: string;
  volumes: PreparedVolumes;
  sources: PodSources;
  facts: NodeFacts;
  st: SyncState;
  policy: string;
}
