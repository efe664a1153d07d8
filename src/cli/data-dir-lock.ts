// One server per data dir: `<data-dir>/server.lock` names the PID (and, once it listens, the URL) of the server that
// holds it. Taken with an exclusive create, so two servers starting at once cannot both win; removed at exit; a lock
// whose process is gone (a crash, kill -9) or is no dockube any more (its PID reused) is stale and taken over.
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dataDirLayout } from '../data-dir.js';
import { writeFileAtomic } from '../pki/files.js';
import { StartupCheckFailed } from './startup-errors.js';

export interface LockInfo {
  pid: number;
  /** The API server's URL, once it listens. */
  url?: string;
  startedAt: string;
}

/** The holder named by the data dir's lock, if that process still runs dockube; undefined otherwise. */
export function lockHolder(dataDir: string): LockInfo | undefined {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(dataDirLayout(dataDir).lock, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
  return Number.isInteger(info.pid) && runsDockube(info.pid) ? info : undefined;
}

/** Whether `pid` is a live process whose command line is dockube's (a reused PID is not). */
export function runsDockube(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // The server runs as `node .../dist/bundle/main.cjs` (bin/dockube), `node .../main.js` or under a dockube path.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => /dockube/.test(a) || /(^|\/)main\.c?js$/.test(a));
  } catch {
    return true; // no /proc: a live PID is all we can tell
  }
}

export class DataDirLocked extends StartupCheckFailed {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `data dir ${dataDir} is in use by another dockube server (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''}); ` +
        `stop it ('dockube stop --data-dir ${dataDir}') or choose another --data-dir`,
    );
  }
}

export interface HeldLock {
  /** Records the server's URL in the lock (for `dockube status`). */
  setUrl(url: string): Promise<void>;
  release(): void;
}

/** Takes the data dir's lock (the dir must exist) for this process, or throws DataDirLocked naming the holder. */
export function acquireDataDirLock(dataDir: string): HeldLock {
  const path = dataDirLayout(dataDir).lock;
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path); // fails with EEXIST when a lock is there: the exclusive create
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      }
      const holder = lockHolder(dataDir);
      if (holder) throw new DataDirLocked(dataDir, holder);
      try {
        unlinkSync(path); // stale: its server died without removing it
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  } finally {
    unlinkSync(tmp);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as LockInfo).pid === process.pid) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return {
    setUrl: (url) => (held ? writeFileAtomic(path, JSON.stringify({ ...info, url }) + '\n', 0o644) : Promise.resolve()),
    release,
  };
}

/** Whether a file can be created in `dir` (an existing directory): the one sure test, root included. */
export function canCreateIn(dir: string): boolean {
  const probe = `${dir}/.dockube-write-test.${process.pid}`;
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}
