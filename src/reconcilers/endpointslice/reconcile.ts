// The EndpointSlice reconciler's decisions (staging endpointslice reconciler.go), pure: from a Service, the pods it
// selects and the slices this controller already manages for it, which slices to create, update and delete. Endpoints
// are grouped by port set; an existing slice keeps the endpoints still desired (updated when one changed), new
// endpoints fill the slices being updated first, then fit into one unchanged slice, then go to new slices of at most
// `maxEndpointsPerSlice`; a service without endpoints keeps one empty placeholder slice. Nothing changed, nothing
// written.
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { podNodeName, publishNotReady, shouldPodBeInEndpoints } from '../endpoints/pod-endpoints.js';
import {
  endpointKey,
  endpointPorts,
  MAX_ENDPOINTS_PER_SLICE,
  newEndpointSlice,
  podToEndpoint,
  portMapKey,
  sliceLabels,
  type Endpoint,
  type EndpointPort,
  type EndpointSlice,
} from './desired.js';

export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out because their Node is unknown: the service is synced again later (upstream returns an error). */
  missingNodes: string[];
}

export interface ReconcileInput {
  service: KObject;
  /** The pods the service selects. */
  pods: KObject[];
  /** Slices labelled for this service and managed by this controller. */
  existing: EndpointSlice[];
  nodeOf: (name: string) => KObject | undefined;
  maxEndpointsPerSlice?: number;
  addressType?: string;
}

const ownedBy = (slice: KObject, svc: KObject) =>
  (slice.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid && r.kind === 'Service' && r.apiVersion === 'v1');

/** An ordered set of endpoints keyed by endpointKey (upstream's EndpointSet). */
class EndpointSet {
  private m = new Map<string, Endpoint>();
  add(ep: Endpoint) {
    this.m.set(endpointKey(ep), ep);
  }
  get(ep: Endpoint) {
    return this.m.get(endpointKey(ep));
  }
  delete(ep: Endpoint) {
    this.m.delete(endpointKey(ep));
  }
  get size() {
    return this.m.size;
  }
  pop(): Endpoint {
    const [k, v] = this.m.entries().next().value as [string, Endpoint];
    this.m.delete(k);
    return v;
  }
}

/** placeholderSliceCompare: namespace, labels and content; names and other metadata do not matter. */
function isPlaceholderLike(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    deepEqual(slice.metadata.labels ?? {}, placeholder.metadata.labels ?? {}) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

export function reconcileSlices(input: ReconcileInput): SliceChanges {
  const { service: svc } = input;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const addressType = input.addressType ?? 'IPv4';
  const toDelete: EndpointSlice[] = [];
  const existing: EndpointSlice[] = [];
  // Slices of an older service of the same name, or of another address type, go.
  for (const s of input.existing) (ownedBy(s, svc) && s.addressType === addressType ? existing : toDelete).push(s);

  const desiredPorts = new Map<string, EndpointPort[]>();
  const desired = new Map<string, EndpointSet>();
  const missingNodes: string[] = [];
  for (const pod of input.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portMapKey(ports);
    const node = input.nodeOf(podNodeName(pod));
    if (!node && !publishNotReady(svc)) {
      missingNodes.push(pod.metadata.name!);
      continue;
    }
    if (!desired.has(key)) {
      desired.set(key, new EndpointSet());
      desiredPorts.set(key, ports);
    }
    const ep = podToEndpoint(pod, node, svc);
    if (ep.addresses.length) desired.get(key)!.add(ep);
  }

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = portMapKey(s.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), s]);
  }

  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  for (const [key, set] of desired) {
    const r = reconcileByPortMapping(svc, existingByPorts.get(key) ?? [], set, desiredPorts.get(key)!, max, addressType);
    create.push(...r.create);
    update.push(...r.update);
    toDelete.push(...r.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) toDelete.push(...slices);

  // When no slice would exist, one placeholder does (kept when it is already there).
  if (input.existing.length === toDelete.length && create.length === 0) {
    const placeholder = newEndpointSlice(svc, [], addressType);
    const keep = toDelete.length === 1 && ownedBy(toDelete[0]!, svc) && isPlaceholderLike(toDelete[0]!, placeholder);
    if (keep) toDelete.length = 0;
    else create.push(placeholder);
  }

  // finalize: creates become updates of slices about to be deleted (owned by this service, same address type).
  for (let i = 0; i < toDelete.length && create.length > 0;) {
    const old = toDelete[i]!;
    if (old.addressType === addressType && ownedBy(old, svc)) {
      const slice = create.pop()!;
      const { generateName: _g, ...meta } = slice.metadata;
      // The new slice replaces the old one's content and metadata; only its identity (name, uid, version) stays.
      update.push({ ...slice, metadata: { ...old.metadata, ...meta, annotations: meta.annotations, name: old.metadata.name } });
      toDelete.splice(i, 1);
    } else i++;
  }
  return { create, update, delete: toDelete, missingNodes };
}

function reconcileByPortMapping(
  svc: KObject,
  existing: EndpointSlice[],
  desired: EndpointSet,
  ports: EndpointPort[],
  max: number,
  addressType: string,
): { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] } {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. Keep the endpoints still desired in each slice; a changed or removed one marks the slice for update.
  for (const slice of existing) {
    const name = slice.metadata.name!;
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let endpointUpdated = false;
    for (const ep of slice.endpoints ?? []) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!deepEqual(want, ep)) endpointUpdated = true;
      desired.delete(ep);
    }
    const { labels, changed } = sliceLabels(slice, svc);
    if (endpointUpdated || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        byName.set(name, { ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept });
        toUpdate.add(name);
      }
    } else if (changed) {
      byName.set(name, { ...slice, metadata: { ...slice.metadata, labels } });
      toUpdate.add(name);
    } else unchanged.add(name);
  }

  // 2. Fill the slices being updated anyway, fullest first.
  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of slices) {
      const eps = [...s.endpoints];
      while (desired.size > 0 && eps.length < max) eps.push(desired.pop());
      byName.set(s.metadata.name!, { ...s, endpoints: eps });
    }
  }

  // 3. What is left fits into one unchanged slice with room for all of it, or goes to new slices.
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size > 0)
      fill = sliceToFill(
        [...unchanged].map((n) => byName.get(n)!),
        desired.size,
        max,
      );
    const slice = fill ? { ...fill, endpoints: [...fill.endpoints] } : newEndpointSlice(svc, ports, addressType);
    while (desired.size > 0 && slice.endpoints.length < max) slice.endpoints.push(desired.pop());
    if (slice.metadata.name) {
      byName.set(slice.metadata.name, slice);
      toUpdate.add(slice.metadata.name);
      unchanged.delete(slice.metadata.name);
    } else create.push(slice);
  }
  return {
    create,
    update: [...toUpdate].map((n) => byName.get(n)!),
    delete: [...toDelete].map((n) => byName.get(n)!),
  };
}

/** getSliceToFill: the fullest slice that still has room for all `count` endpoints. */
function sliceToFill(slices: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of slices) {
    const room = max - s.endpoints.length;
    if (room >= count && (!best || s.endpoints.length > best.endpoints.length)) best = s;
  }
  return best;
}
