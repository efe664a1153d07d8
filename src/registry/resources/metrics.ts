// metrics.k8s.io/v1beta1, the resource metrics API metrics-server serves (what `kubectl top` reads): PodMetrics and
// NodeMetrics, computed from the Docker engine's container stats on every read and never stored. Resources are named
// `pods` and `nodes` in this group, as upstream; get and list only.
import { notFound } from '../../machinery/api/errors.js';
import { nodeName } from '../../reconcilers/node-status.js';
import { DockerStatsCollector, type MetricsSource } from '../../metrics/collector.js';
import { buildNodeMetrics, buildPodMetrics } from '../../metrics/builders.js';
import { nodeMetricsTable, podMetricsTable } from '../../metrics/tables.js';
import type { KObject, ResourceDef } from '../types.js';

const GROUP = 'metrics.k8s.io';

/** The two metrics resources over a usage source; `localNode` names the node whose usage the source reports. */
export function metricsResources(
  source: MetricsSource,
  localNode: () => string = nodeName,
): { podMetrics: ResourceDef; nodeMetrics: ResourceDef } {
  const podMetricsOf = async (pods: KObject[]): Promise<KObject[]> => {
    if (!pods.length) return [];
    const { containers } = await source.snapshot();
    const now = new Date();
    return pods.map((p) => buildPodMetrics(p, containers, now)).filter((m): m is KObject => !!m);
  };
  const nodeMetricsOf = async (nodes: KObject[]): Promise<KObject[]> => {
    const mine = nodes.filter((n) => n.metadata.name === localNode());
    if (!mine.length) return [];
    const { node } = await source.snapshot();
    const now = new Date();
    return node ? mine.map((n) => buildNodeMetrics(n, node, now)) : [];
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
            (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
            (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
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

/** The served resources, reading the engine dockube is configured with (dockerode is loaded on the first read). */
export const { podMetrics, nodeMetrics } = metricsResources(new DockerStatsCollector());
