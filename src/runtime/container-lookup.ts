// Finds the Docker container behind a pod's container by its labels (pod uid + container name), as the node's log,
// exec and attach need it (with the node's Docker client). A restart creates a new container with a higher attempt label: the newest one is
// the current container, the one before it is what `previous=true` reads.
import type Dockerode from 'dockerode';
import { containerKeyFromLabels, podLabelFilter, LABEL_CONTAINER_NAME, type ContainerKey } from '../translate/labels.js';

export interface PodContainer {
  id: string;
  key: ContainerKey;
  /** Docker's state word: created, running, paused, restarting, exited, dead. */
  state: string;
  /** Unix seconds. */
  created: number;
}

export interface ContainerDetails {
  id: string;
  running: boolean;
  /** Container was created with a TTY: its logs and attach stream are raw, not multiplexed. */
  tty: boolean;
  /** Container keeps stdin open (spec.containers[].stdin): only then may attach forward stdin. */
  openStdin: boolean;
  exitCode?: number;
}

/** All Docker containers of one pod container, newest attempt first (creation time breaks ties). */
export async function listPodContainers(docker: Dockerode, podUid: string, container: string): Promise<PodContainer[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [...podLabelFilter({ uid: podUid }), `${LABEL_CONTAINER_NAME}=${container}`] },
  });
  const found: PodContainer[] = [];
  for (const c of list) {
    const key = containerKeyFromLabels(c.Labels);
    if (key && key.podUid === podUid && key.container === container) found.push({ id: c.Id, key, state: c.State, created: c.Created });
  }
  return found.sort((a, b) => b.key.attempt - a.key.attempt || b.created - a.created);
}

/** The current container (previous=false) or the one before it (previous=true); undefined when there is none. */
export async function findPodContainer(
  docker: Dockerode,
  podUid: string,
  container: string,
  previous = false,
): Promise<PodContainer | undefined> {
  const all = await listPodContainers(docker, podUid, container);
  return all[previous ? 1 : 0];
}

export async function inspectDetails(docker: Dockerode, id: string): Promise<ContainerDetails> {
  const info = await docker.getContainer(id).inspect();
  return {
    id,
    running: !!info.State?.Running,
    tty: !!info.Config?.Tty,
    openStdin: !!info.Config?.OpenStdin,
    exitCode: info.State?.Running ? undefined : info.State?.ExitCode,
  };
}
