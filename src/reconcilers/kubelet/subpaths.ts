// kubelet's subPath preparation (PrepareSafeSubpath, SafeMakeDir, CleanSubPaths) over Docker: each subPath is opened
// beneath its volume without following links out, missing directories are made on the way, and what was opened is
// bind-mounted at <podDir>/volume-subpaths/<volume>/<container>/<index>, the path Docker is given. A container that
// swaps a directory of its volume for a link to the host is refused (CreateContainerConfigError), never mounted.
import fs from 'node:fs';
import { join } from 'node:path';
import { podLayout } from '../../data-dir.js';
import { bindPinned, mountsBeneath, unmountBeneath } from '../../runtime/bind-mount.js';
import { openBeneath, UnsafePathError, type OpenBeneathOptions, type OpenedPath } from '../../runtime/safe-open.js';
import { ContainerConfigError, subPathFailure, type SubPathTarget } from '../../translate/index.js';

export interface SubPathOptions {
  /** where the details of a refusal go (they name host paths, so they stay out of events and status) */
  log(detail: { container: string; volumeMount: string; err: string }): void;
  /** test hook: runs between opening a subPath and binding it (a link swapped here must not matter) */
  beforeBind?(target: SubPathTarget, opened: OpenedPath): void | Promise<void>;
  /** test hook: passed on to the walk */
  afterStep?: OpenBeneathOptions['afterStep'];
}

/** kubelet's message when the directories of a missing subPath could not be made. */
const createFailure = (mount: string, container: string) =>
  `failed to create subPath directory for volumeMount "${mount}" of container "${container}"`;

/** Binds each target's subPath under the pod directory; returns volumeMount index → host path for Docker. */
export async function prepareSubPaths(
  podDir: string,
  container: string,
  targets: SubPathTarget[],
  opts: SubPathOptions,
): Promise<Record<number, string>> {
  const sources: Record<number, string> = {};
  for (const t of targets) {
    let opened: OpenedPath | undefined;
    try {
      if (t.createVolumePath) await fs.promises.mkdir(t.volumePath, { recursive: true, mode: 0o755 });
      // Made directories get the volume root's mode, as SafeMakeDir(subPath, volumePath, GetMode(volumePath)).
      const mode = (await fs.promises.stat(t.volumePath)).mode & 0o7777;
      opened = await openBeneath(t.volumePath, t.subPath, { createDirs: mode, afterStep: opts.afterStep });
      await opts.beforeBind?.(t, opened);
      const parent = podLayout(podDir).subPath(t.mountName, container);
      await fs.promises.mkdir(parent, { recursive: true, mode: 0o750 });
      const target = join(await fs.promises.realpath(parent), String(t.index));
      await bindPinned(opened, target);
      sources[t.index] = target;
    } catch (e) {
      opts.log({ container, volumeMount: t.mountName, err: e instanceof UnsafePathError ? e.detail : (e as Error).message });
      const created = e instanceof UnsafePathError && e.reason === 'create-failed';
      throw new ContainerConfigError(created ? createFailure(t.mountName, container) : subPathFailure(t.mountName, container));
    } finally {
      await opened?.close();
    }
  }
  return sources;
}

/**
 * Unmounts and removes the pod's subPath binds (kubelet's doCleanSubPaths). Only rmdir/unlink are used below the
 * bind targets, so a mount that could not be undone is never descended into. False when something stays mounted.
 */
export async function cleanSubPaths(podDir: string): Promise<boolean> {
  let dir: string;
  try {
    dir = await fs.promises.realpath(podLayout(podDir).subPaths);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  if (!(await unmountBeneath(dir))) return false;
  const entries = async (d: string) =>
    (await fs.promises.readdir(d, { withFileTypes: true })).map((x) => ({ path: join(d, x.name), dir: x.isDirectory() }));
  for (const volume of await entries(dir)) {
    if (!volume.dir) {
      await fs.promises.unlink(volume.path);
      continue;
    }
    for (const ctr of await entries(volume.path)) {
      if (ctr.dir) for (const t of await entries(ctr.path)) await (t.dir ? fs.promises.rmdir(t.path) : fs.promises.unlink(t.path));
      await (ctr.dir ? fs.promises.rmdir(ctr.path) : fs.promises.unlink(ctr.path));
    }
    await fs.promises.rmdir(volume.path);
  }
  await fs.promises.rmdir(dir);
  return (await mountsBeneath(dir)).length === 0;
}
