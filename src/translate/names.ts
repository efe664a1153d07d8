// Docker container names in dockershim's scheme, so `docker ps` reads like a kubelet node:
// k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; the infra container is called POD.
// Pod names, namespaces and container names are DNS labels/subdomains, so `_` never occurs in them.

export const INFRA_CONTAINER_NAME = 'POD';
const PREFIX = 'k8s';

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

export function containerDockerName(pod: PodRef, container: string, attempt = 0): string {
  return [PREFIX, container, pod.name, pod.namespace, pod.uid, attempt].join('_');
}

export const infraDockerName = (pod: PodRef, attempt = 0) => containerDockerName(pod, INFRA_CONTAINER_NAME, attempt);

export interface ParsedDockerName extends PodRef {
  container: string;
  attempt: number;
}

/** The inverse of containerDockerName (a leading `/`, as the engine lists names, is accepted); undefined for foreign names. */
export function parseDockerName(name: string): ParsedDockerName | undefined {
  const parts = name.replace(/^\//, '').split('_');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const attempt = Number(parts[5]);
  if (!Number.isInteger(attempt) || attempt < 0) return undefined;
  return { container: parts[1], name: parts[2], namespace: parts[3], uid: parts[4], attempt };
}
