// The pod status the kubelet reports, computed from what it observed (pure): container statuses, phase
// (kubelet's getPhase), the five conditions, IPs. lastTransitionTime moves only when a condition's status does.
import {
  containerStatus,
  containerStateFromInspect,
  type ContainerState,
  type DockerImageInspect,
  type DockerInspect,
} from '../../translate/status.js';
import type { Pod } from '../../translate/k8s-types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the kubelet knows about one container of the spec. */
export interface ContainerView {
  name: string;
  /** the image as the spec writes it */
  image: string;
  /** the latest attempt (any sandbox) */
  current?: DockerInspect;
  /** the attempt before it, for lastState */
  previous?: DockerInspect;
  restartCount: number;
  /** a reason the kubelet holds the container back (ErrImagePull, CrashLoopBackOff, PodInitializing...) */
  waiting?: { reason: string; message?: string };
  imageInspect?: DockerImageInspect;
  /** readiness from probes; undefined = no probe: ready while running */
  ready?: boolean;
  /** started from the startup probe; undefined = no probe: started while running */
  started?: boolean;
}

export interface PodView {
  pod: Pod;
  /** the infra container runs and has its IP */
  sandboxReady: boolean;
  podIP?: string;
  hostIP: string;
  init: ContainerView[];
  app: ContainerView[];
  /** ephemeral containers, reported as kubelet reports them: like init containers (run once, never ready by probes) */
  ephemeral?: ContainerView[];
  now: string;
  /** the kubelet fails the pod itself (past its activeDeadlineSeconds): phase Failed with this reason and message */
  failed?: { reason: string; message: string };
  /** the pod was deleted and its containers have stopped: it ends Succeeded if every app container exited 0, else Failed */
  deleted?: boolean;
}

const terminatedOf = (i: DockerInspect | undefined): ContainerState => {
  if (!i) return {};
  const s = containerStateFromInspect(i);
  return s.terminated ? { terminated: s.terminated } : {};
};

export function viewStatus(v: ContainerView, kind: 'init' | 'app'): J {
  const base = containerStatus({
    name: v.name,
    image: v.image,
    inspect: v.current,
    imageInspect: v.imageInspect,
    restartCount: v.restartCount,
  });
  let state: ContainerState = base.state;
  let lastState: ContainerState = terminatedOf(v.previous);
  if (v.waiting) {
    // Held back: the latest run (if it ended) becomes the last state.
    const last = terminatedOf(v.current);
    lastState = last.terminated ? last : lastState;
    state = { waiting: { reason: v.waiting.reason, ...(v.waiting.message ? { message: v.waiting.message } : {}) } };
  }
  const running = state.running !== undefined;
  // Probes decide for a running app container: not ready before it has started (startup probe), then as readiness says.
  const started = running && (kind === 'init' || (v.started ?? true));
  const ready = kind === 'init' ? state.terminated?.exitCode === 0 : started && (v.ready ?? true);
  const out: J = { ...base, state, lastState, ready, started };
  if (kind === 'init') out.started = running;
  return out;
}

const isTerminal = (phase: unknown) => phase === 'Succeeded' || phase === 'Failed';

/** kubelet's getPhase over the computed statuses. */
export function podPhase(pod: Pod, init: J[], app: J[]): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  for (const s of init) {
    const t = s.state?.terminated ?? (s.state?.waiting ? s.lastState?.terminated : undefined);
    if (s.state?.terminated?.exitCode === 0) continue;
    if (t && t.exitCode !== 0 && policy === 'Never') return 'Failed';
    return 'Pending';
  }
  let running = 0,
    waiting = 0,
    stopped = 0,
    succeeded = 0;
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      const last = s.lastState?.terminated;
      if (last) {
        stopped++;
        if (last.exitCode === 0) succeeded++;
      } else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(old: J[], type: string, status: boolean, now: string, reason?: string, message?: string): J {
  const prev = old.find((c) => c?.type === type);
  const s = status ? 'True' : 'False';
  return {
    type,
    status: s,
    lastProbeTime: null,
    lastTransitionTime: prev?.status === s && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

const OWN_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/** The full status to write; `old` is the stored status (its qosClass, startTime and other conditions stay). */
export function computePodStatus(view: PodView, old: J | undefined): J {
  const prev = old ?? {};
  const oldConds: J[] = Array.isArray(prev.conditions) ? prev.conditions : [];
  const byName = (a: J, b: J) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const init = view.init.map((c) => viewStatus(c, 'init'));
  const app = view.app.map((c) => viewStatus(c, 'app')).sort(byName); // kubelet sorts container statuses by name
  // A terminal pod stays terminal, whatever Docker shows later.
  let phase = isTerminal(prev.phase) ? prev.phase : view.failed ? 'Failed' : podPhase(view.pod, init, app);
  if (view.deleted && !isTerminal(phase))
    phase = app.length && app.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  const terminal = isTerminal(phase);
  const incompleteInit = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const unready = app
    .filter((s) => !s.ready)
    .map((s) => s.name)
    .sort();
  const initialized = incompleteInit.length === 0;
  const containersReady = unready.length === 0 && !terminal;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions = [
    condition(oldConds, 'PodReadyToStartContainers', view.sandboxReady, view.now),
    condition(
      oldConds,
      'Initialized',
      initialized,
      view.now,
      initialized ? undefined : 'ContainersNotInitialized',
      initialized ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`,
    ),
    condition(
      oldConds,
      'Ready',
      containersReady,
      view.now,
      containersReady ? undefined : notReadyReason,
      containersReady ? undefined : notReadyMessage,
    ),
    condition(
      oldConds,
      'ContainersReady',
      containersReady,
      view.now,
      containersReady ? undefined : notReadyReason,
      containersReady ? undefined : notReadyMessage,
    ),
    condition(oldConds, 'PodScheduled', true, view.now),
    ...oldConds.filter((c) => !OWN_CONDITIONS.includes(c?.type)),
  ];
  const status: J = {
    ...prev,
    phase,
    conditions,
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    startTime: prev.startTime ?? view.now,
    containerStatuses: app,
  };
  if (view.failed && !isTerminal(prev.phase)) Object.assign(status, view.failed);
  if (view.podIP) {
    status.podIP = view.podIP;
    status.podIPs = [{ ip: view.podIP }];
  }
  if (init.length) status.initContainerStatuses = init;
  else delete status.initContainerStatuses;
  const ephemeral = (view.ephemeral ?? []).map((c) => viewStatus(c, 'init'));
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral;
  else delete status.ephemeralContainerStatuses;
  return status;
}
