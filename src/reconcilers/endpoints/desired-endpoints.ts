// The Endpoints object the endpoints controller writes for a Service (syncService's second half), pure: the repacked
// subsets of the pods it selects, the service's labels with service.kubernetes.io/headless, the trigger-time and
// over-capacity annotations, or nothing when the current object already says it all (subsets compared without
// targetRef resourceVersions, labels without the headless one, the capacity annotation as it should be).
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { ANNOTATION_OVER_CAPACITY, ANNOTATION_TRIGGER_TIME, isServiceIPSet, LABEL_HEADLESS } from './pod-endpoints.js';
import { addressCount, MAX_ENDPOINTS_CAPACITY, podSubsets, repackSubsets, truncateSubsets, type EndpointSubset } from './subsets.js';
import { formatRfc3339Nano } from './trigger-time.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type EndpointsObject = KObject & { subsets?: EndpointSubset[] };

/** endpointSubsetsEqualIgnoreResourceVersion: pod updates that only move a targetRef's resourceVersion are no change. */
function subsetsEqual(a: EndpointSubset[] | undefined, b: EndpointSubset[]): boolean {
  const strip = (ss: EndpointSubset[] | undefined) =>
    (ss ?? []).map((s) => {
      const addrs = (l: J[] | undefined) =>
        l?.map((x) => (x.targetRef ? { ...x, targetRef: { ...x.targetRef, resourceVersion: undefined } } : x));
      return JSON.parse(JSON.stringify({ ...s, addresses: addrs(s.addresses), notReadyAddresses: addrs(s.notReadyAddresses) }));
    });
  return deepEqual(strip(a), strip(b));
}

/** capacityAnnotationSetCorrectly: within capacity and without the annotation. */
const capacityAnnotationOk = (annotations: Record<string, string> | undefined, subsets: EndpointSubset[] | undefined) =>
  addressCount(subsets) <= MAX_ENDPOINTS_CAPACITY && !(annotations && ANNOTATION_OVER_CAPACITY in annotations);

const withoutKey = (m: Record<string, string> | undefined, key: string) => {
  const { [key]: _drop, ...rest } = m ?? {};
  return rest;
};

/**
 * @param pods the pods the service selects
 * @param current the Endpoints as cached, undefined when there are none
 * @param triggerMs the trigger time (0: none, the annotation goes)
 * @returns the object to create (no current) or update, undefined when nothing changed
 */
export function desiredEndpoints(
  svc: KObject,
  pods: KObject[],
  current: EndpointsObject | undefined,
  triggerMs: number,
): EndpointsObject | undefined {
  const subsets = repackSubsets(podSubsets(svc, pods).subsets);
  const svcLabels = svc.metadata.labels ?? {};
  if (
    current &&
    subsetsEqual(current.subsets, subsets) &&
    deepEqual(withoutKey(current.metadata.labels, LABEL_HEADLESS), svcLabels) &&
    capacityAnnotationOk(current.metadata.annotations, current.subsets)
  )
    return undefined;

  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
  if (triggerMs) annotations[ANNOTATION_TRIGGER_TIME] = formatRfc3339Nano(triggerMs);
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  const { subsets: final, truncated } = truncateSubsets(subsets);
  if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  const labels: Record<string, string> = { ...svcLabels };
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return {
    ...(current ?? {}),
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      ...(current?.metadata ?? { name: svc.metadata.name, namespace: svc.metadata.namespace }),
      // An empty map is left out, as Go's omitempty leaves it.
      labels: Object.keys(labels).length ? labels : undefined,
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
    subsets: final,
  };
}
