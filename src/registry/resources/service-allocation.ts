// ClusterIP and NodePort allocation for Services, as the apiserver's service REST storage does it (alloc.go over the
// ipallocator and portallocator bitmaps). The maps live in memory, are rebuilt from the stored Services on first use
// (a restart loses nothing), and are changed synchronously between the check and the reservation, so two concurrent
// creates can never get the same address. What a write reserved is committed or reverted once the write is known
// (ResourceService calls the transaction), and a deleted Service's values go back through afterDelete.
import { internal, invalid, type FieldError } from '../../machinery/api/errors.js';
import { goStringSlice } from '../strategies/common/gorender.js';
import type { AdmitContext, AdmitTransaction, KObject, ResourceDef } from '../types.js';
import { CLUSTER_IP_BAND, NODE_PORT_BAND, RangeAllocator, staticBandSize } from './range-allocator.js';
import { inServiceCidr, intToIp, ipToInt, parseServiceCidr } from './service-cidr.js';

/** The service network the allocator hands out from (ServerOptions.services). */
export interface ServiceAllocationConfig {
  cidr: string;
  nodePortMin: number;
  nodePortMax: number;
}

export const DEFAULT_SERVICE_ALLOCATION: ServiceAllocationConfig = { cidr: '10.96.0.0/16', nodePortMin: 30000, nodePortMax: 32767 };

interface Port {
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface Spec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Port[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
}

const specOf = (svc: KObject | undefined): Spec => (svc?.spec ?? {}) as Spec;

/** Whether the service type carries a ClusterIP (upstream needsClusterIP). */
export const needsClusterIP = (s: Spec) => s.type !== 'ExternalName' && s.clusterIP !== 'None';
/** NodePorts are allocated for NodePort services and LoadBalancers unless allocateLoadBalancerNodePorts is false. */
export const needsNodePorts = (s: Spec) =>
  s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
/** A LoadBalancer with externalTrafficPolicy Local gets a health-check node port. */
export const needsHealthCheckNodePort = (s: Spec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/** The values a stored service holds in the maps. */
function heldBy(s: Spec, cidr: string): { ip?: number; ports: Set<number> } {
  const ip = needsClusterIP(s) && s.clusterIP && inServiceCidr(cidr, s.clusterIP) ? ipToInt(s.clusterIP) : undefined;
  const ports = new Set<number>();
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') for (const p of s.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  if (needsHealthCheckNodePort(s) && s.healthCheckNodePort) ports.add(s.healthCheckNodePort);
  return { ip, ports };
}

export class ServiceAllocator {
  private readonly ips: RangeAllocator;
  private readonly ports: RangeAllocator;
  private readonly base: number;
  private loaded?: Promise<void>;

  constructor(
    readonly config: ServiceAllocationConfig,
    random: () => number = Math.random,
  ) {
    const c = parseServiceCidr(config.cidr);
    this.base = c.base;
    this.ips = new RangeAllocator(c.size, staticBandSize(c.size, CLUSTER_IP_BAND), 1, c.size - 2, random);
    const portCount = config.nodePortMax - config.nodePortMin + 1;
    this.ports = new RangeAllocator(portCount, staticBandSize(portCount, NODE_PORT_BAND), 0, portCount - 1, random);
  }

  /** The stored services' values, once (the repair loop's rebuild at start). Conflicting duplicates keep the first. */
  private load(ctx: AdmitContext): Promise<void> {
    this.loaded ??= ctx.list('', 'services').then((services) => {
      for (const svc of services) {
        const held = heldBy(specOf(svc), this.config.cidr);
        if (held.ip !== undefined) this.ips.allocate(held.ip - this.base);
        for (const p of held.ports) if (this.portInRange(p)) this.ports.allocate(p - this.config.nodePortMin);
      }
    });
    return this.loaded;
  }

  /** How many addresses and ports are taken (tests, metrics). */
  usage(): { clusterIPs: number; nodePorts: number } {
    return { clusterIPs: this.ips.allocated(), nodePorts: this.ports.allocated() };
  }

  private portInRange = (p: number) => p >= this.config.nodePortMin && p <= this.config.nodePortMax;

  /** Allocates what `obj` needs beyond what `old` holds; throws 422 (and reserves nothing) when it cannot. */
  async admit(obj: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<AdmitTransaction | void> {
    if (ctx.subresource) return; // status writes never change the spec
    await this.load(ctx);
    const spec = specOf(obj);
    obj.spec = spec;
    const before = heldBy(specOf(old), this.config.cidr);
    const taken = { ips: [] as number[], ports: [] as number[] };
    const errs: FieldError[] = [];
    const revert = () => {
      for (const ip of taken.ips) this.ips.release(ip - this.base);
      for (const p of taken.ports) this.ports.release(p - this.config.nodePortMin);
    };
    try {
      if (needsClusterIP(spec)) this.allocateClusterIP(spec, before.ip, taken, errs);
      this.allocateNodePorts(spec, before.ports, taken, errs);
    } catch (e) {
      revert();
      throw e;
    }
    if (errs.length) {
      revert();
      throw invalid('Service', '', obj.metadata.name ?? '', errs);
    }
    return {
      revert,
      // The update is stored: what the old object held and the new one does not goes back (type changes, port removal).
      commit: () => {
        const after = heldBy(spec, this.config.cidr);
        if (before.ip !== undefined && before.ip !== after.ip) this.ips.release(before.ip - this.base);
        for (const p of before.ports) if (!after.ports.has(p)) this.ports.release(p - this.config.nodePortMin);
      },
    };
  }

  /** A deleted service's values go back to their pools. */
  release(obj: KObject): void {
    const held = heldBy(specOf(obj), this.config.cidr);
    if (held.ip !== undefined) this.ips.release(held.ip - this.base);
    for (const p of held.ports) if (this.portInRange(p)) this.ports.release(p - this.config.nodePortMin);
  }

  private allocateClusterIP(spec: Spec, held: number | undefined, taken: { ips: number[] }, errs: FieldError[]): void {
    const requested = spec.clusterIP;
    if (!requested) {
      const offset = this.ips.allocateNext();
      if (offset === undefined) throw internal('failed to allocate a serviceIP: range is full');
      taken.ips.push(this.base + offset);
      spec.clusterIP = intToIp(this.base + offset);
    } else if (held === undefined || ipToInt(requested) !== held) {
      const fail = (why: string) =>
        errs.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs',
          detail: `${goStringSlice(spec.clusterIPs?.length ? spec.clusterIPs : [requested])}: failed to allocate IP ${requested}: ${why}`,
        });
      if (!inServiceCidr(this.config.cidr, requested))
        fail(
          `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${parseServiceCidr(this.config.cidr).cidr}`,
        );
      else if (!this.ips.allocate(ipToInt(requested) - this.base)) fail('provided IP is already allocated');
      else taken.ips.push(ipToInt(requested));
    }
    spec.clusterIPs = [spec.clusterIP!];
  }

  private allocateNodePorts(spec: Spec, held: Set<number>, taken: { ports: number[] }, errs: FieldError[]): void {
    const mine = new Set<number>(); // one node port may serve a port number's TCP and UDP of the same service
    const want = (requested: number | undefined, field: string, dynamic: boolean): number | undefined => {
      if (!requested) {
        if (!dynamic) return undefined;
        const offset = this.ports.allocateNext();
        if (offset === undefined) throw internal('failed to allocate a nodePort: range is full');
        const p = this.config.nodePortMin + offset;
        taken.ports.push(p);
        mine.add(p);
        return p;
      }
      if (held.has(requested) || mine.has(requested)) {
        mine.add(requested);
        return requested;
      }
      const fail = (why: string) => errs.push({ type: 'FieldValueInvalid', field, value: requested, detail: why });
      if (!this.portInRange(requested))
        fail(`provided port is not in the valid range. The range of valid ports is ${this.config.nodePortMin}-${this.config.nodePortMax}`);
      else if (!this.ports.allocate(requested - this.config.nodePortMin)) fail('provided port is already allocated');
      else {
        taken.ports.push(requested);
        mine.add(requested);
      }
      return requested;
    };
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const dynamic = needsNodePorts(spec);
      (spec.ports ?? []).forEach((p, i) => {
        const got = want(p.nodePort, `spec.ports[${i}].nodePort`, dynamic);
        if (got) p.nodePort = got;
      });
    }
    if (needsHealthCheckNodePort(spec)) spec.healthCheckNodePort = want(spec.healthCheckNodePort, 'spec.healthCheckNodePort', true);
  }
}

/** Services' admission and release over one allocator per store (per ResourceService), allocating from `config`. */
export function serviceAllocationHooks(config: ServiceAllocationConfig): Pick<ResourceDef, 'admit' | 'afterDelete'> {
  const allocators = new WeakMap<object, ServiceAllocator>();
  const unowned = {}; // admission called outside a ResourceService (tests)
  const of = (owner: object) => {
    let a = allocators.get(owner);
    if (!a) allocators.set(owner, (a = new ServiceAllocator(config)));
    return a;
  };
  return {
    admit: (obj, old, ctx) => of(ctx.owner ?? unowned).admit(obj, old, ctx),
    afterDelete: (obj, owner) => allocators.get(owner)?.release(obj),
  };
}

/** The resources with Services allocating from `config` (the server's --service-cidr and --service-node-port-range). */
export function withServiceAllocation(resources: ResourceDef[], config: ServiceAllocationConfig): ResourceDef[] {
  return resources.map((d) => (d.group === '' && d.plural === 'services' ? { ...d, ...serviceAllocationHooks(config) } : d));
}
