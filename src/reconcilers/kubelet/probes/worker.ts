// One probe of one container (kubelet's prober worker): probes every periodSeconds and caches a result per
// container ID once failureThreshold / successThreshold consecutive runs agree. A new container ID starts
// from the probe kind's initial value (readiness: failure, liveness: success, startup: unknown). Startup
// gates the others: liveness/readiness run only once the container has started, startup only until then.
// After a liveness/startup failure the worker holds until the container is replaced.
import type { ProbeClock } from './clock.js';
import type { ProbeResult, ProbeSpec, ProbeType } from './types.js';

/** The container as the status last showed it. */
export interface ContainerSnapshot {
  id: string;
  running: boolean;
  /** ms since epoch of the current run's start */
  startedAt?: number;
  /** the container ended (not merely created) */
  terminated: boolean;
}

/** What a worker reads from and writes to its manager. */
export interface WorkerHost {
  /** undefined: no status for the pod, or the container has no ID yet */
  container(): ContainerSnapshot | undefined;
  podTerminal(): boolean;
  podDeleting(): boolean;
  restartPolicy(): string;
  /** containerStatuses[].started of this container */
  started(containerId: string): boolean;
  setResult(containerId: string, result: ProbeResult): void;
  /** a result is cached for the container (e.g. restored from the status after a kubelet restart) */
  hasResult(containerId: string): boolean;
  removeResult(containerId: string): void;
  /** runs the probe; throws on a prober error */
  probe(containerId: string): Promise<'success' | 'failure'>;
  /** the loop ended (the worker removes itself) */
  exited(): void;
}

const INITIAL: Record<ProbeType, ProbeResult> = { readiness: 'failure', liveness: 'success', startup: 'unknown' };

export class ProbeWorker {
  private containerId = '';
  // Go's zero value of results.Result is Success: the run counter starts as if one success came before.
  private lastResult: ProbeResult = 'success';
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private running = false;
  private triggered = false;
  private timer: unknown;
  private nextTick = 0;

  constructor(
    readonly type: ProbeType,
    readonly spec: ProbeSpec,
    private host: WorkerHost,
    private clock: ProbeClock,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts the loop: a first probe after `delayMs` (kubelet's jitter after a restart), then every period. */
  start(delayMs = 0): void {
    this.nextTick = this.clock.now() + delayMs;
    this.schedule();
  }

  /** Runs a probe now (kubelet's manual trigger); one pending trigger at most. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.triggered = true;
      return;
    }
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    void this.loopOnce();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) this.cleanup();
  }

  private cleanup(): void {
    if (this.containerId) this.host.removeResult(this.containerId);
    this.host.exited();
  }

  private schedule(): void {
    if (this.stopped) return;
    const wait = Math.max(0, this.nextTick - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.loopOnce();
    }, wait);
  }

  private async loopOnce(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } catch {
      keepGoing = true;
    } finally {
      this.running = false;
    }
    if (!keepGoing) this.stopped = true;
    if (this.stopped) {
      this.cleanup();
      return;
    }
    // A ticker: ticks missed while probing collapse into one immediate probe.
    const period = this.spec.periodSeconds * 1000;
    const now = this.clock.now();
    if (this.triggered || this.nextTick <= now - period) {
      this.triggered = false;
      while (this.nextTick <= now) this.nextTick += period;
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        void this.loopOnce();
      }, 0);
      return;
    }
    while (this.nextTick <= now) this.nextTick += period;
    this.schedule();
  }

  /** One step; false ends the worker. */
  async doProbe(): Promise<boolean> {
    const h = this.host;
    if (h.podTerminal()) return false;
    const c = h.container();
    if (!c || !c.id) return true; // not created yet: wait
    if (c.id !== this.containerId) {
      if (this.containerId) h.removeResult(this.containerId);
      // A result restored from the pod's status (a kubelet restart, KEP-4781) stands until a probe replaces it.
      const restored = !this.containerId && h.hasResult(c.id);
      this.containerId = c.id;
      if (!restored) h.setResult(c.id, INITIAL[this.type]);
      this.onHold = false; // a new container: probing resumes
    }
    if (this.onHold) return true;
    if (!c.running) {
      h.setResult(c.id, 'failure');
      return !c.terminated || h.restartPolicy() !== 'Never';
    }
    if (h.podDeleting() && this.type !== 'readiness') {
      // A quiet shutdown: the last word is success, and probing ends.
      h.setResult(c.id, 'success');
      return false;
    }
    if (c.startedAt !== undefined && Math.floor((this.clock.now() - c.startedAt) / 1000) < this.spec.initialDelaySeconds) return true;
    const started = h.started(c.id);
    if (started ? this.type === 'startup' : this.type !== 'startup') return true;
    const id = c.id;
    let result: 'success' | 'failure';
    try {
      result = await h.probe(id);
    } catch {
      return true;
    } // a prober error: the result is thrown away
    if (this.stopped || id !== this.containerId) return !this.stopped;
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if (
      (result === 'failure' && this.resultRun < this.spec.failureThreshold) ||
      (result === 'success' && this.resultRun < this.spec.successThreshold)
    )
      return true;
    h.setResult(id, result);
    if (this.type !== 'readiness' && result === 'failure') {
      // The container will be killed: no more probes (and docker execs) until a new container shows up.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
