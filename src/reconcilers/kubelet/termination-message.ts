// A terminated container's status message, as kubelet computes it: the terminationMessagePath file (at most 4 KiB),
// or — with terminationMessagePolicy FallbackToLogsOnError, a non-zero exit and an empty/missing file — the tail of
// its log (the last 80 lines, at most the last 2 KiB).
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { DockerFrameDecoder } from '../../api/streams/docker-frames.js';

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

/** The container's last log lines, stdout and stderr interleaved as written, without Docker's stream framing. */
async function readLogTail(docker: Docker, c: TerminatedContainer): Promise<string> {
  const body = (await docker.getContainer(c.id).logs({ stdout: true, stderr: true, follow: false, tail: MAX_LOG_LINES })) as unknown as Buffer;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  if (c.tty) return logTail([buf]);
  return logTail(new DockerFrameDecoder().push(buf).map((f) => f.data));
}

/** The message for a terminated container, or undefined when there is none. */
export async function terminationMessage(docker: Docker, c: TerminatedContainer): Promise<string | undefined> {
  const fallback = fallsBackToLogs(c);
  const path = c.terminationMessagePath ?? '/dev/termination-log';
  const mount = c.mounts.find((m) => m.Destination === path);
  let text = '';
  if (mount?.Source) {
    try {
      text = (await readFile(mount.Source)).subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `Error on reading termination log ${mount.Source}: ${(e as Error).message}`;
    }
  }
  if (text || !fallback) return text || undefined;
  try {
    return (await readLogTail(docker, c)) || undefined;
  } catch (e) {
    return `Error on reading termination message from logs: ${(e as Error).message}`;
  }
}
