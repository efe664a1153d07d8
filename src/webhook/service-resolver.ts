// Which address a Service-backed webhook is dialled at, as kube-aggregator's endpoint routing resolves it
// (ResolveEndpoint): the service port's name is looked up in the Endpoints and a random ready address carrying that
// name is taken; an ExternalName service is dialled by its external name. Pod IPs are reachable from the server's
// host whichever proxy mode runs, a ClusterIP only when the service proxy programs the host.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { Client } from '../client/types.js';

export interface ResolvedEndpoint {
  host: string;
  port: number;
}

export interface ServiceResolver {
  /** Rejects with a message as upstream's resolver (`service "x" not found`, `no endpoints available for service "x"`). */
  resolve(namespace: string, name: string, port: number): Promise<ResolvedEndpoint>;
}

interface ServiceShape extends KObject {
  spec?: { type?: string; externalName?: string; ports?: { name?: string; port: number }[] };
}

interface EndpointsShape extends KObject {
  subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[];
}

const SERVICES = { group: '', version: 'v1', resource: 'services' };
const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };

async function getOrUndefined<T>(p: Promise<KObject>): Promise<T | undefined> {
  try {
    return (await p) as T;
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw e;
  }
}

/** Resolves through the client seam (in the server: an in-process client reading the watch cache). */
export function endpointsServiceResolver(
  client: Client,
  random: (n: number) => number = (n) => Math.floor(Math.random() * n),
): ServiceResolver {
  return {
    async resolve(namespace, name, port) {
      const svc = await getOrUndefined<ServiceShape>(client.get(SERVICES, namespace, name));
      if (!svc) throw new Error(`service "${name}" not found`);
      if (svc.spec?.type === 'ExternalName') return { host: svc.spec.externalName ?? '', port };
      const svcPort = svc.spec?.ports?.find((p) => p.port === port);
      if (!svcPort) throw new Error(`no service port ${port} found for service "${name}"`);
      const eps = await getOrUndefined<EndpointsShape>(client.get(ENDPOINTS, namespace, name));
      if (!eps) throw new Error(`endpoints "${name}" not found`);
      const portName = svcPort.name ?? '';
      const candidates: ResolvedEndpoint[] = [];
      for (const ss of eps.subsets ?? []) {
        const p = ss.ports?.find((x) => (x.name ?? '') === portName);
        if (!p) continue;
        for (const a of ss.addresses ?? []) candidates.push({ host: a.ip, port: p.port });
      }
      if (!candidates.length) throw new Error(`no endpoints available for service "${name}"`);
      return candidates[random(candidates.length)]!;
    },
  };
}
