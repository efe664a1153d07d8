// The engine labels that tie containers and volumes to one dockube server (re-exported from the Docker runtime, which
// sets them), and the sweep of what servers whose data dir is gone left behind.
import type Docker from 'dockerode';
import { LABEL_DATA_DIR, LABEL_INSTANCE } from '../../runtime/docker-runtime.js';
import { LABEL_MANAGED } from '../../translate/labels.js';

export { LABEL_DATA_DIR, LABEL_INSTANCE, instanceFilter } from '../../runtime/docker-runtime.js';

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
