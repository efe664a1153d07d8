// kube-scheduler's VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding), without I/O: a pod's claims
// against one node. PreFilter: every claim exists, is not being deleted, and an unbound one binds WaitForFirstConsumer
// (an unbound Immediate claim waits for the PV controller). Filter: bound claims' volumes allow the node (a local
// PV's nodeAffinity); each unbound claim gets a static volume the node may use (the smallest that fits, each volume
// once) or, when its class has a provisioner whose allowedTopologies admit the node, a volume provisioned there. The
// chosen bindings are written by the scheduler before it binds the pod (PreBind: the PV's claimRef, or the claim's
// selected-node annotation).
import type { KObject } from '../../machinery/api/meta.js';
import { findMatchingVolume } from '../pv-matching.js';
import { ANN_SELECTED_NODE, NO_PROVISIONER, classOf } from '../pvc-binder.js';
import type { FilterFailure } from './filters.js';
import { matchesNodeSelectorTerms } from './predicates.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the plugin reads: the pod's claims, all PersistentVolumes, the StorageClasses. */
export interface VolumeFacts {
  claim(name: string): KObject | undefined;
  volumes: KObject[];
  storageClass(name: string): KObject | undefined;
}

/** An unbound claim's binding on the chosen node: a static volume to pre-bind, or provisioning there. */
export interface ClaimBinding {
  claim: KObject;
  volume?: KObject;
}

export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export const podClaimNames = (pod: KObject): string[] =>
  (((pod.spec as J | undefined)?.volumes ?? []) as J[])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n: unknown): n is string => typeof n === 'string' && n !== '');

const unresolvable = (reason: string): FilterFailure => ({ plugin: 'VolumeBinding', reasons: [reason], unresolvable: true });

/** Whether a PersistentVolume's required node affinity admits the node (none: every node). */
export function volumeAllowsNode(pv: KObject, node: KObject): boolean {
  const terms = (pv.spec as J | undefined)?.nodeAffinity?.required?.nodeSelectorTerms as J[] | undefined;
  return !terms || matchesNodeSelectorTerms(node, terms);
}

/** A class's allowedTopologies (ORed terms of ANDed label requirements, MatchTopologySelectorTerms): none, any node. */
function topologyAllows(sc: KObject, node: KObject): boolean {
  const terms = (sc as J).allowedTopologies as J[] | undefined;
  if (!terms?.length) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((t) =>
    ((t.matchLabelExpressions ?? []) as J[]).every((e) => e.key in labels && ((e.values ?? []) as string[]).includes(labels[e.key]!)),
  );
}

const delayBinding = (claim: KObject, facts: VolumeFacts) =>
  facts.storageClass(classOf(claim))?.volumeBindingMode === 'WaitForFirstConsumer';

/** PreFilter: undefined when the pod's claims can be considered node by node. */
export function volumePreFilter(pod: KObject, facts: VolumeFacts): FilterFailure | undefined {
  for (const name of podClaimNames(pod)) {
    const claim = facts.claim(name);
    if (!claim) return unresolvable(`persistentvolumeclaim "${name}" not found`);
    if (claim.metadata.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
    if (!(claim.spec as J).volumeName && !delayBinding(claim, facts)) return unresolvable(ERR_UNBOUND_IMMEDIATE);
  }
  return undefined;
}

/** Filter for one node: its failure, or the bindings the pod's unbound claims would get there. */
export function volumeFilter(pod: KObject, node: KObject, facts: VolumeFacts): { failure: FilterFailure } | { bindings: ClaimBinding[] } {
  const byName = new Map(facts.volumes.map((v) => [v.metadata.name!, v]));
  const bindings: ClaimBinding[] = [];
  const taken = new Set<string>();
  let bindConflict = false;
  for (const name of podClaimNames(pod)) {
    const claim = facts.claim(name);
    if (!claim) continue; // PreFilter's
    const volumeName = (claim.spec as J).volumeName as string | undefined;
    if (volumeName) {
      const pv = byName.get(volumeName);
      if (pv && !volumeAllowsNode(pv, node)) return { failure: unresolvable(ERR_NODE_CONFLICT) };
      continue;
    }
    if (bindings.some((b) => b.claim.metadata.uid === claim.metadata.uid)) continue; // mounted twice
    const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    if (selected && selected !== node.metadata.name) {
      bindConflict = true;
      continue;
    }
    const volume = findMatchingVolume(claim, facts.volumes, classOf(claim), {
      accept: (pv) => !taken.has(pv.metadata.name!) && volumeAllowsNode(pv, node),
    });
    if (volume) {
      taken.add(volume.metadata.name!);
      bindings.push({ claim, volume });
      continue;
    }
    const sc = facts.storageClass(classOf(claim));
    if (sc && sc.provisioner !== NO_PROVISIONER && topologyAllows(sc, node)) bindings.push({ claim });
    else bindConflict = true;
  }
  return bindConflict ? { failure: unresolvable(ERR_BIND_CONFLICT) } : { bindings };
}
