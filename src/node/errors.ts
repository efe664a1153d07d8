// The errors a node answers for its streams (the kubelet's texts), and the API server's when it cannot reach a node.
import { StatusError, badRequest } from '../machinery/api/errors.js';
import type { PodLike } from './types.js';

/** Why a container has no Docker container yet: its waiting reason from the pod status, else ContainerCreating. */
export function waitingReason(pod: PodLike, container: string): string {
  const st = pod.status ?? {};
  const all = [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])];
  return all.find((s) => s.name === container)?.state?.waiting?.reason || 'ContainerCreating';
}

export const waitingToStart = (pod: PodLike, container: string) =>
  badRequest(
    `container ${JSON.stringify(container)} in pod ${JSON.stringify(pod.metadata.name ?? '')} is waiting to start: ${waitingReason(pod, container)}`,
  );

export const previousNotFound = (pod: PodLike, container: string) =>
  badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(pod.metadata.name ?? '')} not found`);

/** The kubelet's runtime answers `container not found` for a container that is not running. */
export const containerNotRunning = (container: string) => badRequest(`container not found (${JSON.stringify(container)})`);

/**
 * A pod on a node the API server has no connection to: 500, worded as kube-apiserver's proxy words a kubelet it
 * cannot dial ("error dialing backend: ..."), never a guess at a local engine.
 */
export const noConnectionToNode = (nodeName: string) =>
  new StatusError(500, 'InternalError', `error dialing backend: no connection to node ${JSON.stringify(nodeName)}`);
