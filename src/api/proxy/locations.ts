// Where a proxy request goes, as the apiserver's ResourceLocation functions find it: a pod by its IP (and the port
// asked for, else its first declared container port); a service through its Endpoints (the port number mapped to the
// service port's name, a random subset and address among those carrying that port name, each address checked to be a
// pod of the namespace that still has that IP: an Endpoints object alone cannot send the API server anywhere).
import { badRequest, StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { Registry } from '../../registry/registry.js';
import type { ResourceService } from '../../registry/service.js';
import { splitSchemeNamePort } from './proxy-path.js';

export interface BackendLocation {
  scheme: 'http' | 'https';
  host: string;
  port?: number;
}

interface PodShape extends KObject {
  spec?: { containers?: { ports?: { containerPort?: number }[] }[] };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

interface EndpointsShape extends KObject {
  subsets?: {
    addresses?: { ip: string; targetRef?: { kind?: string; namespace?: string; name?: string } }[];
    ports?: { name?: string; port: number }[];
  }[];
}

interface ServiceShape extends KObject {
  spec?: { ports?: { name?: string; port: number }[] };
}

/** errors.NewServiceUnavailable. */
export const serviceUnavailable = (message: string) => new StatusError(503, 'ServiceUnavailable', message);

const def = (registry: Registry, plural: string) => {
  const d = registry.find('', 'v1', plural);
  if (!d) throw new Error(`no ${plural} resource`);
  return d;
};

/** The IPv4 unicast addresses the apiserver accepts (IsGlobalUnicast: not loopback, link-local, multicast or unspecified). */
function isGlobalUnicast(ip: string | undefined): ip is string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip ?? '');
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a !== 0 && a !== 127 && a < 224 && !(a === 169 && b === 254) && ip !== '255.255.255.255';
}

export async function podLocation(service: ResourceService, registry: Registry, namespace: string, id: string): Promise<BackendLocation> {
  const s = splitSchemeNamePort(id);
  if (!s) throw badRequest(`invalid pod request "${id}"`);
  const pod = (await service.get(def(registry, 'pods'), namespace, s.name)) as PodShape;
  let port = s.port;
  if (!port) {
    const declared = pod.spec?.containers?.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
    if (declared) port = String(declared);
  }
  const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
  if (!isGlobalUnicast(ip)) throw badRequest('address not allowed');
  if (port && !/^\d+$/.test(port)) throw badRequest(`invalid pod request "${id}"`);
  return { scheme: s.scheme || 'http', host: ip, port: port ? Number(port) : undefined };
}

export async function serviceLocation(
  service: ResourceService,
  registry: Registry,
  namespace: string,
  id: string,
  random: (n: number) => number = (n) => Math.floor(Math.random() * n),
): Promise<BackendLocation> {
  const s = splitSchemeNamePort(id);
  if (!s) throw badRequest(`invalid service request "${id}"`);
  let portName = s.port;
  if (/^-?\d+$/.test(portName)) {
    const svc = (await service.get(def(registry, 'services'), namespace, s.name)) as ServiceShape;
    const found = svc.spec?.ports?.find((p) => p.port === Number(portName));
    if (!found) throw serviceUnavailable(`no service port ${portName} found for service "${s.name}"`);
    portName = found.name ?? '';
  }
  const eps = (await service.get(def(registry, 'endpoints'), namespace, s.name)) as EndpointsShape;
  const subsets = eps.subsets ?? [];
  const none = () => serviceUnavailable(`no endpoints available for service "${s.name}"`);
  if (!subsets.length) throw none();
  const ssSeed = random(subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(ssSeed + i) % subsets.length]!;
    const addresses = ss.addresses ?? [];
    if (!addresses.length) continue;
    for (const p of ss.ports ?? []) {
      if ((p.name ?? '') !== portName) continue;
      const addrSeed = random(addresses.length);
      for (let t = 0; t < addresses.length; t++) {
        const addr = addresses[(addrSeed + t) % addresses.length]!;
        if (await isValidAddress(service, registry, namespace, addr)) return { scheme: s.scheme || 'http', host: addr.ip, port: p.port };
      }
    }
  }
  throw none();
}

async function isValidAddress(
  service: ResourceService,
  registry: Registry,
  namespace: string,
  addr: { ip: string; targetRef?: { kind?: string; namespace?: string; name?: string } },
): Promise<boolean> {
  const ref = addr.targetRef;
  if (!ref?.name || ref.namespace !== namespace) return false;
  try {
    const pod = (await service.get(def(registry, 'pods'), namespace, ref.name)) as PodShape;
    const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
    return ips.includes(addr.ip);
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return false;
    throw e;
  }
}
