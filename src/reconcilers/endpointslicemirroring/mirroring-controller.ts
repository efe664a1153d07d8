// The EndpointSlice mirroring controller (kube-controller-manager's pkg/controller/endpointslicemirroring): the
// Endpoints of Services without a selector (written by users) are mirrored into EndpointSlices, so that slice readers
// (the service proxy, DNS) see them too. Not mirrored: Endpoints labelled endpointslice.kubernetes.io/skip-mirror=true
// (the apiserver's own `kubernetes`, the DNS server's kube-dns), leader-election records, and Endpoints whose Service
// is missing or has a selector; their mirrored slices are deleted. Keys are namespace/name of the Endpoints.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, type Client, splitKey } from '../../client/types.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { EventRecorder } from '../event-recorder.js';
import { ANNOTATION_LEADER, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR, serviceSelector } from '../endpoints/pod-endpoints.js';
import { ENDPOINTS } from '../endpoints/endpoints-controller.js';
import { ENDPOINTSLICES, SERVICES } from '../endpointslice/endpointslice-controller.js';
import { SliceTracker } from '../endpointslice/slice-tracker.js';
import type { EndpointSlice } from '../endpointslice/desired.js';
import { MAX_ENDPOINTS_PER_SUBSET, MIRRORING_CONTROLLER_NAME, reconcileMirror } from './mirror.js';

const COMPONENT = 'endpoint-slice-mirroring-controller';
const FIELD_MANAGER = 'kube-controller-manager';

export interface RunningMirroringController {
  controller: Controller;
  recorder: EventRecorder;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
const keyOfSlice = (s: KObject): string | undefined => {
  const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
  return svc && s.metadata.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME ? `${s.metadata.namespace}/${svc}` : undefined;
};

/** shouldMirror: not skipped by its label, not a leader-election record. */
const shouldMirror = (ep: KObject) => ep.metadata.labels?.[LABEL_SKIP_MIRROR] !== 'true' && !ep.metadata.annotations?.[ANNOTATION_LEADER];

export async function startMirroringController(
  ctx: ReconcilerContext,
  opts: { recorder?: EventRecorder } = {},
): Promise<RunningMirroringController> {
  const client: Client = ctx.client(controllerIdentity('endpointslicemirroring-controller'));
  const recorder = opts.recorder ?? new EventRecorder(client, ctx.log);
  const onError = (err: Error) => ctx.log.warn({ controller: 'endpointslicemirroring', err: err.message }, 'informer');
  const services = new Informer(client, SERVICES, { onError });
  const endpoints = new Informer(client, ENDPOINTS, { onError });
  const slices = new Informer(client, ENDPOINTSLICES, {
    onError,
    labelSelector: `${LABEL_MANAGED_BY}=${MIRRORING_CONTROLLER_NAME}`,
    indexers: { endpoints: (s) => [keyOfSlice(s) ?? ''].filter(Boolean) },
  });
  const tracker = new SliceTracker();

  const deleteMirrored = async (key: string, namespace: string) => {
    for (const s of slices.byIndex('endpoints', key)) {
      try {
        await client.delete(ENDPOINTSLICES, namespace, s.metadata.name!);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
      tracker.deleted(key, s);
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const svc = services.get(namespace, name);
    const ep = endpoints.get(namespace, name);
    if (!svc || !ep || !shouldMirror(ep) || serviceSelector(svc)) {
      if (!svc || !ep) tracker.deleteService(key);
      return deleteMirrored(key, namespace);
    }
    const existing = slices.byIndex('endpoints', key) as EndpointSlice[];
    if (tracker.stale(key, existing)) throw new Error('EndpointSlice informer cache is out of date');
    const changes = reconcileMirror(ep, existing);
    const ref = { ...ep, apiVersion: 'v1', kind: 'Endpoints' };
    if (changes.invalidAddresses)
      recorder.record(
        ref,
        'Warning',
        'InvalidIPAddress',
        `Skipped ${changes.invalidAddresses} invalid IP addresses when mirroring to EndpointSlices`,
        {
          component: COMPONENT,
        },
      );
    if (changes.skippedAddresses > 0)
      recorder.record(
        ref,
        'Warning',
        'TooManyAddressesToMirror',
        `A max of ${MAX_ENDPOINTS_PER_SUBSET} addresses can be mirrored to EndpointSlices per Endpoints subset. ${changes.skippedAddresses} addresses were skipped`,
        { component: COMPONENT },
      );
    for (const s of changes.create) tracker.wrote(key, await client.create(ENDPOINTSLICES, namespace, s, { fieldManager: FIELD_MANAGER }));
    for (const s of changes.update) tracker.wrote(key, await client.update(ENDPOINTSLICES, namespace, s, { fieldManager: FIELD_MANAGER }));
    for (const s of changes.delete) {
      try {
        await client.delete(ENDPOINTSLICES, namespace, s.metadata.name!);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
      tracker.deleted(key, s);
    }
  };

  // The workqueue's name and --mirroring-concurrent-service-endpoint-syncs as upstream's.
  const c = new Controller('endpoint_slice_mirroring', reconcile, ctx.log, 5);
  c.source(services, (_t, _old, s) => [objectKey(s)]);
  c.source(endpoints, (_t, _old, ep) => [objectKey(ep)]);
  c.source(slices, (type, _old, s) => {
    const key = keyOfSlice(s);
    if (!key) return [];
    if (type === 'DELETED') return tracker.observedDeletion(key, s) ? [] : [key];
    return tracker.isOwnWrite(key, s) ? [] : [key];
  });
  await c.start();
  return { controller: c, recorder, stop: () => c.stop() };
}
