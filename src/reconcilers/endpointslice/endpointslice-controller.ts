// The EndpointSlice controller (kube-controller-manager's pkg/controller/endpointslice): keeps the discovery.k8s.io/v1
// EndpointSlices of every Service with a selector current from the pods it selects. Keys are services; pod changes
// queue the services selecting the pod (before and after the change), slice changes that are not this controller's
// own writes queue their service. A sync waits for the cache to hold this controller's previous writes (the
// tracker) and writes only what reconcile.ts says changed. Through the client seam as kube-system/endpointslice-controller.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { Informer, PREDICATE } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, GVR, type Client, type Gvr, splitKey } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import {
  ANNOTATION_TRIGGER_TIME,
  isExternalName,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  selectedPods,
  serviceSelector,
  servicesOfPodChange,
} from '../endpoints/pod-endpoints.js';
import { formatRfc3339Nano, TriggerTimeTracker } from '../endpoints/trigger-time.js';
import { CONTROLLER_NAME, MAX_ENDPOINTS_PER_SLICE, type EndpointSlice } from './desired.js';
import { reconcileSlices } from './reconcile.js';
import { SliceTracker } from './slice-tracker.js';

export const ENDPOINTSLICES: Gvr = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
export const SERVICES: Gvr = { group: '', version: 'v1', resource: 'services' };
const COMPONENT = 'endpoint-slice-controller';
const FIELD_MANAGER = 'kube-controller-manager';
/** A pod on a Node not (yet) known is left out; the service is synced again after this. */
const MISSING_NODE_RETRY_MS = 1000;

export interface EndpointSliceControllerOptions {
  maxEndpointsPerSlice?: number;
  recorder?: EventRecorder;
}

export interface RunningEndpointSliceController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
/** The service a slice of this controller belongs to, as namespace/name; undefined for others' slices. */
const serviceKeyOfSlice = (s: KObject): string | undefined => {
  const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
  return svc && s.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME ? `${s.metadata.namespace}/${svc}` : undefined;
};

/** addTriggerTimeAnnotation: set to the trigger time, or removed when there is none. */
function withTriggerTime(slice: EndpointSlice, triggerMs: number): EndpointSlice {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerMs) annotations[ANNOTATION_TRIGGER_TIME] = formatRfc3339Nano(triggerMs);
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  return { ...slice, metadata: { ...slice.metadata, annotations } };
}

export async function startEndpointSliceController(
  ctx: ReconcilerContext,
  opts: EndpointSliceControllerOptions = {},
): Promise<RunningEndpointSliceController> {
  const client: Client = ctx.client(controllerIdentity('endpointslice-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'endpointslice', err: err.message }, 'informer');
  const services = new Informer(client, SERVICES, { onError });
  const pods = new Informer(client, GVR.pods, { onError });
  const nodes = new Informer(client, GVR.nodes, { onError });
  const slices = new Informer(client, ENDPOINTSLICES, {
    onError,
    labelSelector: `${LABEL_MANAGED_BY}=${CONTROLLER_NAME}`,
    indexers: { service: (s) => [serviceKeyOfSlice(s) ?? ''].filter(Boolean) },
  });
  const tracker = new SliceTracker();
  const triggerTimes = new TriggerTimeTracker();

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const svc = services.get(namespace, name);
    if (!svc) {
      // Its slices go with it through their owner reference (the garbage collector).
      tracker.deleteService(key);
      triggerTimes.deleteService(key);
      return;
    }
    // ExternalName services get no endpoints; services without a selector get the slices users (or mirroring) write.
    const selector = serviceSelector(svc);
    if (isExternalName(svc) || !selector) return;
    const existing = slices.byIndex('service', key) as EndpointSlice[];
    // A cache behind this controller's own writes would have it write twice: wait for it (it queues the service).
    if (tracker.stale(key, existing)) throw new Error('EndpointSlice informer cache is out of date');
    const selected = selectedPods(selector, pods.byIndex('namespace', namespace));
    const triggerMs = triggerTimes.compute(key, svc, selected);
    const changes = reconcileSlices({
      service: svc,
      pods: selected,
      existing,
      nodeOf: (n) => nodes.get(undefined, n),
      maxEndpointsPerSlice: opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE,
    });
    try {
      // New slices are not created for a service being deleted (the garbage collector would race them).
      if (!svc.metadata.deletionTimestamp)
        for (const s of changes.create) {
          const created = await client.create(ENDPOINTSLICES, namespace, withTriggerTime(s, triggerMs), { fieldManager: FIELD_MANAGER });
          tracker.wrote(key, created);
        }
      for (const s of changes.update) {
        const updated = await client.update(ENDPOINTSLICES, namespace, withTriggerTime(s, triggerMs), { fieldManager: FIELD_MANAGER });
        tracker.wrote(key, updated);
      }
      for (const s of changes.delete) {
        try {
          await client.delete(ENDPOINTSLICES, namespace, s.metadata.name!);
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
        tracker.deleted(key, s);
      }
    } catch (e) {
      // A namespace being deleted refuses creates: nothing to do for it.
      if (isStatus(e, 403) && (e as StatusError).details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      if (!isStatus(e, 409, 404))
        recorder.record(
          { ...svc, apiVersion: 'v1', kind: 'Service' },
          'Warning',
          'FailedToUpdateEndpointSlices',
          `Error updating Endpoint Slices for Service ${key}: ${(e as Error).message}`,
          { component: COMPONENT },
        );
      throw e;
    }
    if (changes.missingNodes.length) return { requeueAfterMs: MISSING_NODE_RETRY_MS };
  };

  // The workqueue's name and --concurrent-service-endpoint-syncs as upstream's.
  const c = new Controller('endpoint_slice', reconcile, ctx.log, 5);
  c.source(services, (_t, _old, svc) => [objectKey(svc)], PREDICATE.resourceVersionChanged);
  c.source(pods, servicesOfPodChange(services));
  c.source(slices, (type, _old, s) => {
    const key = serviceKeyOfSlice(s);
    if (!key) return [];
    if (type === 'DELETED') return tracker.observedDeletion(key, s) ? [] : [key];
    // The echo of this controller's own write changes nothing (ShouldSync).
    return tracker.isOwnWrite(key, s) ? [] : [key];
  });
  c.source(nodes, () => []);
  await c.start();
  return { controller: c, recorder, stop: () => c.stop() };
}
