// A tmpfs of the kubelet's own at a host directory (emptyDir medium Memory): mounted once for the pod's life, so its
// contents outlive container restarts; the engine only binds the directory.
import { execFile } from 'node:child_process';
import { mkdir, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { mountPoints } from './bind-mount.js';

const run = promisify(execFile);

/** Mounts a tmpfs at `dir` (made if missing) unless one is there already; returns the directory's real path. */
export async function ensureTmpfs(dir: string, opts: { mode: number; sizeBytes?: number }): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const real = await realpath(dir);
  if ((await mountPoints()).includes(real)) return real;
  const options = [`mode=${opts.mode.toString(8).padStart(4, '0')}`, ...(opts.sizeBytes ? [`size=${opts.sizeBytes}`] : [])];
  try {
    await run('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', real]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`mount tmpfs at ${real}: ${(err.stderr || err.message).trim()}`);
  }
  return real;
}
