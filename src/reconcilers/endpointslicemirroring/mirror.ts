// The EndpointSlice mirroring reconciler's decisions (pkg/controller/endpointslicemirroring reconciler.go and
// utils.go), pure: the Endpoints users write for a selectorless Service become EndpointSlices managed by
// endpointslicemirroring-controller.k8s.io: subsets repacked, each address an endpoint with only `ready`, one slice
// per address type and port set, at most 1000 addresses mirrored per subset (and per slice); the slices carry the
// Endpoints' labels and annotations (but the trigger time and kubectl's last-applied) and are owned by the Endpoints.
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { ANNOTATION_LAST_APPLIED, ANNOTATION_TRIGGER_TIME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../endpoints/pod-endpoints.js';
import { repackSubsets, type EndpointAddress, type EndpointSubset } from '../endpoints/subsets.js';
import { endpointKey, portMapKey, slicePrefix, type Endpoint, type EndpointPort, type EndpointSlice } from '../endpointslice/desired.js';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** --mirroring-max-endpoints-per-subset's default. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

export interface MirrorChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  invalidAddresses: number;
  /** Valid addresses left out past the per-subset maximum. */
  skippedAddresses: number;
}

type MirrorEndpoint = Omit<Endpoint, 'conditions'> & { conditions: { ready: boolean } };

/** The address type of an IP, or undefined for something that is not one. */
function addressTypeOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return 'IPv6';
  return undefined;
}

/** addressToEndpoint: only readiness is known of a hand-written address. */
function addressToEndpoint(a: EndpointAddress, ready: boolean): MirrorEndpoint {
  const ep: MirrorEndpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.hostname) ep.hostname = a.hostname;
  if (a.targetRef) ep.targetRef = a.targetRef;
  if (a.nodeName) ep.nodeName = a.nodeName;
  return ep;
}

const without = (m: Record<string, string> | undefined, ...keys: string[]) => {
  const out: Record<string, string> = { ...(m ?? {}) };
  for (const k of keys) delete out[k];
  return out;
};

/** The labels and annotations a mirrored slice carries. */
function mirroredMeta(endpoints: KObject) {
  return {
    labels: {
      ...without(endpoints.metadata.labels),
      [LABEL_SERVICE_NAME]: endpoints.metadata.name!,
      [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME,
    },
    annotations: without(endpoints.metadata.annotations, ANNOTATION_TRIGGER_TIME, ANNOTATION_LAST_APPLIED),
  };
}

/** newEndpointSlice: owned by the Endpoints (controller), named `<endpoints>-xxxxx`. */
function newMirroredSlice(endpoints: KObject, ports: EndpointPort[], addressType: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(endpoints.metadata.name!),
      namespace: endpoints.metadata.namespace,
      ...mirroredMeta(endpoints),
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          name: endpoints.metadata.name!,
          uid: endpoints.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

const withoutGenerateName = (m: KObject['metadata']) => {
  const { generateName: _g, ...rest } = m;
  return rest;
};

/** totalChanges and the labels/annotations check: whether a slice differs from the desired endpoints and metadata. */
function mirrorDiffers(slice: EndpointSlice, desired: Map<string, MirrorEndpoint>, meta: ReturnType<typeof mirroredMeta>): boolean {
  const eps = slice.endpoints ?? [];
  if (eps.length !== desired.size) return true;
  for (const ep of eps) {
    const want = desired.get(endpointKey(ep));
    if (!want || !deepEqual(want, ep)) return true;
  }
  return (
    !deepEqual(without(slice.metadata.labels), meta.labels) ||
    !deepEqual(without(slice.metadata.annotations, ANNOTATION_TRIGGER_TIME, ANNOTATION_LAST_APPLIED), meta.annotations)
  );
}

export function reconcileMirror(endpoints: KObject, existing: EndpointSlice[], maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): MirrorChanges {
  let invalidAddresses = 0;
  let skippedAddresses = 0;
  /** address type + port key → desired endpoints (by endpointKey) and ports */
  const desired = new Map<string, { type: string; ports: EndpointPort[]; eps: Map<string, MirrorEndpoint> }>();
  for (const subset of repackSubsets(((endpoints as { subsets?: EndpointSubset[] }).subsets ?? []) as EndpointSubset[])) {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => {
      const ep: EndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
      if (p.appProtocol !== undefined) ep.appProtocol = p.appProtocol;
      return ep;
    });
    const all = [
      ...(subset.addresses ?? []).map((a) => [a, true] as const),
      ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const),
    ];
    let added = 0;
    for (const [a, ready] of all) {
      if (added >= maxPerSubset) break;
      const type = addressTypeOf(a.ip);
      if (!type) {
        invalidAddresses++;
        continue;
      }
      const key = `${type}/${portMapKey(ports)}`;
      let d = desired.get(key);
      if (!d) desired.set(key, (d = { type, ports, eps: new Map() }));
      const ep = addressToEndpoint(a, ready);
      d.eps.set(endpointKey(ep as Endpoint), ep);
      added++;
    }
    skippedAddresses += all.length - added;
  }
  skippedAddresses -= invalidAddresses;

  const meta = mirroredMeta(endpoints);
  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = `${s.addressType}/${portMapKey(s.ports)}`;
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), s]);
  }
  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];
  for (const [key, d] of desired) {
    // One slice per address type and port set: the first existing one is kept (updated when it differs), the others go.
    const [first, ...others] = existingByKey.get(key) ?? [];
    toDelete.push(...others);
    if (first && !mirrorDiffers(first, d.eps, meta)) continue;
    const slice = newMirroredSlice(endpoints, d.ports, d.type);
    slice.endpoints = [...d.eps.values()].slice(0, maxPerSubset) as Endpoint[];
    if (first)
      update.push({ ...slice, metadata: { ...first.metadata, ...withoutGenerateName(slice.metadata), name: first.metadata.name } });
    else create.push(slice);
  }
  for (const [key, slices] of existingByKey) if (!desired.has(key)) toDelete.push(...slices);
  // recycleSlices: a create becomes an update of a slice about to be deleted (same address type).
  for (let i = 0; i < toDelete.length && create.length;) {
    const old = toDelete[i]!;
    const j = create.findIndex((c) => c.addressType === old.addressType);
    if (j < 0) {
      i++;
      continue;
    }
    const [c] = create.splice(j, 1);
    update.push({ ...c!, metadata: { ...old.metadata, ...withoutGenerateName(c!.metadata), name: old.metadata.name } });
    toDelete.splice(i, 1);
  }
  return { create, update, delete: toDelete, invalidAddresses, skippedAddresses };
}
