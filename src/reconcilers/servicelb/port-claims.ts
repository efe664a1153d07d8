// ServiceLB's decisions (k3s's embedded load balancer): each LoadBalancer service of ours listens on the nodes at its
// service ports, so a port+protocol can belong to one such service only. First come, first served: services already
// serving keep their ports, then the others in creation order; a service that would share a port gets no ingress
// until its holder goes. Pure: the controller feeds it the services and the nodes' addresses.
import type { KObject } from '../../machinery/api/meta.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Ingress {
  ip: string;
  ipMode: 'VIP';
}

export interface Conflict {
  port: number;
  protocol: string;
  /** namespace/name of the service holding it. */
  holder: string;
}

export interface LoadBalancerDecision {
  /** What status.loadBalancer.ingress should be (empty: none). */
  ingress: Ingress[];
  /** The ports another LoadBalancer service holds (why ingress is empty). */
  conflicts: Conflict[];
}

const keyOf = (s: KObject) => `${s.metadata.namespace}/${s.metadata.name}`;

/** A LoadBalancer service this controller serves: no loadBalancerClass (a class names another implementation). */
export function isServiceLBService(svc: KObject): boolean {
  const spec = (svc.spec ?? {}) as J;
  return spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null);
}

/** The addresses load balancers are reached at: the nodes' ExternalIPs when any node has one, else InternalIPs (k3s). */
export function nodeAddresses(nodes: KObject[]): string[] {
  const of = (type: string) =>
    [
      ...new Set(
        nodes.flatMap((n) =>
          ((n.status as J | undefined)?.addresses ?? []).filter((a: J) => a?.type === type).map((a: J) => String(a.address)),
        ),
      ),
    ]
      .filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip))
      .sort();
  const external = of('ExternalIP');
  return external.length ? external : of('InternalIP');
}

const serving = (svc: KObject) => ((svc.status as J | undefined)?.loadBalancer?.ingress ?? []).length > 0;
const created = (svc: KObject) => Date.parse(svc.metadata.creationTimestamp ?? '') || 0;

/** The decision for every LoadBalancer service of ours, by namespace/name. */
export function decideLoadBalancers(services: KObject[], nodeIPs: string[]): Map<string, LoadBalancerDecision> {
  const ours = services.filter(isServiceLBService).filter((s) => !s.metadata.deletionTimestamp);
  ours.sort((a, b) => Number(serving(b)) - Number(serving(a)) || created(a) - created(b) || compareStrings(keyOf(a), keyOf(b)));
  const holders = new Map<string, string>(); // "80/TCP" → namespace/name
  const out = new Map<string, LoadBalancerDecision>();
  for (const svc of ours) {
    const ports: { port: number; protocol: string }[] = ((svc.spec as J).ports ?? []).map((p: J) => ({
      port: Number(p.port),
      protocol: String(p.protocol ?? 'TCP'),
    }));
    const conflicts = ports
      .filter((p) => holders.has(`${p.port}/${p.protocol}`))
      .map((p) => ({ ...p, holder: holders.get(`${p.port}/${p.protocol}`)! }));
    if (conflicts.length) {
      out.set(keyOf(svc), { ingress: [], conflicts });
      continue;
    }
    for (const p of ports) holders.set(`${p.port}/${p.protocol}`, keyOf(svc));
    out.set(keyOf(svc), { ingress: nodeIPs.map((ip) => ({ ip, ipMode: 'VIP' })), conflicts: [] });
  }
  return out;
}

/** The Warning event's message for a refused service. */
export function conflictMessage(conflicts: Conflict[]): string {
  const list = conflicts.map((c) => `${c.port}/${c.protocol} (held by LoadBalancer service ${c.holder})`).join(', ');
  return `Port${conflicts.length > 1 ? 's' : ''} ${list} already in use on the nodes; no ingress until ${conflicts.length > 1 ? 'they are' : 'it is'} free`;
}
