// Child processes of the benchmark: started with a deadline, stopped (TERM, then KILL) on the way out.
import { type ChildProcess } from 'node:child_process';

/** Keeps the last few KB of a child's output, to show when it dies early. */
export function tailOf(child: ChildProcess): () => string {
  let tail = '';
  const keep = (c: Buffer) => {
    tail = (tail + c.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves with `ready()`'s value once defined; rejects if the child exits or `timeoutMs` passes first. */
export async function waitFor<T>(
  child: ChildProcess,
  what: string,
  ready: () => Promise<T | undefined>,
  timeoutMs: number,
  tail: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited early (${child.exitCode ?? child.signalCode}):\n${tail()}`);
    const v = await ready();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
