// Opens a path beneath a base directory the way kubelet's safe-open does (CVE-2017-1002101): one component at a
// time, each looked up in the directory opened before it and never followed if it is a link. A symbolic link met
// on the way is resolved by the same rules (relative to the link's directory, or absolute into the base), so links
// that stay inside the base work and links that leave it, even for a moment, are refused. What comes back is an
// O_PATH descriptor: the kernel pins what was opened, so a link swapped in afterwards changes nothing for whoever
// uses the descriptor (through /proc/<pid>/fd/<n>, as the kubelet bind-mounts subPaths).
import fs from 'node:fs';
import { posix } from 'node:path';
import { promisify } from 'node:util';

/** open(2) flags Node does not name: O_PATH (x86-64 and arm64 value) looks a file up without opening its content. */
export const O_PATH = 0o10000000;
const LOOKUP = O_PATH | fs.constants.O_NOFOLLOW;
/** The kernel's own bound on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

const openFd = promisify(fs.open) as (path: string, flags: number) => Promise<number>;
const fstat = promisify(fs.fstat) as (fd: number) => Promise<fs.Stats>;
const closeFd = promisify(fs.close);

export type UnsafePathReason = 'escapes' | 'not-a-directory' | 'not-found' | 'too-many-links' | 'create-failed' | 'open-failed';

/** Why a path could not be opened beneath its base; `detail` names host paths and goes to logs only. */
export class UnsafePathError extends Error {
  constructor(
    readonly reason: UnsafePathReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'UnsafePathError';
  }
}

export interface OpenBeneathOptions {
  /** create missing directories with this mode (kubelet's doSafeMakeDir: mkdir beneath the pinned parent, then chmod) */
  createDirs?: number;
  /** test hook: runs after each component is opened, before the next lookup (to swap links in between) */
  afterStep?: (opened: string[]) => void | Promise<void>;
}

/** A pinned file or directory; `source` names it for other processes while it stays open. */
export interface OpenedPath {
  fd: number;
  isDirectory: boolean;
  /** /proc/<our pid>/fd/<fd>: the magic link other processes (mount(8)) resolve to exactly what was opened */
  source: string;
  /** where it is now, for logs (the kernel's current name of the pinned file) */
  hostPath(): string;
  close(): Promise<void>;
}

const at = (dirFd: number, name: string) => `/proc/self/fd/${dirFd}/${name}`;
const parts = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * Opens `rel` beneath `base` without ever looking outside `base`. `base` itself is trusted (a volume's mount point,
 * a hostPath the admin allowed) and is resolved once. Throws UnsafePathError; the caller closes what it gets.
 */
export async function openBeneath(base: string, rel: string, opts: OpenBeneathOptions = {}): Promise<OpenedPath> {
  let realBase = base;
  /** open directories from the base down; names[i] is the name of stack[i + 1] */
  const stack: number[] = [];
  const names: string[] = [];
  let leaf: number | undefined;
  const shown = (...more: string[]) => posix.join(realBase, ...names, ...more);
  const dropTo = async (depth: number) => {
    while (stack.length > depth) {
      await closeFd(stack.pop()!);
      names.length = Math.max(0, stack.length - 1);
    }
  };
  try {
    realBase = await fs.promises.realpath(base);
    const baseParts = parts(realBase);
    stack.push(await openFd(realBase, LOOKUP | fs.constants.O_DIRECTORY));
    const queue = parts(rel);
    let links = 0;
    while (queue.length) {
      const name = queue.shift()!;
      if (leaf !== undefined) throw new UnsafePathError('not-a-directory', `${shown()} is not a directory`);
      if (name === '..') {
        // Every directory on the stack was opened without following links, so its parent is the one below it.
        if (stack.length === 1) throw new UnsafePathError('escapes', `${rel} leaves ${realBase}`);
        await dropTo(stack.length - 1);
        continue;
      }
      const parent = stack[stack.length - 1]!;
      let fd: number;
      try {
        fd = await openFd(at(parent, name), LOOKUP);
      } catch (e) {
        if (errno(e) !== 'ENOENT') throw e;
        if (opts.createDirs === undefined) throw new UnsafePathError('not-found', `${shown(name)} does not exist`);
        fd = await makeDir(parent, name, opts.createDirs, shown(name));
      }
      const st = await fstat(fd).catch(async (e) => {
        await closeFd(fd);
        throw e;
      });
      if (st.isSymbolicLink()) {
        // The link's text is read through the pinned parent; whatever it says is resolved by the same rules.
        let target: string;
        try {
          target = await fs.promises.readlink(at(parent, name));
        } finally {
          await closeFd(fd);
        }
        if (++links > MAX_LINKS) throw new UnsafePathError('too-many-links', `too many links resolving ${rel} in ${realBase}`);
        if (posix.isAbsolute(target)) {
          const t = parts(target);
          const inside = t.length >= baseParts.length && baseParts.every((c, i) => t[i] === c);
          if (!inside) throw new UnsafePathError('escapes', `${shown(name)} links out of ${realBase}`);
          await dropTo(1);
          queue.unshift(...t.slice(baseParts.length));
        } else {
          queue.unshift(...parts(target));
        }
        continue;
      }
      if (st.isDirectory()) stack.push(fd);
      else leaf = fd;
      names.push(name);
      await opts.afterStep?.([...names]);
    }
    const fd = leaf ?? stack.pop()!;
    const isDirectory = leaf === undefined;
    leaf = undefined;
    await dropTo(0);
    return {
      fd,
      isDirectory,
      source: `/proc/${process.pid}/fd/${fd}`,
      hostPath: () => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '?';
        }
      },
      close: () => closeFd(fd),
    };
  } catch (e) {
    if (leaf !== undefined) await closeFd(leaf).catch(() => undefined);
    await dropTo(0).catch(() => undefined);
    if (e instanceof UnsafePathError) throw e;
    throw new UnsafePathError('open-failed', `cannot open ${rel} in ${realBase}: ${(e as Error).message}`);
  }
}

/** mkdir beneath the pinned parent, then open what is there now without following it and give it `mode`. */
async function makeDir(parent: number, name: string, mode: number, shown: string): Promise<number> {
  try {
    await fs.promises.mkdir(at(parent, name), mode);
  } catch (e) {
    // Someone else made it meanwhile: it is opened (without following) like any existing component.
    if (errno(e) !== 'EEXIST') throw new UnsafePathError('create-failed', `cannot create directory ${shown}: ${(e as Error).message}`);
  }
  const fd = await openFd(at(parent, name), LOOKUP);
  const st = await fstat(fd);
  // A link or file put there after mkdir is not chmod-ed; the walk resolves or refuses it.
  if (st.isDirectory()) await fs.promises.chmod(`/proc/self/fd/${fd}`, mode);
  return fd;
}
