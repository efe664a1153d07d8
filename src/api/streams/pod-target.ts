// Resolves the pod, container and node a log/exec/attach request addresses, with the errors the apiserver gives; the
// container's own state (waiting, not running) is the node's to report.
import type { ResourceService } from '../../registry/service.js';
import type { ResourceDef } from '../../registry/types.js';
import { badRequest } from '../../machinery/api/errors.js';
import { noConnectionToNode } from '../../node/errors.js';
import type { NodeConnection, NodeLookup, PodContainerSpec, PodLike } from '../../node/types.js';

export type { PodLike } from '../../node/types.js';

/** Init, regular, then ephemeral containers: the order podutil.VisitContainers walks them. */
function allContainers(pod: PodLike): PodContainerSpec[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
}

/**
 * The container a request names, or the only one when it names none (the pod strategy's validateContainer).
 * The annotation kubectl.kubernetes.io/default-container is applied by kubectl, not here.
 */
export function chooseContainer(pod: PodLike, requested: string | undefined): PodContainerSpec {
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
  container: PodContainerSpec;
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

/** The node a scheduled pod runs on (as the apiserver finds the kubelet from spec.nodeName), or its error. */
export function podNode(nodes: NodeLookup, pod: PodLike): NodeConnection {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  const node = nodes(nodeName);
  if (!node) throw noConnectionToNode(nodeName);
  return node;
}
