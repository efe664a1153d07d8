// A terminated container's status message, as kubelet computes it: the terminationMessagePath file (its last 4 KiB,
// read from the host file the kubelet made, never through a link, so a container cannot point it elsewhere),
// or — with terminationMessagePolicy FallbackToLogsOnError, a non-zero exit and an empty/missing file — the tail of
// its log (the last 80 lines, at most the last 2 KiB).
import fs from 'node:fs';
import { dirname } from 'node:path';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';

/** kubelet's MaxContainerTerminationMessageLength: the most read from the message file. */
export const MAX_MESSAGE_BYTES = 4 * 1024;
/** kubelet's MaxContainerTerminationMessageLogLines / MaxContainerTerminationMessageLogLength for the log fallback. */
export const MAX_LOG_LINES = 80;
export const MAX_LOG_BYTES = 2 * 1024;

export interface TerminatedContainer {
  id: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  exitCode: number;
  /** the engine could not run the process at all (kubelet's ContainerCannotRun): there are no logs to fall back to */
  cannotRun: boolean;
  mounts: { Source?: string; Destination?: string }[];
  tty: boolean;
  /** the directory the kubelet made this container's termination-log file in: a source elsewhere is not read */
  hostDir?: string;
}

/** The tail of a regular file (kubelet's tail.ReadAtMost), opened without following a link or blocking on a FIFO. */
export async function readAtMost(path: string, max: number): Promise<string> {
  const fh = await fs.promises.open(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    const len = Math.min(st.size, max);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, st.size - len);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Whether the log tail replaces an empty message (kubelet's fallbackToLogs). */
export function fallsBackToLogs(c: Pick<TerminatedContainer, 'terminationMessagePolicy' | 'exitCode' | 'cannotRun'>): boolean {
  return c.terminationMessagePolicy === 'FallbackToLogsOnError' && c.exitCode !== 0 && !c.cannotRun;
}

/** Keeps the last `maxBytes` bytes of the joined log output (a ring buffer's view of it). */
export function logTail(chunks: Buffer[], maxBytes = MAX_LOG_BYTES): string {
  const all = Buffer.concat(chunks);
  return all.subarray(Math.max(0, all.length - maxBytes)).toString('utf8');
}

/** The message for a terminated container, or undefined when there is none. */
export async function terminationMessage(runtime: Pick<ContainerRuntime, 'logTail'>, c: TerminatedContainer): Promise<string | undefined> {
  const fallback = fallsBackToLogs(c);
  const path = c.terminationMessagePath ?? '/dev/termination-log';
  const mount = c.mounts.find((m) => m.Destination === path);
  let text = '';
  if (mount?.Source && (!c.hostDir || dirname(mount.Source) === c.hostDir)) {
    try {
      text = await readAtMost(mount.Source, MAX_MESSAGE_BYTES);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        return `Error on reading termination log ${mount.Source}: ${(e as Error).message}`;
    }
  }
  if (text || !fallback) return text || undefined;
  try {
    return logTail([await runtime.logTail(c.id, MAX_LOG_LINES, c.tty)]) || undefined;
  } catch (e) {
    return `Error on reading termination message from logs: ${(e as Error).message}`;
  }
}
