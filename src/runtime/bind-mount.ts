// Bind mounts on the host, made with util-linux mount(8) as the kubelet does for subPaths: the source is the
// /proc/<pid>/fd/<n> magic link of a descriptor we hold (never canonicalised into a path string, which a container
// could swap), the target a directory of ours that Docker then binds into the container. The engine cannot take the
// magic link itself: runc mounts from the container's new mount namespace, where a mount of the host's is refused.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { OpenedPath } from './safe-open.js';

const run = promisify(execFile);
const fstat = promisify(fs.fstat) as (fd: number) => Promise<fs.Stats>;

/** Mount points as /proc/self/mountinfo lists them (field 5, with its octal escapes undone). */
export async function mountPoints(): Promise<string[]> {
  const text = await fs.promises.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Mount points at or beneath `dir` (a real path), deepest first. */
export async function mountsBeneath(dir: string): Promise<string[]> {
  const all = await mountPoints();
  return [...new Set(all.filter((m) => m === dir || m.startsWith(`${dir}/`)))].sort((a, b) => b.length - a.length);
}

async function mountError(what: string, e: unknown): Promise<never> {
  const err = e as { stderr?: string; message: string };
  throw new Error(`${what}: ${(err.stderr || err.message).trim()}`);
}

/** Unmounts `target` (lazily when busy: the containers that use it keep their own copy). */
export async function unmount(target: string): Promise<void> {
  try {
    await run('umount', [target]);
  } catch {
    await run('umount', ['--lazy', target]).catch((e) => mountError(`umount ${target}`, e));
  }
}

/** Unmounts everything at or beneath `dir` (stacked mounts too); true when nothing is left mounted there. */
export async function unmountBeneath(dir: string): Promise<boolean> {
  for (let round = 0; round < 8; round++) {
    const left = await mountsBeneath(dir);
    if (!left.length) return true;
    for (const m of left) await unmount(m).catch(() => undefined);
  }
  return (await mountsBeneath(dir)).length === 0;
}

/**
 * Binds what `opened` pins at `target` (a path under a directory of ours). An existing mount there of the same file
 * is kept; another is replaced. The target is made to match: a directory for a directory, an empty file otherwise.
 */
export async function bindPinned(opened: OpenedPath, target: string): Promise<void> {
  const want = await fstat(opened.fd);
  if ((await mountsBeneath(target)).includes(target)) {
    const have = await fs.promises.stat(target).catch(() => undefined);
    if (have && have.dev === want.dev && have.ino === want.ino) return;
    await unmount(target);
  }
  const cur = await fs.promises.lstat(target).catch(() => undefined);
  if (cur && (cur.isDirectory() ? !opened.isDirectory : opened.isDirectory || !cur.isFile())) {
    if (cur.isDirectory()) await fs.promises.rmdir(target);
    else await fs.promises.unlink(target);
  }
  if (opened.isDirectory)
    await fs.promises.mkdir(target, { mode: 0o750 }).catch((e) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
  else await (await fs.promises.open(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o640)).close();
  // --no-canonicalize: mount(8) must not turn the magic link into the path it names (that path is the container's to change).
  await run('mount', ['--bind', '--no-canonicalize', opened.source, target]).catch((e) => mountError(`mount ${target}`, e));
}
