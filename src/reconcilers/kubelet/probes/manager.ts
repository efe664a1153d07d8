// The kubelet's probe manager: a worker per container probe of each pod, the cached results per container ID,
// and what the status reads from them (started, ready) and the pod worker acts on (kill after a failed
// liveness/startup probe). The pod worker feeds it the containers it observed on every sync; a changed result
// asks for a sync of the pod, as kubelet's result updates do.
import type { Container, Pod } from '../../../translate/k8s-types.js';
import { DOCKER_ID_PREFIX } from '../../../translate/status.js';
import { realClock, type ProbeClock } from './clock.js';
import { runProbe, type ProbeEventSink, type ProbeRunner } from './prober.js';
import { probeSpecOf, PROBE_TYPES, type ProbeResult, type ProbeType } from './types.js';
import { ProbeWorker, type ContainerSnapshot } from './worker.js';

export interface ProbeManagerOptions {
  run: ProbeRunner;
  /** records an event about a container of the pod */
  event(pod: Pod, container: Container, reason: string, message: string): void;
  /** asks for a sync of the pod (ns/name) */
  enqueue(key: string): void;
  clock?: ProbeClock;
  /** wait a random part of the period before the first probe while the kubelet is young (kubelet does) */
  jitter?: boolean;
}

interface PodEntry {
  pod: Pod;
  key: string;
  podIP?: string;
  terminal: boolean;
  containers: Map<string, ContainerSnapshot>;
  workers: Map<string, ProbeWorker>;
}

/** What a restart reads of a container's stored status. */
interface StoredContainerStatus {
  name: string;
  containerID?: string;
  started?: boolean;
  ready?: boolean;
  state?: { running?: unknown };
}

const workerKey = (container: string, type: ProbeType) => `${container}/${type}`;

export class ProbeManager {
  private pods = new Map<string, PodEntry>();
  private results: Record<ProbeType, Map<string, ProbeResult>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };
  private clock: ProbeClock;
  private readonly startedAt: number;

  constructor(private o: ProbeManagerOptions) {
    this.clock = o.clock ?? realClock;
    this.startedAt = this.clock.now();
  }

  /**
   * The pod as the last sync saw it: workers are created the first time (kubelet's AddPod; probe settings
   * are immutable), and the workers read the container snapshots given here.
   */
  observe(pod: Pod, podIP: string | undefined, containers: Map<string, ContainerSnapshot>, terminal = false): void {
    const uid = pod.metadata.uid!;
    let e = this.pods.get(uid);
    if (!e) {
      e = { pod, key: `${pod.metadata.namespace}/${pod.metadata.name}`, podIP, terminal, containers, workers: new Map() };
      this.pods.set(uid, e);
      this.restorePreviousResults(pod, containers);
      for (const c of pod.spec.containers) for (const type of PROBE_TYPES) this.addWorker(e, c, type);
    }
    e.pod = pod;
    e.podIP = podIP;
    e.terminal = terminal;
    e.containers = containers;
    for (const [name, snap] of containers) {
      // A new container's readiness is probed at once (kubelet triggers it when the status has no result yet).
      if (snap.running && !this.results.readiness.has(snap.id)) e.workers.get(workerKey(name, 'readiness'))?.trigger();
    }
  }

  /**
   * A pod first seen with containers its stored status already shows (this kubelet restarted while they ran) keeps
   * their ready and started states until the probes say otherwise, as KEP-4781 (kubelet 1.35): restarting the kubelet
   * does not change pod status, so a Service does not drop its ready endpoints for a probe period.
   */
  private restorePreviousResults(pod: Pod, containers: Map<string, ContainerSnapshot>): void {
    const statuses = (pod.status?.containerStatuses ?? []) as StoredContainerStatus[];
    for (const st of statuses) {
      const snap = containers.get(st.name);
      if (!snap?.running || st.containerID !== `${DOCKER_ID_PREFIX}${snap.id}` || !st.state?.running) continue;
      if (st.started) this.results.startup.set(snap.id, 'success');
      if (st.ready) this.results.readiness.set(snap.id, 'success');
    }
  }

  private addWorker(e: PodEntry, c: Container, type: ProbeType): void {
    const spec = probeSpecOf(c, type);
    if (!spec) return;
    const wk = workerKey(c.name, type);
    const results = this.results[type];
    const emit: ProbeEventSink = (t, reason, message) => this.o.event(t.pod, t.container, reason, message);
    const worker: ProbeWorker = new ProbeWorker(
      type,
      spec,
      {
        container: () => e.containers.get(c.name),
        podTerminal: () => e.terminal,
        podDeleting: () => !!e.pod.metadata.deletionTimestamp,
        restartPolicy: () => e.pod.spec.restartPolicy ?? 'Always',
        started: (id) => this.isStarted(e, c.name, id),
        setResult: (id, r) => {
          const prev = results.get(id);
          results.set(id, r);
          if (prev !== r && !worker.isStopped) this.o.enqueue(e.key);
        },
        hasResult: (id) => results.has(id),
        removeResult: (id) => {
          results.delete(id);
        },
        probe: (id) => runProbe(type, { pod: e.pod, container: c, containerId: id, podIP: e.podIP }, spec, this.o.run, emit),
        exited: () => {
          if (e.workers.get(wk) === worker) e.workers.delete(wk);
        },
      },
      this.clock,
    );
    e.workers.set(wk, worker);
    const period = spec.periodSeconds * 1000;
    const young = this.o.jitter !== false && this.clock.now() - this.startedAt < period;
    worker.start(young ? Math.random() * period : 0);
  }

  private isStarted(e: PodEntry, name: string, id: string): boolean {
    const snap = e.containers.get(name);
    if (!snap || snap.id !== id || !snap.running) return false;
    const r = this.results.startup.get(id);
    if (r !== undefined) return r === 'success';
    return !e.workers.has(workerKey(name, 'startup'));
  }

  /** containerStatuses[].started and .ready of a running container, as kubelet's UpdatePodStatus sets them. */
  status(uid: string, name: string, containerId: string | undefined): { started: boolean; ready: boolean } | undefined {
    const e = this.pods.get(uid);
    if (!e || !containerId) return undefined;
    const started = this.isStarted(e, name, containerId);
    if (!started) return { started, ready: false };
    const r = this.results.readiness.get(containerId);
    const ready = r !== undefined ? r === 'success' : !e.workers.has(workerKey(name, 'readiness'));
    return { started, ready };
  }

  /** Why a running container must be killed: its liveness or startup probe failed. */
  killReason(uid: string, containerId: string): 'liveness' | 'startup' | undefined {
    if (!this.pods.has(uid)) return undefined;
    if (this.results.liveness.get(containerId) === 'failure') return 'liveness';
    if (this.results.startup.get(containerId) === 'failure') return 'startup';
    return undefined;
  }

  /** A newer copy of the pod (e.g. with its deletionTimestamp: liveness and startup then stop quietly). */
  updatePod(pod: Pod): void {
    const e = this.pods.get(pod.metadata.uid!);
    if (e) e.pod = pod;
  }

  /** The pod is gone (or finished): its workers stop and its results go. */
  removePod(uid: string): void {
    const e = this.pods.get(uid);
    if (!e) return;
    this.pods.delete(uid);
    for (const w of [...e.workers.values()]) w.stop();
    for (const snap of e.containers.values()) for (const t of PROBE_TYPES) this.results[t].delete(snap.id);
  }

  /** Pods that have workers, for a cleanup against the pods that still exist. */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  /** The number of live workers (tests, leaks). */
  workerCount(): number {
    let n = 0;
    for (const e of this.pods.values()) n += e.workers.size;
    return n;
  }

  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }
}
