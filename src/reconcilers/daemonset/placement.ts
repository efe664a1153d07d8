// Where a DaemonSet's pods belong (daemon_controller.go nodeShouldRunDaemonPod, pkg/controller/daemon/util): the pod
// of a node is the template with the tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations) and a node
// affinity that names that node by metadata.name (ReplaceDaemonSetPodNodeNameNodeAffinity), which the scheduler then
// honours. A node should run it when the pod's nodeName, nodeSelector and required affinity fit the node and the
// pod tolerates every NoSchedule/NoExecute taint; a pod already there may stay while no NoExecute taint is untolerated.
import type { KObject } from '../../machinery/api/meta.js';
import { matchesNodeAffinity, toleratedBy, type Taint, type Toleration } from '../scheduler/predicates.js';
import { effectiveTaints, UNSCHEDULABLE_TAINT } from '../scheduler/filters.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The tolerations every daemon pod gets, in upstream's order; network-unavailable only with hostNetwork. */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: UNSCHEDULABLE_TAINT, operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

const sameToleration = (a: Toleration, b: Toleration) =>
  a.key === b.key && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

/** AddOrUpdateTolerationInPodSpec for each daemon toleration: the pod's own first, then those it lacks. */
export function withDaemonTolerations(podSpec: J): Toleration[] {
  const own: Toleration[] = [...((podSpec.tolerations ?? []) as Toleration[])];
  for (const t of daemonTolerations(!!podSpec.hostNetwork)) {
    const i = own.findIndex((o) => o.key === t.key && o.effect === t.effect);
    if (i < 0) own.push(t);
    else if (!sameToleration(own[i], t)) own[i] = t;
  }
  return own;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes "metadata.name In [node]". */
export function nodeNameAffinity(affinity: J | undefined, nodeName: string): J {
  const out: J = structuredClone(affinity ?? {});
  out.nodeAffinity = out.nodeAffinity ?? {};
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return out;
}

/** GetTargetNodeName: spec.nodeName, or the one node the affinity above names. */
export function targetNodeName(pod: KObject): string | undefined {
  const spec: J = (pod as J).spec ?? {};
  if (spec.nodeName) return spec.nodeName;
  const terms: J[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const f of (term.matchFields ?? []) as J[])
      if (f.key === 'metadata.name' && f.operator === 'In' && Array.isArray(f.values) && f.values.length === 1) return String(f.values[0]);
  return undefined;
}

/**
 * The taints the DaemonSet sees: the node's, with those the node lifecycle controller would set (not-ready or
 * unreachable for a node not Ready, unschedulable for a cordoned one).
 */
export function nodeTaints(node: KObject): Taint[] {
  const taints = effectiveTaints(node);
  if ((node as J).spec?.unschedulable && !taints.some((t) => t.key === UNSCHEDULABLE_TAINT))
    taints.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  return taints;
}

export interface NodeDecision {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** nodeShouldRunDaemonPod for the DaemonSet's template. */
export function nodeShouldRunDaemonPod(ds: KObject, node: KObject): NodeDecision {
  const spec: J = (ds as J).spec?.template?.spec ?? {};
  const pod = { metadata: {}, spec: { ...spec, tolerations: withDaemonTolerations(spec) } } as KObject;
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return no;
  if (!matchesNodeAffinity(pod, node)) return no;
  const tolerations = (pod as J).spec.tolerations as Toleration[];
  const untolerated = (effects: string[]) => nodeTaints(node).some((t) => effects.includes(t.effect) && !toleratedBy(tolerations, t));
  if (untolerated(['NoSchedule', 'NoExecute'])) return { shouldRun: false, shouldContinueRunning: !untolerated(['NoExecute']) };
  return { shouldRun: true, shouldContinueRunning: true };
}
