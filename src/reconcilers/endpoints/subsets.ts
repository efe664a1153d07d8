// core/v1 Endpoints subsets as the endpoints controller computes them (endpoints_controller.go and
// pkg/api/v1/endpoints/util.go): one subset per pod and port, repacked into the canonical form (addresses grouped by
// the set of ports they serve, not-ready trumping ready), sorted, and truncated to 1000 addresses.
import type { KObject } from '../../machinery/api/meta.js';
import {
  findPort,
  isHeadless,
  isPodReady,
  podIP,
  podNodeName,
  podReference,
  publishNotReady,
  servicePorts,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from './pod-endpoints.js';
import { compareStrings } from '../../machinery/compare.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
}
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** maxCapacity: addresses an Endpoints object holds before it is truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** podToEndpointAddress (+ the hostname when the pod's subdomain is the service). */
function podAddress(pod: KObject, svc: KObject): EndpointAddress {
  const a: EndpointAddress = { ip: podIP(pod) };
  if (shouldSetHostname(pod, svc)) a.hostname = (pod.spec as { hostname: string }).hostname;
  if (podNodeName(pod)) a.nodeName = podNodeName(pod);
  a.targetRef = podReference(pod);
  return a;
}

/** The subsets of the service's Endpoints, before repacking: one per pod and resolved port; counts of each kind. */
export function podSubsets(svc: KObject, pods: KObject[]): { subsets: EndpointSubset[]; ready: number; notReady: number } {
  const subsets: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const tolerate = publishNotReady(svc);
  // addEndpointSubset: ready (or tolerated) pods as addresses, others as notReadyAddresses.
  const add = (pod: KObject, addr: EndpointAddress, port?: EndpointPort) => {
    const ports = port ? [port] : [];
    if (tolerate || isPodReady(pod)) {
      subsets.push({ addresses: [addr], ports });
      ready++;
    } else {
      subsets.push({ notReadyAddresses: [addr], ports });
      notReady++;
    }
  };
  for (const pod of pods) {
    // Terminating pods are in only when unready addresses are published.
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const addr = podAddress(pod, svc);
    const ports = servicePorts(svc);
    // A headless service may have no ports.
    if (ports.length === 0) {
      if (isHeadless(svc)) add(pod, addr);
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      // endpointPortFromServicePort (an empty name is omitted, as Go's omitempty does).
      const ep: EndpointPort = sp.name ? { name: sp.name, port, protocol: sp.protocol ?? 'TCP' } : { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
      add(pod, addr, ep);
    }
  }
  return { subsets, ready, notReady };
}

const ipKey = (ip: string): string =>
  /^\d+\.\d+\.\d+\.\d+$/.test(ip)
    ? ip
        .split('.')
        .map((o) => o.padStart(3, '0'))
        .join('.')
    : ip;
const addrKey = (a: EndpointAddress) => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => JSON.stringify([p.name ?? '', p.port, p.protocol, p.appProtocol ?? '']);
const byIpAndUid = (a: EndpointAddress, b: EndpointAddress) =>
  ipKey(a.ip) < ipKey(b.ip) ? -1 : ipKey(a.ip) > ipKey(b.ip) ? 1 : compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');

/**
 * RepackSubsets: expand to (address, port, ready) and regroup: addresses serving the same set of ports share one
 * subset; an address not ready on a port stays not ready there. Addresses sort by IP then UID; ports and subsets in
 * a fixed order (upstream orders them by a hash of their Go representation, which is not reproduced here).
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  /** port key → address key → ready */
  const portToAddrs = new Map<string, Map<string, boolean>>();
  const map = (addr: EndpointAddress, pk: string, ready: boolean) => {
    const ak = addrKey(addr);
    if (!allAddrs.has(ak)) allAddrs.set(ak, addr);
    let m = portToAddrs.get(pk);
    if (!m) portToAddrs.set(pk, (m = new Map()));
    const was = m.get(ak);
    if (was === undefined || was) m.set(ak, ready);
  };
  for (const s of subsets) {
    // A subset without ports keeps its addresses under a sentinel port.
    const ps: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of ps) {
      const pk = p ? portKey(p) : '';
      ports.set(pk, p);
      for (const a of s.addresses ?? []) map(a, pk, true);
      for (const a of s.notReadyAddresses ?? []) map(a, pk, false);
    }
  }
  // Group ports by the identical (address, ready) set they map to.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, addrs] of portToAddrs) {
    const gk = JSON.stringify([...addrs].sort(([a], [b]) => compareStrings(a, b)));
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    const p = ports.get(pk);
    if (p) g.ports.push(p);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, r] of g.addrs) (r ? ready : notReady).push(allAddrs.get(ak)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready.sort(byIpAndUid);
    if (notReady.length) s.notReadyAddresses = notReady.sort(byIpAndUid);
    if (g.ports.length) s.ports = g.ports.sort((a, b) => compareStrings(portKey(a), portKey(b)));
    out.push(s);
  }
  return out.sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b)));
}

/**
 * truncateEndpoints: past 1000 addresses, keep 1000, each subset its proportional share (rounded up) of the ready
 * addresses when those alone exceed it (not-ready ones all dropped), else of the not-ready ones. True when truncated.
 */
export function truncateSubsets(subsets: EndpointSubset[]): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return { subsets, truncated: false };
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  const out = subsets.map((s) => {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    const t: EndpointSubset = { ...s };
    if (truncateReady) {
      t.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete t.notReadyAddresses;
      canBeAdded -= t.addresses.length;
    } else {
      t.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= t.notReadyAddresses.length;
    }
    if (!t.addresses?.length) delete t.addresses;
    if (!t.notReadyAddresses?.length) delete t.notReadyAddresses;
    return t;
  });
  // A subset left without addresses would be invalid: it goes.
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), truncated: true };
}

/** The addresses in subsets, ready and not. */
export const addressCount = (subsets: EndpointSubset[] | undefined): number =>
  (subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
