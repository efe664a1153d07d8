// Runs a command in a running container (docker exec) and collects its output and exit code.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

export async function execInContainer(docker: Docker, id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const ex = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await ex.start({ hijack: true, stdin: false });
  let output = '';
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => {
    if (output.length < 64 * 1024) output += c.toString('utf8');
  });
  // Listen for the end before anything else is awaited: a short command may finish at once.
  const ended = new Promise<boolean>((resolve) => {
    stream.on('end', () => resolve(false));
    stream.on('close', () => resolve(false));
    stream.on('error', () => resolve(false));
  });
  docker.modem.demuxStream(stream, sink, sink);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    ended,
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    stream.destroy();
    return { exitCode: -1, output, timedOut: true };
  }
  const info = await ex.inspect();
  return { exitCode: info.ExitCode ?? -1, output, timedOut: false };
}
