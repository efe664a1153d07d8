// Services + EndpointSlices → the proxy's state, as kube-proxy's ServiceChangeTracker and EndpointSliceCache build
// their maps: one entry per service port that has a ClusterIP, its endpoints merged from every IPv4 slice labelled
// with the service's name (kubernetes.io/service-name), matched by port name and protocol. Pure.
import type { KObject } from '../machinery/api/meta.js';
import type { Protocol, ProxyEndpoint, ProxyServicePort, ProxyState } from './types.js';
import { compareStrings } from '../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

/** Endpoints of one service port name + protocol, from the service's slices (upstream endpointslicecache). */
function endpointsFor(slices: KObject[], portName: string, protocol: Protocol, nodeName: string): ProxyEndpoint[] {
  const out = new Map<string, ProxyEndpoint>();
  // Slices in name order so that the same objects always give the same result.
  for (const s of [...slices].sort((a, b) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''))) {
    const slice = s as J;
    if (slice.addressType !== 'IPv4') continue;
    const port = ((slice.ports ?? []) as J[]).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port || typeof port.port !== 'number') continue;
    for (const e of (slice.endpoints ?? []) as J[]) {
      const ip = e.addresses?.[0];
      if (typeof ip !== 'string' || !ip) continue;
      const c = e.conditions ?? {};
      // Unset conditions: ready is true, serving follows ready, terminating is false (the API's documented defaults).
      const ready = c.ready === undefined || c.ready === null ? true : c.ready === true;
      const serving = c.serving === undefined || c.serving === null ? ready : c.serving === true;
      const key = `${ip}:${port.port}`;
      if (out.has(key)) continue; // the same endpoint in two slices (a slice being replaced): the first one wins
      out.set(key, {
        ip,
        port: port.port,
        ready,
        serving,
        terminating: c.terminating === true,
        local: !!nodeName && e.nodeName === nodeName,
      });
    }
  }
  return [...out.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : compareIPs(a.ip, b.ip)));
}

const ipNum = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
const compareIPs = (a: string, b: string) => ipNum(a) - ipNum(b);

/** Whether a service gets proxy rules: a ClusterIP service (headless and ExternalName ones get none, as upstream). */
function clusterIPOf(svc: J): string | undefined {
  if (svc.spec?.type === 'ExternalName') return undefined;
  const ip = svc.spec?.clusterIP;
  if (typeof ip !== 'string' || !ip || ip === 'None' || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  return ip;
}

export function buildState(services: KObject[], slices: KObject[], nodeName: string): ProxyState {
  const slicesBySvc = new Map<string, KObject[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!svc) continue;
    const key = `${s.metadata.namespace}/${svc}`;
    slicesBySvc.set(key, [...(slicesBySvc.get(key) ?? []), s]);
  }
  const ports: ProxyServicePort[] = [];
  for (const o of services) {
    const svc = o as J;
    const clusterIP = clusterIPOf(svc);
    if (!clusterIP) continue;
    const spec = svc.spec ?? {};
    const own = slicesBySvc.get(`${o.metadata.namespace}/${o.metadata.name}`) ?? [];
    const isLB = spec.type === 'LoadBalancer';
    const ingress = isLB ? ((svc.status?.loadBalancer?.ingress ?? []) as J[]).map((i) => i.ip).filter((ip): ip is string => !!ip) : [];
    const external = spec.type === 'NodePort' || isLB;
    for (const p of (spec.ports ?? []) as J[]) {
      if (typeof p.port !== 'number') continue;
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      const portName = (p.name ?? '') as string;
      ports.push({
        namespace: o.metadata.namespace ?? 'default',
        name: o.metadata.name ?? '',
        portName,
        protocol,
        clusterIP,
        port: p.port,
        nodePort: external && typeof p.nodePort === 'number' ? p.nodePort : 0,
        externalIPs: [...((spec.externalIPs ?? []) as string[])].sort(),
        loadBalancerIPs: [...new Set(ingress)].sort(),
        loadBalancerSourceRanges: isLB ? [...((spec.loadBalancerSourceRanges ?? []) as string[])].map((r) => r.trim()).sort() : [],
        hostPortOnNode: isLB && ingress.length > 0,
        affinitySeconds: spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0,
        internalLocal: spec.internalTrafficPolicy === 'Local',
        externalLocal: external && spec.externalTrafficPolicy === 'Local',
        endpoints: endpointsFor(own, portName, protocol, nodeName),
      });
    }
  }
  ports.sort((a, b) =>
    a.namespace !== b.namespace
      ? compareStrings(a.namespace, b.namespace)
      : a.name !== b.name
        ? compareStrings(a.name, b.name)
        : a.portName !== b.portName
          ? compareStrings(a.portName, b.portName)
          : compareStrings(a.protocol, b.protocol),
  );
  return { ports };
}

/**
 * Upstream's CategorizeEndpoints: the endpoints cluster traffic uses (ready ones, or when none is ready the serving
 * terminating ones), and those local traffic uses (the same rule among this node's endpoints).
 */
export function categorize(eps: ProxyEndpoint[]): { cluster: ProxyEndpoint[]; local: ProxyEndpoint[] } {
  const pick = (list: ProxyEndpoint[]) => {
    const ready = list.filter((e) => e.ready);
    return ready.length ? ready : list.filter((e) => e.serving && e.terminating);
  };
  return { cluster: pick(eps), local: pick(eps.filter((e) => e.local)) };
}
