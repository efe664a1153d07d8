// kube-scheduler's DefaultPreemption PostFilter, without I/O: when a pod fits no node, find the node where removing
// the fewest, least important lower-priority pods makes it fit (selectVictimsOnNode: remove every lower-priority pod,
// check the fit, then reprieve the victims from the most important down while the pod still fits), and pick among
// such nodes as pickOneNodeForPreemption does (lowest highest-victim priority, then lowest priority sum, then fewest
// victims). PodDisruptionBudgets are not weighed here.
import type { KObject } from '../../machinery/api/meta.js';
import { compareStrings } from '../../machinery/compare.js';
import { filterNode, nodeInfo, type FilterFailure, type NodeInfo } from './filters.js';
import { podRequests } from './resources.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const priorityOf = (pod: KObject): number => Number((pod as J).spec?.priority ?? 0);

const startOf = (pod: KObject) => Date.parse(String((pod as J).status?.startTime ?? pod.metadata.creationTimestamp ?? '')) || 0;

/** MoreImportantPod: higher priority first, then the one that started earlier. */
const moreImportantFirst = (a: KObject, b: KObject) => priorityOf(b) - priorityOf(a) || startOf(a) - startOf(b);

export interface Preemption {
  node: string;
  victims: KObject[];
}

/** The pods to evict from this node so the preemptor fits, or undefined when removing all lower ones is not enough. */
export function selectVictimsOnNode(pod: KObject, info: NodeInfo): KObject[] | undefined {
  const priority = priorityOf(pod);
  const lower = info.pods.filter((p) => priorityOf(p) < priority);
  if (!lower.length) return undefined;
  const request = podRequests(pod);
  let kept = info.pods.filter((p) => priorityOf(p) >= priority);
  if (filterNode(pod, nodeInfo(info.node, kept), request)) return undefined;
  const victims: KObject[] = [];
  for (const candidate of [...lower].sort(moreImportantFirst)) {
    const trial = [...kept, candidate];
    if (filterNode(pod, nodeInfo(info.node, trial), request)) victims.push(candidate);
    else kept = trial;
  }
  return victims.length ? victims : undefined;
}

/**
 * PodEligibleToPreemptOthers: a pod that may preempt, and whose earlier preemption is not still under way (lower
 * priority pods terminating on its nominated node).
 */
export function eligibleToPreempt(pod: KObject, infos: NodeInfo[]): boolean {
  if ((pod as J).spec?.preemptionPolicy === 'Never') return false;
  const nominated = (pod as J).status?.nominatedNodeName as string | undefined;
  if (!nominated) return true;
  const info = infos.find((i) => i.node.metadata.name === nominated);
  return !info?.pods.some((p) => p.metadata.deletionTimestamp && priorityOf(p) < priorityOf(pod));
}

export function findPreemption(pod: KObject, infos: NodeInfo[], failures: Record<string, FilterFailure>): Preemption | undefined {
  if (!eligibleToPreempt(pod, infos)) return undefined;
  const candidates: Preemption[] = [];
  for (const info of infos) {
    const name = info.node.metadata.name!;
    // Nodes where preemption cannot help (affinity, taints, unschedulable) are skipped, as upstream.
    if (!failures[name] || failures[name].unresolvable) continue;
    const victims = selectVictimsOnNode(pod, info);
    if (victims) candidates.push({ node: name, victims });
  }
  const highest = (c: Preemption) => Math.max(...c.victims.map(priorityOf));
  const sum = (c: Preemption) => c.victims.reduce((s, v) => s + priorityOf(v) + 2 ** 31, 0);
  candidates.sort(
    (a, b) => highest(a) - highest(b) || sum(a) - sum(b) || a.victims.length - b.victims.length || compareStrings(a.node, b.node),
  );
  return candidates[0];
}
