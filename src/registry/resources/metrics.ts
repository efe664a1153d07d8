// metrics.k8s.io/v1beta1, the resource metrics API metrics-server serves (what `kubectl top` reads): PodMetrics and
// NodeMetrics, computed on every read from the stats of the nodes the server has a connection to (as metrics-server
// scrapes each kubelet) and never stored. Resources are named `pods` and `nodes` in this group, as upstream; get and
// list only. A pod or node whose node cannot be reached has no metrics, as metrics-server skips a node it cannot scrape.
import { notFound } from '../../machinery/api/errors.js';
import type { UsageSnapshot } from '../../metrics/collector.js';
import { buildNodeMetrics, buildPodMetrics } from '../../metrics/builders.js';
import { nodeMetricsTable, podMetricsTable } from '../../metrics/tables.js';
import type { NodeLookup } from '../../node/types.js';
import type { KObject, ResourceDef } from '../types.js';
import { compareStrings } from '../../machinery/compare.js';

const GROUP = 'metrics.k8s.io';

/** One node's snapshot, or undefined when the server has no connection to it or it does not answer. */
async function statsOf(nodes: NodeLookup, nodeName: string): Promise<UsageSnapshot | undefined> {
  const node = nodeName ? nodes(nodeName) : undefined;
  return node?.stats().catch(() => undefined);
}

/** The two metrics resources over the nodes the server can reach. */
export function metricsResources(nodes: NodeLookup): { podMetrics: ResourceDef; nodeMetrics: ResourceDef } {
  const podMetricsOf = async (pods: KObject[]): Promise<KObject[]> => {
    if (!pods.length) return [];
    const nodeOf = (p: KObject) => String((p.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
    // One stats read per node the pods are on.
    const snapshots = new Map<string, Promise<UsageSnapshot | undefined>>();
    for (const p of pods) if (!snapshots.has(nodeOf(p))) snapshots.set(nodeOf(p), statsOf(nodes, nodeOf(p)));
    const now = new Date();
    const out: KObject[] = [];
    for (const p of pods) {
      const snapshot = await snapshots.get(nodeOf(p));
      const m = snapshot && buildPodMetrics(p, snapshot.containers, now);
      if (m) out.push(m);
    }
    return out;
  };
  const nodeMetricsOf = async (list: KObject[]): Promise<KObject[]> => {
    const read = await Promise.all(list.map(async (n) => ({ n, usage: (await statsOf(nodes, n.metadata.name ?? ''))?.node })));
    const now = new Date();
    return read.filter((r) => r.usage).map((r) => buildNodeMetrics(r.n, r.usage!, now));
  };

  const podMetrics: ResourceDef = {
    group: GROUP,
    version: 'v1beta1',
    kind: 'PodMetrics',
    plural: 'pods',
    singular: 'podmetrics',
    namespaced: true,
    verbs: ['get', 'list'],
    strategy: {},
    table: podMetricsTable,
    garbageCollectionPolicy: 'Unsupported',
    virtualRead: {
      async list(namespace, ctx) {
        // Sorted by namespace then name, as the apiserver lists pods.
        const pods = (await ctx.list('', 'pods', namespace)).sort(
          (a, b) =>
            compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
            compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''),
        );
        return podMetricsOf(pods);
      },
      async get(namespace, name, ctx) {
        const pod = await ctx.get('', 'pods', namespace, name);
        if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
        const [m] = await podMetricsOf([pod]);
        if (!m) throw notFound({ group: GROUP, resource: 'podmetrics' }, `${namespace}/${name}`);
        return m;
      },
    },
  };

  const nodeMetrics: ResourceDef = {
    group: GROUP,
    version: 'v1beta1',
    kind: 'NodeMetrics',
    plural: 'nodes',
    singular: 'nodemetrics',
    namespaced: false,
    verbs: ['get', 'list'],
    strategy: {},
    table: nodeMetricsTable,
    garbageCollectionPolicy: 'Unsupported',
    virtualRead: {
      async list(_namespace, ctx) {
        return nodeMetricsOf(await ctx.list('', 'nodes'));
      },
      async get(_namespace, name, ctx) {
        const node = await ctx.get('', 'nodes', undefined, name);
        if (!node) throw notFound({ group: '', resource: 'nodes' }, name);
        const [m] = await nodeMetricsOf([node]);
        if (!m) throw notFound({ group: GROUP, resource: 'nodemetrics' }, name);
        return m;
      },
    },
  };
  return { podMetrics, nodeMetrics };
}

/** Over no node: what a registry without node connections serves (every read finds no metrics). */
export const { podMetrics, nodeMetrics } = metricsResources(() => undefined);

/** The resource list with the metrics resources reading from `nodes` (the server's node connections). */
export function withNodeMetrics(defs: ResourceDef[], nodes: NodeLookup): ResourceDef[] {
  const m = metricsResources(nodes);
  return defs.map((d) => (d === podMetrics ? m.podMetrics : d === nodeMetrics ? m.nodeMetrics : d));
}
