// PodMetrics and NodeMetrics (metrics.k8s.io/v1beta1) from collected usage, shaped as metrics-server serves them:
// metadata carries the object's name, namespace and labels (so label selectors work) and a creationTimestamp of now;
// `timestamp` is the end of the measuring window and `window` its length.
import type { KObject } from '../machinery/api/meta.js';
import type { ContainerUsage } from './collector.js';
import type { UsageSample } from './container-stats.js';
import { formatCpu, formatDuration, formatMemory } from './quantity.js';

export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

/** metav1.Time: RFC 3339 in UTC with whole seconds. */
export const metaTime = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const timeOfNs = (ns: bigint) => metaTime(new Date(Number(ns / 1_000_000n)));

const usageOf = (u: UsageSample) => ({ cpu: formatCpu(u.cpuNanoCores), memory: formatMemory(u.memoryBytes) });

/**
 * The PodMetrics of one pod: a container entry per app container (spec order) the engine has usage for; undefined
 * when it has none (a pod that is not running), as metrics-server leaves such pods out.
 */
export function buildPodMetrics(pod: KObject, usage: ContainerUsage[], now: Date): KObject | undefined {
  const uid = pod.metadata.uid;
  const mine = usage.filter((u) => u.podUid === uid);
  const specNames = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
  const ordered = specNames.map((n) => mine.find((u) => u.container === n)).filter((u): u is ContainerUsage => !!u);
  if (!ordered.length) return undefined;
  const latest = ordered.reduce((a, u) => (u.timestampNs > a ? u.timestampNs : a), 0n);
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metaOf(pod, now, true),
    timestamp: timeOfNs(latest),
    window: formatDuration(Math.max(...ordered.map((u) => u.windowNs))),
    containers: ordered.map((u) => ({ name: u.container, usage: usageOf(u) })),
  };
}

/** The NodeMetrics of a node: its total CPU and memory working set. */
export function buildNodeMetrics(node: KObject, usage: UsageSample, now: Date): KObject {
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metaOf(node, now, false),
    timestamp: timeOfNs(usage.timestampNs),
    window: formatDuration(usage.windowNs),
    usage: usageOf(usage),
  };
}

function metaOf(obj: KObject, now: Date, namespaced: boolean): KObject['metadata'] {
  const m: KObject['metadata'] = { name: obj.metadata.name };
  if (namespaced) m.namespace = obj.metadata.namespace;
  m.creationTimestamp = metaTime(now);
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length) m.labels = { ...obj.metadata.labels };
  return m;
}
