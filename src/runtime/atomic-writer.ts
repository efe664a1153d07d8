// Writes a volume's files the way kubelet's AtomicWriter does, so a running container never sees a half
// update: the payload goes to a fresh timestamped directory, a `..data` symlink is swapped to it with a
// rename, and each top-level entry is a symlink through `..data`. The volume directory itself (the bind
// mount source) keeps its inode, so updates show up in running containers.
import { mkdir, readdir, readlink, rename, rm, symlink, writeFile, chmod, lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PlannedFile } from '../translate/volume-plan.js';

const DATA = '..data';

export async function writeAtomically(dir: string, files: Record<string, PlannedFile>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const payload = join(dir, stamp);
  await mkdir(payload, { mode: 0o755 });
  for (const [path, f] of Object.entries(files)) {
    const target = join(payload, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
    await chmod(target, f.mode);
  }
  let old: string | undefined;
  try { old = await readlink(join(dir, DATA)); } catch { /* first write */ }
  const tmpLink = join(dir, `${DATA}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(stamp, tmpLink);
  await rename(tmpLink, join(dir, DATA));
  // Top-level entries point through ..data; entries that no longer exist are removed.
  const top = new Set(Object.keys(files).map((p) => p.split('/')[0]!));
  for (const name of top) {
    const link = join(dir, name);
    try {
      const st = await lstat(link);
      if (st.isSymbolicLink() && (await readlink(link)) === join(DATA, name)) continue;
      await rm(link, { recursive: true, force: true });
    } catch { /* missing */ }
    await symlink(join(DATA, name), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
  }
  if (old && old !== stamp) await rm(join(dir, old), { recursive: true, force: true });
}
