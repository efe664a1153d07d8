// The Node authorizer's graph (plugin/pkg/auth/authorizer/node/graph.go), kept incrementally: which node may reach
// which object through the pods bound to it. Upstream keeps vertices and edges (object → pod → node) and searches a
// path; with pods the only intermediate vertices dockube serves (no PersistentVolumes or VolumeAttachments), the same
// answer is a count per (object, node) of the bound pods that reference the object, updated as pods come and go.
// PersistentVolumes are reached through the claim their claimRef names (upstream's pv -> pvc edge, from AddPV).
import type { KObject } from '../../machinery/api/meta.js';
import { podReferences, type VertexType } from './pod-references.js';

export type { VertexType } from './pod-references.js';

interface PodEntry {
  node: string;
  /** Vertex keys the pod holds a count on. */
  vertices: string[];
}

const vertexKey = (type: VertexType | 'pod', namespace: string, name: string) => `${type}\u0000${namespace}\u0000${name}`;

export class NodeGraph {
  private pods = new Map<string, PodEntry>();
  /** vertex → node → how many of that node's pods reference it. */
  private reach = new Map<string, Map<string, number>>();
  /** PersistentVolume name → the vertex of the claim its claimRef names. */
  private volumeClaims = new Map<string, string>();

  /** A PersistentVolume added or changed: bound to a claim, it is reachable wherever the claim is. */
  setVolume(pv: KObject): void {
    const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
    if (ref?.name) this.volumeClaims.set(pv.metadata.name ?? '', vertexKey('pvc', ref.namespace ?? '', ref.name));
    else this.volumeClaims.delete(pv.metadata.name ?? '');
  }

  deleteVolume(name: string): void {
    this.volumeClaims.delete(name);
  }

  /** A pod added or changed: bound pods (spec.nodeName) connect what they reference to their node. */
  setPod(pod: KObject): void {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    this.deletePod(ns, name);
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node) return;
    const vertices = [vertexKey('pod', ns, name), ...podReferences(pod).map((r) => vertexKey(r.type, ns, r.name))];
    for (const v of vertices) {
      let nodes = this.reach.get(v);
      if (!nodes) this.reach.set(v, (nodes = new Map()));
      nodes.set(node, (nodes.get(node) ?? 0) + 1);
    }
    this.pods.set(`${ns}/${name}`, { node, vertices });
  }

  deletePod(namespace: string, name: string): void {
    const entry = this.pods.get(`${namespace}/${name}`);
    if (!entry) return;
    this.pods.delete(`${namespace}/${name}`);
    for (const v of entry.vertices) {
      const nodes = this.reach.get(v);
      const n = (nodes?.get(entry.node) ?? 0) - 1;
      if (n > 0) nodes!.set(entry.node, n);
      else {
        nodes?.delete(entry.node);
        if (!nodes?.size) this.reach.delete(v);
      }
    }
  }

  /** Drops everything (before a re-list). */
  clear(): void {
    this.pods.clear();
    this.reach.clear();
  }

  /** Drops the volumes (before their re-list). */
  clearVolumes(): void {
    this.volumeClaims.clear();
  }

  /** hasPathFrom: is the object referenced by a pod bound to `node` (or, for type pod, is it bound there)? */
  hasPath(node: string, type: VertexType | 'pod', namespace: string, name: string): boolean {
    if (type === 'pv') {
      const claim = this.volumeClaims.get(name);
      return claim !== undefined && (this.reach.get(claim)?.get(node) ?? 0) > 0;
    }
    return (this.reach.get(vertexKey(type, namespace, name))?.get(node) ?? 0) > 0;
  }

  /** The node a pod is bound to, as the graph knows it. */
  podNode(namespace: string, name: string): string | undefined {
    return this.pods.get(`${namespace}/${name}`)?.node;
  }

  /** Vertices with at least one edge, for tests and metrics. */
  size(): { pods: number; vertices: number } {
    return { pods: this.pods.size, vertices: this.reach.size };
  }
}
