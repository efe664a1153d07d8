// kube-aggregator's remote AvailableConditionController: each APIService with a Service gets its Available condition
// from its Service (ServiceNotFound, ServicePortError), the Service's EndpointSlices (EndpointsNotFound,
// MissingEndpoints) and a GET of /apis/<group>/<version> on the extension server as system:kube-aggregator with the
// front-proxy certificate, TLS not verified (FailedDiscoveryCheck), else Passed; texts as upstream's. Checked again
// when the APIService, its Service or its EndpointSlices change, and every 30 s.
import type { KObject } from '../../machinery/api/meta.js';
import type { Client } from '../../client/types.js';
import { Informer } from '../../client/informer.js';
import { Controller, type ReconcileResult } from '../../reconcilers/controller.js';
import type { Logger } from '../../log.js';
import { nowTimestamp } from '../../registry/object-meta.js';
import type { FrontProxyCredentials } from '../../pki/front-proxy.js';
import type { ServiceResolver } from '../../webhook/service-resolver.js';
import { backendOf, getJson, StatusCodeError } from './backend.js';
import { AGGREGATOR_USER } from './remote-discovery.js';
import { APISERVICES, isRemote, type APIService, type RemoteAPIs } from './remote-apis.js';

const SERVICES = { group: '', version: 'v1', resource: 'services' };
const ENDPOINTSLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const RECHECK_MS = 30_000;
const CHECK_TIMEOUT_MS = 5_000;

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

interface ServiceShape extends KObject {
  spec?: { type?: string; ports?: { name?: string; port: number }[] };
}
interface SliceShape extends KObject {
  endpoints?: { conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number }[];
}

/** hasAvailableEndpoint: a slice with a ready endpoint that carries the service port's name. */
const hasAvailableEndpoint = (portName: string, slices: SliceShape[]) =>
  slices.some(
    (s) =>
      (s.endpoints ?? []).some((e) => e.conditions?.ready !== false) &&
      (s.ports ?? []).some((p) => (p.name ?? '') === portName && p.port !== undefined),
  );

export interface AvailabilityDeps {
  client: Client;
  apis: RemoteAPIs;
  resolver: ServiceResolver;
  credentials: () => Promise<FrontProxyCredentials>;
  log: Logger;
}

export function availableConditionController(deps: AvailabilityDeps): Controller {
  const services = new Informer(deps.client, SERVICES);
  const slices = new Informer(deps.client, ENDPOINTSLICES, {
    indexers: { service: (o) => [`${o.metadata.namespace}/${o.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`] },
  });
  const apiServicesOf = (namespace: string | undefined, name: string) =>
    deps.apis
      .list()
      .filter((a) => a.spec.service!.namespace === namespace && a.spec.service!.name === name)
      .map((a) => a.metadata.name!);

  async function check(a: APIService): Promise<Omit<Condition, 'type' | 'lastTransitionTime'>> {
    const ref = a.spec.service!;
    const port = ref.port ?? 443;
    const svc = services.get(ref.namespace, ref.name) as ServiceShape | undefined;
    if (!svc) return { status: 'False', reason: 'ServiceNotFound', message: `service/${ref.name} in "${ref.namespace}" is not present` };
    if ((svc.spec?.type ?? 'ClusterIP') === 'ClusterIP') {
      const found = svc.spec?.ports?.find((p) => p.port === port);
      if (!found)
        return {
          status: 'False',
          reason: 'ServicePortError',
          message: `service/${ref.name} in "${ref.namespace}" is not listening on port ${port}`,
        };
      const own = slices.byIndex('service', `${ref.namespace}/${ref.name}`) as SliceShape[];
      if (!own.length)
        return {
          status: 'False',
          reason: 'EndpointsNotFound',
          message: `cannot find endpointslices for service/${ref.name} in "${ref.namespace}"`,
        };
      const portName = found.name ?? '';
      if (!hasAvailableEndpoint(portName, own))
        return {
          status: 'False',
          reason: 'MissingEndpoints',
          message: `endpointslices for service/${ref.name} in "${ref.namespace}" have no addresses with port name "${portName}"`,
        };
    }
    let url = '';
    try {
      const backend = await backendOf(a, deps.resolver);
      const path = `/apis/${a.spec.group}/${a.spec.version}`;
      url = `https://${backend.host}:${backend.port}${path}`;
      // A best-effort reachability check, TLS unverified as upstream's (its caBundle is checked by real requests).
      await getJson({ ...backend, insecure: true }, await deps.credentials(), path, AGGREGATOR_USER, CHECK_TIMEOUT_MS);
    } catch (e) {
      const why = e instanceof StatusCodeError ? `bad status from ${url}: ${e.statusCode}` : (e as Error).message;
      return { status: 'False', reason: 'FailedDiscoveryCheck', message: url ? `failing or missing response from ${url}: ${why}` : why };
    }
    return { status: 'True', reason: 'Passed', message: 'all checks passed' };
  }

  /** Failed discovery checks in a row, per APIService: retried soon and then less often, as upstream's rate limiter. */
  const failures = new Map<string, number>();

  async function reconcile(name: string): Promise<ReconcileResult> {
    const stored = deps.apis.informer.get(undefined, name);
    if (!stored || !isRemote(stored)) return void failures.delete(name);
    const result = await check(stored);
    const conditions = stored.status?.conditions ?? [];
    const before = conditions.find((c) => c.type === 'Available');
    const unchanged = before && before.status === result.status && before.reason === result.reason && before.message === result.message;
    if (!unchanged) {
      const next: Condition = {
        type: 'Available',
        ...result,
        lastTransitionTime:
          before && before.status === result.status && before.lastTransitionTime ? before.lastTransitionTime : nowTimestamp(),
      };
      if (before?.status !== result.status)
        deps.log.info({ apiservice: name, status: result.status, reason: result.reason }, 'changing APIService availability');
      const updated = { ...stored, status: { ...stored.status, conditions: [...conditions.filter((c) => c.type !== 'Available'), next] } };
      await deps.client.updateStatus(APISERVICES, undefined, updated as KObject);
    }
    if (result.reason !== 'FailedDiscoveryCheck') {
      failures.delete(name);
      return { requeueAfterMs: RECHECK_MS };
    }
    const n = (failures.get(name) ?? 0) + 1;
    failures.set(name, n);
    return { requeueAfterMs: Math.min(250 * 2 ** (n - 1), RECHECK_MS) };
  }

  const controller = new Controller('APIServiceRemoteAvailability', reconcile, deps.log, 2);
  controller.source(deps.apis.informer, (_t, _old, obj) => (isRemote(obj) ? [obj.metadata.name!] : []));
  controller.source(services, (_t, _old, obj) => apiServicesOf(obj.metadata.namespace, obj.metadata.name!));
  controller.source(slices, (_t, _old, obj) => apiServicesOf(obj.metadata.namespace, obj.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''));
  return controller;
}
