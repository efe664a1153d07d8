// The kubelet's computePodActions: what one sync of a pod must do, decided from the pod and what the runtime
// reports of its sandbox and containers, without doing any of it (no I/O, no clock but `now`). The pod worker
// (pod-worker.ts) observes, asks this, executes, and asks again after it made a new sandbox (the new sandbox's
// containers are then planned against it), as SyncPod runs the actions computePodActions returned.
import { endedAt, hasEnded, isRunning, type RuntimeContainer } from '../../runtime/container-runtime.js';
import { containerHash, type Container, type Pod } from '../../translate/index.js';
import { BACKOFF_RESET_AFTER_RUN_MS, goDuration } from './backoff.js';
import { probeSpecOf } from './probes/types.js';

export type ContainerKindName = 'init' | 'app' | 'ephemeral';

/** The crash back-off as the plan reads it (backoff.ts's Backoff satisfies it); the executor moves it on. */
export interface BackoffView {
  delayMs(key: string): number;
  waitUntil(key: string, finishedAt: number, now: number): number | undefined;
}

export interface PlanInput {
  pod: Pod;
  /** the containers (sandboxes included) of this pod's uid, any state */
  containers: RuntimeContainer[];
  backoff: BackoffView;
  /** why a running container must be killed after its probe failed (the prober's results), if it must */
  probeKill(containerId: string): 'liveness' | 'startup' | undefined;
  now: number;
}

export type KillReason =
  'PodFinished' | 'DeadlineExceeded' | 'SandboxChanged' | 'StaleSandbox' | 'SpecChanged' | 'LivenessProbe' | 'StartupProbe';

export interface KillAction {
  id: string;
  name: string;
  kind: 'infra' | ContainerKindName;
  reason: KillReason;
  graceSeconds: number;
  /** the Killing event's message, when kubelet records one */
  message?: string;
  /** run the container's preStop hook first (within the grace period) */
  preStop: boolean;
}

export interface StartAction {
  kind: ContainerKindName;
  /** position in spec.containers / spec.initContainers */
  index: number;
  name: string;
  /** the attempt this one follows (its attempt and restart count go up by one) */
  previous?: RuntimeContainer;
  /** 'next': a restart, counted by the crash back-off; 'reset-next': after a run long enough to start it over */
  backoff: 'none' | 'next' | 'reset-next';
}

export interface BackOffWait {
  kind: ContainerKindName;
  name: string;
  delayMs: number;
  /** when the restart may happen (ms) */
  until: number;
}

export interface Waiting {
  reason: string;
  message?: string;
}

export interface PodActions {
  /** the pod's phase is final: nothing starts again, what runs is stopped, the probes are dropped */
  finished: boolean;
  /**
   * the pod ran past spec.activeDeadlineSeconds (counted from status.startTime): it fails (DeadlineExceeded),
   * everything running is killed within the pod's grace period (preStop first), the sandbox last
   */
  deadlineExceeded: boolean;
  /** some container is still meant to run: the sandbox and the volumes are needed */
  needsSandbox: boolean;
  /** the sandbox does not run and is needed: make attempt `attempt`; `changed` when an earlier one died */
  createSandbox?: { attempt: number; changed: boolean };
  /** the running sandbox the containers below belong in */
  sandboxId?: string;
  /** in this order, before anything starts */
  containersToKill: KillAction[];
  /** the next init container to run (kubelet's NextInitContainerToStart) */
  nextInit?: StartAction;
  /** an init container failed under restartPolicy Never: the pod has failed, nothing else starts */
  initFailed: boolean;
  containersToStart: StartAction[];
  /** ephemeral containers never run yet: each starts once, in the running sandbox, and is never restarted */
  ephemeralToStart: StartAction[];
  /** containers whose restart waits (CrashLoopBackOff) */
  backOff: BackOffWait[];
  /** waiting reasons decided here (PodInitializing, CrashLoopBackOff), by container name */
  waiting: Map<string, Waiting>;
  /** sync again after this long (the earliest back-off end) */
  requeueAfterMs?: number;
}

/** kubelet never kills a container with less grace than this (minimumGracePeriodInSeconds). */
export const MIN_KILL_GRACE_S = 2;

/** format.Pod: name_namespace(uid), as kubelet's messages print a pod. */
export const podText = (pod: Pod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

export const backoffKey = (pod: Pod, name: string) => `${pod.metadata.uid}/${name}`;

export function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** Attempts of one container (or the sandbox), newest first. */
export function attemptsOf(all: RuntimeContainer[], kind: 'infra' | ContainerKindName, name?: string): RuntimeContainer[] {
  return all
    .filter((o) => o.key.kind === kind && (name === undefined || o.key.container === name))
    .sort((a, b) => b.key.attempt - a.key.attempt);
}

/** The reason and message kubelet's active deadline handler fails a pod with (pkg/kubelet/active_deadline.go). */
export const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
} as const;

/**
 * How long the pod may still run before its activeDeadlineSeconds (ms; <= 0: past it), counted from
 * status.startTime as kubelet's pastActiveDeadline does (a pod without one starts now: this sync writes it);
 * undefined when it has no deadline.
 */
export function deadlineLeftMs(pod: Pod, now: number): number | undefined {
  const seconds = (pod.spec as { activeDeadlineSeconds?: number | null }).activeDeadlineSeconds;
  const startTime = (pod.status as { startTime?: string } | undefined)?.startTime;
  if (typeof seconds !== 'number') return undefined;
  const parsed = startTime ? Date.parse(startTime) : NaN;
  const started = Number.isNaN(parsed) ? now : parsed;
  return started + seconds * 1000 - now;
}

const terminal = (pod: Pod) => {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};

export function computePodActions(input: PlanInput): PodActions {
  const { pod, containers, now } = input;
  const actions: PodActions = {
    finished: false,
    deadlineExceeded: false,
    needsSandbox: false,
    containersToKill: [],
    initFailed: false,
    containersToStart: [],
    ephemeralToStart: [],
    backOff: [],
    waiting: new Map(),
  };
  const kill = (c: RuntimeContainer, reason: KillReason, graceSeconds: number, extra: Partial<KillAction> = {}) =>
    actions.containersToKill.push({
      id: c.id,
      name: c.key.container,
      kind: c.key.kind === 'init' || c.key.kind === 'infra' || c.key.kind === 'ephemeral' ? c.key.kind : 'app',
      reason,
      graceSeconds,
      preStop: false,
      ...extra,
    });

  if (terminal(pod)) {
    // Nothing runs again in a finished pod; its sandbox is let go.
    actions.finished = true;
    for (const c of containers) if (isRunning(c)) kill(c, 'PodFinished', 0);
    return actions;
  }
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const deadlineLeft = deadlineLeftMs(pod, now);
  if (deadlineLeft !== undefined && deadlineLeft <= 0) {
    // Past the deadline: the pod fails, and what runs is killed as for a deletion, the sandbox after its containers.
    actions.finished = true;
    actions.deadlineExceeded = true;
    const running = containers.filter(isRunning);
    for (const c of running.filter((o) => o.key.kind !== 'infra'))
      kill(c, 'DeadlineExceeded', grace, { preStop: true, message: `Stopping container ${c.key.container}` });
    for (const c of running.filter((o) => o.key.kind === 'infra')) kill(c, 'DeadlineExceeded', grace);
    return actions;
  }
  // The deadline is met by syncing again when it falls (an update that shortens it syncs the pod at once).
  if (deadlineLeft !== undefined) actions.requeueAfterMs = deadlineLeft;
  const policy = pod.spec.restartPolicy ?? 'Always';
  const wantsRun = (c: Container) => {
    const latest = attemptsOf(containers, 'app', c.name)[0];
    return !latest || isRunning(latest) || shouldRestart(policy, latest.exitCode);
  };
  // A finished run-to-completion pod gets no new sandbox.
  actions.needsSandbox = pod.spec.containers.some(wantsRun);
  if (!actions.needsSandbox) return actions;

  const sandbox = attemptsOf(containers, 'infra')[0];
  if (!sandbox || !isRunning(sandbox)) {
    // A dead sandbox takes its containers with it: they are stopped, and start again in the new one.
    for (const c of containers) if (c.key.kind !== 'infra' && isRunning(c)) kill(c, 'SandboxChanged', 0);
    actions.createSandbox = { attempt: sandbox ? sandbox.key.attempt + 1 : 0, changed: !!sandbox };
    return actions;
  }
  actions.sandboxId = sandbox.id;
  const ownNetwork = `container:${sandbox.id}`;
  // Containers still running in an older sandbox belong to a dead network namespace.
  const stale = new Set<string>();
  for (const c of containers) {
    if (c.key.kind !== 'infra' && isRunning(c) && c.networkMode !== ownNetwork) {
      kill(c, 'StaleSandbox', 0);
      stale.add(c.id);
    }
  }

  // Ephemeral containers start before the init containers (kubelet's SyncPod), so a pod stuck initialising can be debugged.
  (pod.spec.ephemeralContainers ?? []).forEach((c, index) => {
    if (!attemptsOf(containers, 'ephemeral', c.name).length)
      actions.ephemeralToStart.push({ kind: 'ephemeral', index, name: c.name, backoff: 'none' });
  });

  const restartOrBackOff = (kind: ContainerKindName, index: number, c: Container, latest: RuntimeContainer, ended: number) => {
    const key = backoffKey(pod, c.name);
    // A container that ran long enough starts its back-off over.
    const reset = latest.startedAt !== undefined && ended - latest.startedAt >= BACKOFF_RESET_AFTER_RUN_MS;
    const until = reset ? undefined : input.backoff.waitUntil(key, ended, now);
    if (until === undefined) {
      actions.containersToStart.push({ kind, index, name: c.name, previous: latest, backoff: reset ? 'reset-next' : 'next' });
      return;
    }
    const delayMs = input.backoff.delayMs(key);
    actions.backOff.push({ kind, name: c.name, delayMs, until });
    actions.waiting.set(c.name, {
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(delayMs)} restarting failed container=${c.name} pod=${podText(pod)}`,
    });
    actions.requeueAfterMs = Math.min(actions.requeueAfterMs ?? Infinity, until - now);
  };

  // Init containers run one at a time, in order, each to success, in the current sandbox.
  const inits = pod.spec.initContainers ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    const latest = attemptsOf(containers, 'init', c.name)[0];
    const inSandbox = latest?.networkMode === ownNetwork;
    if (latest && inSandbox && latest.state === 'exited' && latest.exitCode === 0) continue;
    for (const rest of inits.slice(i + 1)) actions.waiting.set(rest.name, { reason: 'PodInitializing' });
    for (const app of pod.spec.containers) actions.waiting.set(app.name, { reason: 'PodInitializing' });
    if (latest && inSandbox && isRunning(latest)) return actions;
    if (latest && inSandbox && hasEnded(latest)) {
      if (policy === 'Never') actions.initFailed = true;
      else {
        // restartOrBackOff files an init restart among containersToStart: it is the next init container.
        restartOrBackOff('init', i, c, latest, endedAt(latest, now));
        actions.nextInit = actions.containersToStart.pop();
      }
      return actions;
    }
    actions.nextInit = { kind: 'init', index: i, name: c.name, ...(latest ? { previous: latest } : {}), backoff: 'none' };
    return actions;
  }

  pod.spec.containers.forEach((c, index) => {
    const latest = attemptsOf(containers, 'app', c.name)[0];
    if (!latest) {
      actions.containersToStart.push({ kind: 'app', index, name: c.name, backoff: 'none' });
      return;
    }
    if (stale.has(latest.id)) return; // stopped above; it restarts once seen ended
    if (isRunning(latest)) {
      if (latest.key.hash && latest.key.hash !== containerHash(c)) {
        // The spec changed (e.g. a new image): restarted whatever the policy, without back-off.
        kill(latest, 'SpecChanged', grace, { message: `Container ${c.name} definition changed, will be restarted` });
        actions.containersToStart.push({ kind: 'app', index, name: c.name, previous: latest, backoff: 'none' });
        return;
      }
      const probe = input.probeKill(latest.id);
      if (!probe) return;
      // A failed liveness/startup probe kills it (preStop first; the probe's grace over the pod's) and it restarts
      // unless the policy is Never; the restart counts and goes through the back-off, the run ending now.
      const restart = policy !== 'Never';
      const probeGrace = Math.max(MIN_KILL_GRACE_S, probeSpecOf(c, probe)?.terminationGracePeriodSeconds ?? grace);
      kill(latest, probe === 'liveness' ? 'LivenessProbe' : 'StartupProbe', probeGrace, {
        message: `Container ${c.name} failed ${probe} probe${restart ? ', will be restarted' : ''}`,
        preStop: true,
      });
      if (restart) restartOrBackOff('app', index, c, latest, now);
      return;
    }
    if (!hasEnded(latest)) return; // paused, being removed: nothing to decide yet
    if (!shouldRestart(policy, latest.exitCode) && latest.state !== 'created') return;
    restartOrBackOff('app', index, c, latest, endedAt(latest, now));
  });
  return actions;
}

/**
 * Attempts to remove after a sync: all but the latest two of each container (the previous one serves
 * `logs --previous`), and sandboxes other than the latest that no kept container still uses.
 */
export function garbageOf(containers: RuntimeContainer[]): RuntimeContainer[] {
  const doomed: RuntimeContainer[] = [];
  const names = new Set(containers.filter((o) => o.key.kind !== 'infra').map((o) => `${o.key.kind}/${o.key.container}`));
  for (const n of names) {
    const [kind, name] = n.split('/') as [ContainerKindName, string];
    doomed.push(
      ...attemptsOf(containers, kind, name)
        .slice(2)
        .filter((o) => !isRunning(o)),
    );
  }
  const keep = new Set(containers.filter((o) => !doomed.includes(o) && o.key.kind !== 'infra').map((o) => o.networkMode));
  doomed.push(
    ...attemptsOf(containers, 'infra')
      .slice(1)
      .filter((o) => !isRunning(o) && !keep.has(`container:${o.id}`)),
  );
  return doomed;
}
