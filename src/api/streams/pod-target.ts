// Resolves the pod and container a log/exec/attach request addresses, with the errors the apiserver and kubelet give.
import type Dockerode from 'dockerode';
import type { ResourceService } from '../../registry/service.js';
import type { ResourceDef } from '../../registry/types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { badRequest } from '../../machinery/api/errors.js';
import { findPodContainer, inspectDetails, type ContainerDetails } from '../../runtime/container-lookup.js';

interface ContainerSpec {
  name: string;
  stdin?: boolean;
  tty?: boolean;
}
interface ContainerStatusLike {
  name: string;
  state?: { waiting?: { reason?: string } };
}
export interface PodLike extends KObject {
  spec?: { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[]; nodeName?: string };
  status?: {
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
    ephemeralContainerStatuses?: ContainerStatusLike[];
  };
}

/** Init, regular, then ephemeral containers: the order podutil.VisitContainers walks them. */
function allContainers(pod: PodLike): ContainerSpec[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
}

/**
 * The container a request names, or the only one when it names none (the pod strategy's validateContainer).
 * The annotation kubectl.kubernetes.io/default-container is applied by kubectl, not here.
 */
export function chooseContainer(pod: PodLike, requested: string | undefined): ContainerSpec {
  const name = pod.metadata.name ?? '';
  if (!requested) {
    const regular = pod.spec?.containers ?? [];
    if (regular.length === 1) return regular[0]!;
    if (regular.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    // Go's %s of a []string: [a b c].
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${allContainers(pod)
        .map((c) => c.name)
        .join(' ')}]`,
    );
  }
  const found = allContainers(pod).find((c) => c.name === requested);
  if (!found) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return found;
}

export interface Target {
  pod: PodLike;
  container: ContainerSpec;
}

export async function resolveTarget(
  service: ResourceService,
  podsDef: ResourceDef,
  namespace: string,
  name: string,
  container: string | undefined,
): Promise<Target> {
  const pod = (await service.get(podsDef, namespace, name)) as PodLike;
  return { pod, container: chooseContainer(pod, container) };
}

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

/** The running Docker container for exec/attach, or the error kubectl shows when there is none. */
export async function runningContainer(docker: Dockerode, t: Target): Promise<ContainerDetails> {
  const podName = t.pod.metadata.name ?? '';
  if (!t.pod.spec?.nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const found = await findPodContainer(docker, t.pod.metadata.uid ?? '', t.container.name);
  if (!found) throw waitingToStart(t.pod, t.container.name);
  const details = await inspectDetails(docker, found.id);
  // The kubelet's runtime answers `container not found` for a container that is not running.
  if (!details.running) throw badRequest(`container not found (${JSON.stringify(t.container.name)})`);
  return details;
}
