// A Docker exec or attach as a StreamSession: the hijacked connection's output split into stdout and stderr (the
// engine's framing without a TTY), stdin written through (end() half-closes, so the process sees EOF), resize, and
// the exit code. The engine's stream pauses while a reader has not taken what it was given.
import type Dockerode from 'dockerode';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { DockerFrameDecoder } from '../runtime/docker-frames.js';
import { engineMessage } from '../runtime/engine.js';
import type { SessionResult, StreamOptions, StreamSession } from './types.js';

/** Docker reports an exec whose executable cannot start as output text plus exit code 126/127. */
const EXEC_FAILED = /^OCI runtime exec failed: /;

export function execFailureMessage(text: string): string {
  // The useful part follows the last runtime prefix: `OCI runtime exec failed: exec failed: unable to start container process: <why>: unknown`.
  let why = text.trim();
  for (const prefix of ['OCI runtime exec failed: ', 'exec failed: ', 'unable to start container process: ']) {
    if (why.startsWith(prefix)) why = why.slice(prefix.length);
  }
  return why.replace(/: unknown$/, '');
}

interface Resizer {
  resize(opts: { h: number; w: number }): Promise<unknown>;
}

/** Starts `command` in the running container `id`. Rejects (with the engine's message) when the engine refuses. */
export async function startExec(docker: Dockerode, id: string, command: string[], o: StreamOptions): Promise<StreamSession> {
  const exec = await engineCall(() =>
    docker.getContainer(id).exec({
      Cmd: command,
      AttachStdin: o.stdin,
      AttachStdout: o.stdout,
      AttachStderr: o.stderr && !o.tty,
      Tty: o.tty,
    }),
  );
  const stream = (await engineCall(() => exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty }))) as unknown as Duplex;
  return bridge(stream, exec as unknown as Resizer, o, async (held) => {
    const exitCode = await exitCodeOf(exec);
    if (held && (exitCode === 126 || exitCode === 127)) return { error: execFailureMessage(held.toString('utf8')) };
    return { exitCode };
  });
}

/** Attaches to the container's main process; `o.tty` must be the container's own TTY setting (it decides the framing). */
export async function startAttach(docker: Dockerode, id: string, o: StreamOptions): Promise<StreamSession> {
  const container = docker.getContainer(id);
  const stream = (await engineCall(() =>
    container.attach({ stream: true, hijack: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr }),
  )) as unknown as Duplex;
  return bridge(stream, container as unknown as Resizer, o, undefined);
}

async function engineCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new Error(engineMessage(e));
  }
}

/**
 * Splits the engine's stream. For exec, the first chunk may be Docker's "OCI runtime exec failed" text: it is held
 * until the exit code says whether it was a failure to start (then it becomes the result's error, not output).
 */
function bridge(
  stream: Duplex,
  resizer: Resizer,
  o: StreamOptions,
  exitOf: ((held: Buffer | undefined) => Promise<SessionResult>) | undefined,
): StreamSession {
  const stdout = new PassThrough();
  const stderr = o.tty ? undefined : new PassThrough();
  let held: { to: PassThrough; data: Buffer } | undefined;
  let first = !!exitOf;
  let waiting = 0;
  let closed = false;
  const emit = (to: PassThrough, data: Buffer) => {
    if (to.write(data)) return;
    // The reader is behind: the engine's stream waits until every full pipe drained.
    waiting++;
    stream.pause();
    to.once('drain', () => {
      if (--waiting === 0) stream.resume();
    });
  };
  const out = (to: PassThrough, data: Buffer) => {
    if (first) {
      first = false;
      if (EXEC_FAILED.test(data.toString('utf8', 0, 40))) {
        held = { to, data };
        return;
      }
    }
    if (held) {
      emit(held.to, held.data);
      held = undefined;
    }
    emit(to, data);
  };
  const decoder = new DockerFrameDecoder();
  stream.on('data', (chunk: Buffer) => {
    if (o.tty) out(stdout, chunk);
    else for (const f of decoder.push(chunk)) out(f.stream === 2 ? stderr! : stdout, f.data);
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  const result = ended.then(async (): Promise<SessionResult> => {
    let r: SessionResult = {};
    try {
      // A session its client ended has nobody to tell how the process went: no waiting for the exit code.
      r = exitOf && !closed ? await exitOf(held?.data) : {};
    } catch (e) {
      r = { error: engineMessage(e) };
    }
    if (held && r.error === undefined) stdout.write(held.data);
    stdout.end();
    stderr?.end();
    return r;
  });
  const stdin = o.stdin
    ? new Writable({
        write: (chunk: Buffer, _enc, cb) => {
          stream.write(chunk);
          cb();
        },
        final: (cb) => {
          stream.end();
          cb();
        },
      })
    : undefined;
  stdin?.on('error', () => undefined); // a write after the process went: the session's end reports how it went
  return {
    stdin,
    stdout,
    stderr,
    tty: o.tty,
    resize: ({ width, height }) => {
      if (o.tty && width && height) void resizer.resize({ h: height, w: width }).catch(() => undefined);
    },
    result,
    close: () => {
      closed = true;
      stream.destroy();
    },
  };
}

/** The exec's exit code; the engine may need a moment after the stream ends to record it. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? 0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return 0;
}
