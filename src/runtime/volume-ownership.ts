// Applies a volume's fsGroup ownership on the host as the kubelet's SetVolumeOwnership does: every entry gets the
// group, files group read(-write), directories also search and setgid (so new files inherit the group). Links are
// re-grouped themselves (lchown) and never followed.
import { lchown, lstat, readdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedMode, rootNeedsChange, type VolumeOwnership } from '../translate/volume-ownership.js';

async function own(path: string, o: VolumeOwnership, recurse: boolean): Promise<void> {
  const st = await lstat(path);
  await lchown(path, -1, o.gid);
  if (st.isSymbolicLink()) return;
  await chmod(path, ownedMode(st.mode, st.isDirectory(), o));
  if (!recurse || !st.isDirectory()) return;
  for (const entry of await readdir(path)) await own(join(path, entry), o, true);
}

/**
 * Ownership for the tree at `root` (only the root itself when `rootOnly`); with OnRootMismatch nothing changes when
 * the root already matches.
 */
export async function setVolumeOwnership(root: string, o: VolumeOwnership, rootOnly = false): Promise<void> {
  if (o.onRootMismatch) {
    const st = await lstat(root);
    if (!rootNeedsChange({ gid: st.gid, mode: st.mode }, o)) return;
  }
  await own(root, o, !rootOnly);
}
