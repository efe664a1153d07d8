// kube-scheduler's default Filter plugins, in their order, for one node: the first that fails decides the node's
// reasons. Each failure is Unschedulable (preemption might help) or UnschedulableAndUnresolvable (it cannot).
import type { KObject } from '../../machinery/api/meta.js';
import { hostPortsOf, matchesNodeAffinity, podTolerations, portsConflict, toleratedBy, type HostPort, type Taint } from './predicates.js';
import { nodeAllocatable, podRequests, type ResourceAmounts } from './resources.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A node with what is already placed on it (the scheduler cache's NodeInfo). */
export interface NodeInfo {
  node: KObject;
  /** Non-terminated pods bound to the node. */
  pods: KObject[];
  allocatable: ResourceAmounts;
  /** Sum of the effective requests of those pods. */
  requested: ResourceAmounts;
  /** The same with 100m/200Mi for containers that request nothing (scoring). */
  nonZeroRequested: ResourceAmounts;
  usedPorts: HostPort[];
}

export function nodeInfo(node: KObject, pods: KObject[]): NodeInfo {
  const requested: ResourceAmounts = {};
  const nonZeroRequested: ResourceAmounts = {};
  const usedPorts: HostPort[] = [];
  for (const p of pods) {
    for (const [k, v] of Object.entries(podRequests(p))) requested[k] = (requested[k] ?? 0) + v;
    for (const [k, v] of Object.entries(podRequests(p, { nonZero: true })))
      if (k === 'cpu' || k === 'memory') nonZeroRequested[k] = (nonZeroRequested[k] ?? 0) + v;
    usedPorts.push(...hostPortsOf(p));
  }
  return { node, pods, allocatable: nodeAllocatable(node), requested, nonZeroRequested, usedPorts };
}

export interface FilterFailure {
  plugin: string;
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption cannot help on this node. */
  unresolvable: boolean;
}

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * The node's taints, plus the NoSchedule taint the node lifecycle controller would have put on a node whose Ready
 * condition is not True (not-ready for False, unreachable for Unknown or missing): nothing else here adds them.
 */
export function effectiveTaints(node: KObject): Taint[] {
  const n = node as J;
  const taints: Taint[] = [...((n.spec?.taints ?? []) as Taint[])];
  const ready = ((n.status?.conditions ?? []) as J[]).find((c) => c?.type === 'Ready');
  if (ready?.status !== 'True') {
    const key = ready?.status === 'False' ? NOT_READY_TAINT : UNREACHABLE_TAINT;
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}

function nodeUnschedulable(pod: KObject, info: NodeInfo): FilterFailure | undefined {
  if (!(info.node as J).spec?.unschedulable) return undefined;
  if (toleratedBy(podTolerations(pod), { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })) return undefined;
  return { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'], unresolvable: true };
}

function nodeName(pod: KObject, info: NodeInfo): FilterFailure | undefined {
  const want = (pod as J).spec?.nodeName;
  if (!want || want === info.node.metadata.name) return undefined;
  return { plugin: 'NodeName', reasons: ["node(s) didn't match the requested node name"], unresolvable: true };
}

function taintToleration(pod: KObject, info: NodeInfo): FilterFailure | undefined {
  const tolerations = podTolerations(pod);
  const bad = effectiveTaints(info.node).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratedBy(tolerations, t),
  );
  if (!bad) return undefined;
  return { plugin: 'TaintToleration', reasons: [`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`], unresolvable: true };
}

function nodeAffinity(pod: KObject, info: NodeInfo): FilterFailure | undefined {
  if (matchesNodeAffinity(pod, info.node)) return undefined;
  return { plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
}

function nodePorts(pod: KObject, info: NodeInfo): FilterFailure | undefined {
  const wanted = hostPortsOf(pod);
  if (!wanted.length || !portsConflict(wanted, info.usedPorts)) return undefined;
  return { plugin: 'NodePorts', reasons: ["node(s) didn't have free ports for the requested pod ports"], unresolvable: false };
}

/** NodeResourcesFit's fitsRequest: pod count first, then cpu, memory, ephemeral-storage, then extended resources. */
export function insufficientResources(request: ResourceAmounts, info: NodeInfo): string[] {
  const reasons: string[] = [];
  const alloc = info.allocatable;
  if (info.pods.length + 1 > (alloc.pods ?? 0)) reasons.push('Too many pods');
  const names = Object.keys(request).filter((k) => request[k] > 0);
  if (!names.length) return reasons;
  const short = (r: string) => request[r] > 0 && request[r] > (alloc[r] ?? 0) - (info.requested[r] ?? 0);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) if (short(r)) reasons.push(`Insufficient ${r}`);
  for (const r of names.sort()) {
    if (['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(r)) continue;
    // Extended resources the node does not have at all fit only when the pod asks for none.
    if (short(r)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}

function resourcesFit(pod: KObject, info: NodeInfo, request: ResourceAmounts): FilterFailure | undefined {
  const reasons = insufficientResources(request, info);
  return reasons.length ? { plugin: 'NodeResourcesFit', reasons, unresolvable: false } : undefined;
}

/** Runs the filters in kube-scheduler's default order; undefined when the pod fits the node. */
export function filterNode(pod: KObject, info: NodeInfo, request = podRequests(pod)): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, info) ??
    nodeName(pod, info) ??
    taintToleration(pod, info) ??
    nodeAffinity(pod, info) ??
    nodePorts(pod, info) ??
    resourcesFit(pod, info, request)
  );
}
