// Feeds the Node authorizer's graph from the watch cache (as the RBAC authorizer's roles are fed): one list of the
// pods, then their watch, and the same for PersistentVolumes; a watch the cache ends is started again from a fresh list.
import type { KObject } from '../../machinery/api/meta.js';
import { NodeGraph } from './graph.js';

const PODS = '/registry/core/pods/';
const PVS = '/registry/core/persistentvolumes/';

/** The part of the watch cache the graph needs. */
export interface PodFeed {
  list(prefix: string): Promise<{ items: KObject[]; revision: number }>;
  watch(prefix: string, fromRv: number, onEvent: (e: { type: string; object: KObject }) => void, onClose?: () => void): { stop(): void };
}

export interface NodeGraphSource {
  graph: NodeGraph;
  /** Resolves once the first list is in. */
  synced: Promise<void>;
  stop(): void;
}

export function startNodeGraph(feed: PodFeed, graph = new NodeGraph()): NodeGraphSource {
  let stopped = false;
  let watcher: { stop(): void } | undefined;
  let volumeWatcher: { stop(): void } | undefined;
  const apply = (e: { type: string; object: KObject }) => {
    if (e.type === 'DELETED') graph.deletePod(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '');
    else graph.setPod(e.object);
  };
  const sync = async (): Promise<void> => {
    const { items, revision } = await feed.list(PODS);
    if (stopped) return;
    graph.clear();
    for (const pod of items) graph.setPod(pod);
    watcher = feed.watch(PODS, revision, apply, () => {
      if (!stopped) void sync();
    });
  };
  const applyVolume = (e: { type: string; object: KObject }) => {
    if (e.type === 'DELETED') graph.deleteVolume(e.object.metadata.name ?? '');
    else graph.setVolume(e.object);
  };
  const syncVolumes = async (): Promise<void> => {
    const { items, revision } = await feed.list(PVS);
    if (stopped) return;
    graph.clearVolumes();
    for (const pv of items) graph.setVolume(pv);
    volumeWatcher = feed.watch(PVS, revision, applyVolume, () => {
      if (!stopped) void syncVolumes();
    });
  };
  return {
    graph,
    synced: Promise.all([sync(), syncVolumes()]).then(() => undefined),
    stop: () => {
      stopped = true;
      watcher?.stop();
      volumeWatcher?.stop();
    },
  };
}
