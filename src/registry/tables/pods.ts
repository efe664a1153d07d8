// Pods: NAME READY STATUS RESTARTS AGE; wide IP NODE NOMINATED NODE READINESS GATES.
// The STATUS cell condenses phase, init progress and container states the way kubectl users know it.
import type { KObject, TableDef } from '../types.js';
import { humanDuration, parseTimestamp } from '../../machinery/duration.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, num, rec, str } from './columns.js';
import type { TableRowCondition } from './build.js';

type Status = Record<string, unknown>;

const isRestartableInit = (c: Status | undefined) => c?.restartPolicy === 'Always';
const conditionTrue = (conds: Status[], type: string) => conds.find((c) => c.type === type)?.status === 'True';
/** The Initialized condition decides only when present (isPodInitializedConditionTrue). */
const initializedTrue = (conds: Status[]) => {
  const c = conds.find((x) => x.type === 'Initialized');
  return c ? c.status === 'True' : false;
};

/** Latest lastState.terminated.finishedAt seen so far (ms), or undefined. */
function laterFinish(current: number | undefined, status: Status): number | undefined {
  const finished = get(status, 'lastState', 'terminated');
  if (finished === undefined || finished === null) return current;
  const t = parseTimestamp(str(get(finished, 'finishedAt'))) ?? Number.NEGATIVE_INFINITY;
  return current === undefined || t > current ? t : current;
}

/** The cells of one pod row (printPod), wide included. */
export function podCells(pod: KObject, now: Date): unknown[] {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const conditions = arr(status.conditions);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  let restarts = 0;
  let restartableRestarts = 0;
  let totalContainers = arr(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableRestart: number | undefined;

  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map<string, Status>();
  for (const c of arr(spec.initContainers)) {
    initSpecs.set(str(c.name), c);
    if (isRestartableInit(c)) totalContainers++;
  }
  const initCount = arr(spec.initContainers).length;

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const sidecar = isRestartableInit(initSpecs.get(str(cs.name)));
    restarts += num(cs.restartCount);
    lastRestart = laterFinish(lastRestart, cs);
    if (sidecar) {
      restartableRestarts += num(cs.restartCount);
      lastRestartableRestart = laterFinish(lastRestartableRestart, cs);
    }
    const terminated = rec(get(cs, 'state', 'terminated'));
    const isTerminated = get(cs, 'state', 'terminated') != null;
    const waitingReason = str(get(cs, 'state', 'waiting', 'reason'));
    if (isTerminated && num(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (isTerminated) {
      // Initialisation failed.
      if (str(terminated.reason) === '') {
        reason = num(terminated.signal) !== 0 ? `Init:Signal:${num(terminated.signal)}` : `Init:ExitCode:${num(terminated.exitCode)}`;
      } else {
        reason = `Init:${str(terminated.reason)}`;
      }
    } else if (waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(conditions)) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    // Walk backwards so the first container's state wins, as upstream does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += num(cs.restartCount);
      lastRestart = laterFinish(lastRestart, cs);
      const state = rec(cs.state);
      const waiting = state.waiting != null ? rec(state.waiting) : undefined;
      const terminated = state.terminated != null ? rec(state.terminated) : undefined;
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running != null) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod with one container still running is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp != null;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined && Number.isFinite(lastRestart)) {
    restartsCell = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }

  const podIPs = arr(status.podIPs);
  const podIP = str(podIPs[0]?.ip) || '<none>';
  const nodeName = str(spec.nodeName) || '<none>';
  const nominated = str(status.nominatedNodeName) || '<none>';
  const gates = arr(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    let trueCount = 0;
    for (const g of gates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      if (c?.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }

  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod, now),
    podIP,
    nodeName,
    nominated,
    readinessGates,
  ];
}

/** Succeeded and Failed pods carry a Completed row condition (kubectl may use it to tell finished pods apart). */
export function podRowConditions(pod: KObject): TableRowCondition[] | undefined {
  const phase = get(pod, 'status', 'phase');
  if (phase === 'Succeeded')
    return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

export const podsTable: TableDef & { conditions: typeof podRowConditions } = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    column('Status', 'string', 'A summary of the state of the pod and its containers.'),
    column('Restarts', 'string', 'How often the containers of this pod restarted, and how long ago the last restart was.'),
    ageColumn(),
    column('IP', 'string', 'The IP address allocated to the pod (first of status.podIPs).', 1),
    column('Node', 'string', 'The node the pod is bound to (spec.nodeName).', 1),
    column('Nominated Node', 'string', 'The node the scheduler nominated for this pod after preemption.', 1),
    column('Readiness Gates', 'string', 'True readiness gate conditions out of all readiness gates.', 1),
  ],
  cells: podCells,
  conditions: podRowConditions,
};
