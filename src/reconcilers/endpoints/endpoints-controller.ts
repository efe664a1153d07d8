// The endpoints controller (kube-controller-manager's pkg/controller/endpoint): keeps the core/v1 Endpoints of every
// Service with a selector (same name) from the pods it selects: ready pods in addresses, unready ones in
// notReadyAddresses, terminating ones left out unless publishNotReadyAddresses, subsets repacked, the service's labels
// (plus service.kubernetes.io/headless), over-capacity past 1000 addresses, last-change-trigger-time. Endpoints of a
// deleted service are deleted (also those left over from before a start); services without a selector keep the
// Endpoints users write. Through the client seam as kube-system/endpoint-controller.
import { StatusError } from '../../machinery/api/errors.js';
import { Informer, PREDICATE } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, GVR, type Client, type Gvr, splitKey } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { ANNOTATION_LEADER, isExternalName, selectedPods, serviceSelector, servicesOfPodChange } from './pod-endpoints.js';
import { desiredEndpoints, type EndpointsObject } from './desired-endpoints.js';
import { TriggerTimeTracker } from './trigger-time.js';

export const ENDPOINTS: Gvr = { group: '', version: 'v1', resource: 'endpoints' };
const SERVICES: Gvr = { group: '', version: 'v1', resource: 'services' };
const COMPONENT = 'endpoint-controller';
const FIELD_MANAGER = 'kube-controller-manager';

export interface EndpointsControllerOptions {
  recorder?: EventRecorder;
}

export interface RunningEndpointsController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);

export async function startEndpointsController(
  ctx: ReconcilerContext,
  opts: EndpointsControllerOptions = {},
): Promise<RunningEndpointsController> {
  const client: Client = ctx.client(controllerIdentity('endpoint-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'endpoints', err: err.message }, 'informer');
  const services = new Informer(client, SERVICES, { onError });
  const pods = new Informer(client, GVR.pods, { onError });
  const endpoints = new Informer(client, ENDPOINTS, { onError });
  const triggerTimes = new TriggerTimeTracker();
  /** staleEndpointsTracker: the resourceVersion each Endpoints had when this controller last replaced it. */
  const replacedVersions = new Map<string, string>();

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const svc = services.get(namespace, name);
    if (!svc) {
      // The service is gone: so are its Endpoints.
      if (endpoints.get(namespace, name)) {
        try {
          await client.delete(ENDPOINTS, namespace, name);
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
      }
      triggerTimes.deleteService(key);
      replacedVersions.delete(key);
      return;
    }
    // ExternalName services get no endpoints; those without a selector keep what users write.
    const selector = serviceSelector(svc);
    if (isExternalName(svc) || !selector) return;
    const selected = selectedPods(selector, pods.byIndex('namespace', namespace));
    // Computed before the no-op check so that the tracker's state moves with every sync.
    const triggerMs = triggerTimes.compute(key, svc, selected);
    const current = endpoints.get(namespace, name) as EndpointsObject | undefined;
    // The cache still shows what this controller replaced: wait for it to catch up (the update queues the service).
    if (current && replacedVersions.get(key) === current.metadata.resourceVersion)
      throw new Error(
        `endpoints informer cache is out of date, resource version ${current.metadata.resourceVersion} already processed for endpoints ${key}`,
      );
    const desired = desiredEndpoints(svc, selected, current, triggerMs);
    if (!desired) return;
    try {
      if (current) {
        const updated = await client.update(ENDPOINTS, namespace, desired, { fieldManager: FIELD_MANAGER });
        if (updated.metadata.resourceVersion !== current.metadata.resourceVersion)
          replacedVersions.set(key, current.metadata.resourceVersion!);
      } else await client.create(ENDPOINTS, namespace, desired, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      // A namespace being deleted refuses creates: drop the key.
      if (!current && isStatus(e, 403) && (e as StatusError).details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      // A conflict is a cache behind the server: the newer object queues another sync.
      if (!isStatus(e, 409)) {
        const [reason, message] = current
          ? ['FailedToUpdateEndpoint', `Failed to update endpoint ${key}: ${(e as Error).message}`]
          : ['FailedToCreateEndpoint', `Failed to create endpoint for service ${key}: ${(e as Error).message}`];
        recorder.record({ ...desired, metadata: { ...desired.metadata, namespace } }, 'Warning', reason, message, { component: COMPONENT });
      }
      throw e;
    }
  };

  // The workqueue's name and --concurrent-endpoint-syncs as upstream's.
  const c = new Controller('endpoint', reconcile, ctx.log, 5);
  c.source(services, (_t, _old, svc) => [objectKey(svc)], PREDICATE.resourceVersionChanged);
  c.source(pods, servicesOfPodChange(services));
  // onEndpointsDelete: Endpoints removed under a service are written again.
  c.source(endpoints, (type, _old, ep) => (type === 'DELETED' ? [objectKey(ep)] : []));
  await c.start();
  // checkLeftoverEndpoints: Endpoints whose service went while the controller was away are deleted (leader-election
  // records, which some components keep in Endpoints, excepted).
  for (const ep of endpoints.list())
    if (!services.get(ep.metadata.namespace, ep.metadata.name!) && !ep.metadata.annotations?.[ANNOTATION_LEADER]) c.enqueue(objectKey(ep));
  return { controller: c, recorder, stop: () => c.stop() };
}
