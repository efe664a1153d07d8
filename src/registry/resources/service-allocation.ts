// ClusterIP and NodePort allocation for Services (the apiserver's service IP/port allocators).
import { invalid, type FieldError } from '../../machinery/api/errors.js';
import type { AdmitContext, KObject } from '../types.js';

/** The service CIDR: never on a Docker network, guarded by an unreachable route on the host. */
export const SERVICE_CIDR = '10.96.0.0/12';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const NODE_PORT_MIN = 30000,
  NODE_PORT_MAX = 32767;

interface Port {
  port: number;
  protocol?: string;
  nodePort?: number;
  name?: string;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Port[];
}

const ipToInt = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const [cidrBase, cidrBits] = SERVICE_CIDR.split('/');
const RANGE_START = ipToInt(cidrBase),
  RANGE_SIZE = 2 ** (32 - Number(cidrBits));

export function inServiceRange(ip: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false;
  const n = ipToInt(ip);
  return n > RANGE_START && n < RANGE_START + RANGE_SIZE - 1;
}

export async function allocateServiceAddresses(obj: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  const spec = (obj.spec ?? {}) as ServiceSpec;
  const oldSpec = (old?.spec ?? {}) as ServiceSpec;
  const name = obj.metadata.name ?? '';
  const others = (await ctx.list('', 'services')).filter((s) => s.metadata.uid !== obj.metadata.uid);
  const errs: FieldError[] = [];

  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    // An update that leaves the allocated address out keeps it (PatchAllocatedValues upstream).
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIP !== 'None' && spec.clusterIP !== oldSpec.clusterIP) {
      const taken = new Set(others.map((s) => (s.spec as ServiceSpec | undefined)?.clusterIP).filter(Boolean));
      if (spec.clusterIP) {
        if (!inServiceRange(spec.clusterIP)) {
          errs.push({
            type: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            value: [spec.clusterIP],
            detail: `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
          });
        } else if (taken.has(spec.clusterIP)) {
          errs.push({
            type: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            value: [spec.clusterIP],
            detail: `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
          });
        }
      } else {
        spec.clusterIP = nextFree(taken);
      }
    }
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  }

  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    const used = new Set<number>();
    for (const s of others) for (const p of (s.spec as ServiceSpec | undefined)?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
    (spec.ports ?? []).forEach((p, i) => {
      if (!p.nodePort) {
        const prev = oldSpec.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        p.nodePort = prev?.nodePort ?? nextFreePort(used);
      } else if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
        errs.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].nodePort`,
          value: p.nodePort,
          detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
        });
      } else if (used.has(p.nodePort)) {
        errs.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].nodePort`,
          value: p.nodePort,
          detail: 'provided port is already allocated',
        });
      }
      if (p.nodePort) used.add(p.nodePort);
    });
  } else {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (errs.length) throw invalid('Service', '', name, errs);
  obj.spec = spec;
}

function nextFree(taken: Set<unknown>): string {
  // Start above the addresses reserved for cluster services (kubernetes = .1), like the upstream allocator's offset.
  for (let n = RANGE_START + 10; n < RANGE_START + RANGE_SIZE - 1; n++) {
    const ip = intToIp(n);
    if (!taken.has(ip)) return ip;
  }
  throw new Error('service IP range exhausted');
}

function nextFreePort(used: Set<number>): number {
  for (let p = NODE_PORT_MIN; p <= NODE_PORT_MAX; p++) if (!used.has(p)) return p;
  throw new Error('node port range exhausted');
}
