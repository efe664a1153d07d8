// The kubelet's picture of a pod, rebuilt from Docker alone on every sync: its containers found by label,
// grouped per container name, newest attempt first.
import type Docker from 'dockerode';
import { engineStatus } from '../../runtime/engine.js';
import { LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, containerKeyFromLabels, type ContainerKey } from '../../translate/labels.js';
import type { DockerInspect } from '../../translate/status.js';

/** Separates dockube servers (data dirs) that share one engine: each manages only its own containers. */
export const LABEL_INSTANCE = 'dockube.io/instance';

export interface Observed {
  id: string;
  key: ContainerKey;
  inspect: DockerInspect & {
    HostConfig?: { NetworkMode?: string };
    Mounts?: { Source?: string; Destination?: string }[];
    Created?: string;
    NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
  };
}

/** The data dir of the server that made the container: when it is gone, nothing can adopt the container again. */
export const LABEL_DATA_DIR = 'dockube.io/data-dir';

export const instanceFilter = (instance: string) => `${LABEL_INSTANCE}=${instance}`;

/** Containers (any state) of the pod named ns/name that this instance manages, every uid included. */
export async function listPodContainers(docker: Docker, instance: string, namespace: string, name: string): Promise<Observed[]> {
  const list = await docker.listContainers({
    all: true,
    filters: {
      label: [`${LABEL_MANAGED}=true`, instanceFilter(instance), `${LABEL_POD_NAMESPACE}=${namespace}`, `${LABEL_POD_NAME}=${name}`],
    },
  });
  const out: Observed[] = [];
  await Promise.all(
    list.map(async (c) => {
      const key = containerKeyFromLabels(c.Labels);
      if (!key) return;
      try {
        const inspect = (await docker.getContainer(c.Id).inspect()) as unknown as Observed['inspect'];
        out.push({ id: c.Id, key, inspect });
      } catch (e) {
        if (engineStatus(e) !== 404) throw e; // removed between list and inspect
      }
    }),
  );
  return out;
}

/** Every ns/name that has containers of this instance (for the resync). */
export async function listPodKeys(docker: Docker, instance: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, instanceFilter(instance)] } });
  const keys = new Set<string>();
  for (const c of list) {
    const k = containerKeyFromLabels(c.Labels);
    if (k) keys.add(`${k.namespace}/${k.podName}`);
  }
  return [...keys];
}

/** Attempts of one container (or the infra), newest first. */
export function attemptsOf(all: Observed[], kind: 'infra' | 'init' | 'app', name?: string): Observed[] {
  return all
    .filter((o) => o.key.kind === kind && (name === undefined || o.key.container === name))
    .sort((a, b) => b.key.attempt - a.key.attempt);
}

export const isRunning = (o: Observed | undefined) => o?.inspect.State.Running === true || o?.inspect.State.Restarting === true;

/** The container has run and ended, or was created but could never start. */
export const hasEnded = (o: Observed | undefined) =>
  !!o && !isRunning(o) && ['exited', 'dead', 'created'].includes(o.inspect.State.Status ?? '');

/** When the run ended (ms), for the back-off: the finish time, else the creation time (never started). */
export function endedAt(o: Observed): number {
  const f = Date.parse(o.inspect.State.FinishedAt ?? '');
  if (Number.isFinite(f) && f > 0) return f;
  const c = Date.parse(o.inspect.Created ?? '');
  return Number.isFinite(c) ? c : Date.now();
}

export const networkOf = (o: Observed) => o.inspect.HostConfig?.NetworkMode ?? '';

/**
 * Containers and volumes left by dockube servers whose data dir no longer exists (a removed test server, a wiped
 * install): nothing can adopt them again, so they are removed. Servers whose data dir exists are left alone.
 */
export async function removeAbandoned(docker: Docker, ownInstance: string, exists: (path: string) => boolean): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, LABEL_DATA_DIR] } });
  const doomed = list.filter((c) => c.Labels[LABEL_INSTANCE] !== ownInstance && !exists(c.Labels[LABEL_DATA_DIR]!));
  await Promise.all(
    doomed.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABEL_MANAGED}=true`, LABEL_DATA_DIR] } });
  const vols = (Volumes ?? []).filter((v) => v.Labels?.[LABEL_INSTANCE] !== ownInstance && !exists(v.Labels?.[LABEL_DATA_DIR] ?? ''));
  await Promise.all(
    vols.map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
  return doomed.length;
}
