// Writes a volume's files the way kubelet's AtomicWriter does, so a running container never sees a half
// update: the payload goes to a fresh timestamped directory, a `..data` symlink is swapped to it with a
// rename, and each top-level entry is a symlink through `..data`. The volume directory itself (the bind
// mount source) keeps its inode, so updates show up in running containers.
// Nothing is written through a link: every payload path is checked (kubelet's validatePath), its directories
// are made beneath the fresh payload directory without following links, and each file is created new (O_EXCL,
// O_NOFOLLOW) in the directory so opened.
import fs from 'node:fs';
import { mkdir, readdir, readlink, rename, rm, symlink, lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { payloadPathProblem, type PlannedFile } from '../translate/volume-plan.js';
import type { VolumeOwnership } from '../translate/volume-ownership.js';
import { setVolumeOwnership } from './volume-ownership.js';
import { openBeneath } from './safe-open.js';

const DATA = '..data';
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** Writes one payload file beneath `payload` without following any link on the way. */
async function writePayloadFile(payload: string, path: string, f: PlannedFile): Promise<void> {
  const dir = await openBeneath(payload, posix.dirname(path), { createDirs: 0o755 });
  try {
    if (!dir.isDirectory) throw new Error(`invalid path: ${posix.dirname(path)} is not a directory`);
    const fh = await fs.promises.open(`/proc/self/fd/${dir.fd}/${posix.basename(path)}`, CREATE_NEW, 0o600);
    try {
      await fh.writeFile(f.content);
      await fh.chmod(f.mode);
      if (f.uid !== undefined) await fh.chown(f.uid, -1);
    } finally {
      await fh.close();
    }
  } finally {
    await dir.close();
  }
}

/** A payload directory name the writer made (`..<stamp>`), never a path that could lead elsewhere. */
const isPayloadName = (name: string) => name.startsWith('..') && name.length > 2 && !name.includes('/') && name !== DATA;

/** `ownership`: the pod's fsGroup, applied to the new payload before it is swapped in, and to the volume's root. */
export async function writeAtomically(dir: string, files: Record<string, PlannedFile>, ownership?: VolumeOwnership): Promise<void> {
  for (const path of Object.keys(files)) {
    const problem = payloadPathProblem(path);
    if (problem) throw new Error(problem);
  }
  await mkdir(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const payload = join(dir, stamp);
  await mkdir(payload, { mode: 0o755 });
  for (const [path, f] of Object.entries(files)) await writePayloadFile(payload, path, f);
  if (ownership) {
    // Group and modes before the payload becomes visible; the root's own bits (not its entries, ours or old) too.
    await setVolumeOwnership(payload, { ...ownership, onRootMismatch: false });
    await setVolumeOwnership(dir, { ...ownership, onRootMismatch: false }, true);
  }
  let old: string | undefined;
  try {
    old = await readlink(join(dir, DATA));
  } catch {
    /* first write */
  }
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
    } catch {
      /* missing */
    }
    await symlink(join(DATA, name), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
  }
  if (old && old !== stamp && isPayloadName(old)) await rm(join(dir, old), { recursive: true, force: true });
}
