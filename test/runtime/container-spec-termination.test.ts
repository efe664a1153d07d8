// Termination messages against the real engine: the terminationMessagePath file, and the FallbackToLogsOnError
// log tail (last 80 lines, at most 2 KiB; only on a non-zero exit and an empty file).
// If no engine can be reached this FAILS (it never skips).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';
import { jest } from '@jest/globals';
import {
  MAX_LOG_BYTES,
  fallsBackToLogs,
  logTail,
  terminationMessage,
  type TerminatedContainer,
} from '../../src/reconcilers/kubelet/termination-message.js';
import { removeContainers, run } from './support.js';

jest.setTimeout(60_000);

const docker = new Docker();
const runtime = new DockerRuntime(docker, { instance: 'termination-test', dataDir: '/nonexistent' });
const IMAGE = 'dockube/busybox:test';
const label = `dockube-test-termmsg-${randomBytes(3).toString('hex')}`;
let dir: string;

beforeAll(() => {
  run('bash', ['scripts/build-test-images.sh']);
  dir = mkdtempSync(join(tmpdir(), 'termmsg-'));
});

afterAll(async () => {
  await removeContainers(docker, [label]);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `script` to completion with an empty termination-log file bound at /dev/termination-log. */
async function runToEnd(script: string, opts: { tty?: boolean; file?: string } = {}): Promise<TerminatedContainer> {
  const file = join(dir, randomBytes(4).toString('hex'));
  writeFileSync(file, opts.file ?? '', { mode: 0o666 });
  const c = await docker.createContainer({
    Image: IMAGE,
    Entrypoint: ['sh', '-c', script],
    Tty: opts.tty === true,
    Labels: { [label]: 'true' },
    HostConfig: { Binds: [`${file}:/dev/termination-log`] },
  });
  await c.start();
  const { StatusCode } = (await c.wait()) as { StatusCode: number };
  const inspect = await c.inspect();
  return {
    id: c.id,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    exitCode: StatusCode,
    cannotRun: false,
    mounts: inspect.Mounts.map((m) => ({ Source: m.Source, Destination: m.Destination })),
    tty: opts.tty === true,
  };
}

describe('fallsBackToLogs', () => {
  it('only for FallbackToLogsOnError, a non-zero exit, and a process that ran', () => {
    expect(fallsBackToLogs({ terminationMessagePolicy: 'FallbackToLogsOnError', exitCode: 1, cannotRun: false })).toBe(true);
    expect(fallsBackToLogs({ terminationMessagePolicy: 'FallbackToLogsOnError', exitCode: 0, cannotRun: false })).toBe(false);
    expect(fallsBackToLogs({ terminationMessagePolicy: 'File', exitCode: 1, cannotRun: false })).toBe(false);
    expect(fallsBackToLogs({ terminationMessagePolicy: 'FallbackToLogsOnError', exitCode: 127, cannotRun: true })).toBe(false);
  });

  it('logTail keeps the end when the output is over the byte limit', () => {
    const out = logTail([Buffer.from('a'.repeat(MAX_LOG_BYTES)), Buffer.from('END')]);
    expect(out).toHaveLength(MAX_LOG_BYTES);
    expect(out.endsWith('aEND')).toBe(true);
  });
});

describe('terminationMessage on real containers', () => {
  it('uses the log tail (stdout and stderr, without stream framing) on an error exit', async () => {
    const c = await runToEnd('echo first; sleep 0.3; echo second >&2; sleep 0.3; echo last; exit 2');
    expect(await terminationMessage(runtime, c)).toBe('first\nsecond\nlast\n');
  });

  it('keeps only the last 80 lines', async () => {
    const c = await runToEnd('i=1; while [ $i -le 100 ]; do echo line-$i; i=$((i+1)); done; exit 1');
    const msg = (await terminationMessage(runtime, c))!;
    const lines = msg.trimEnd().split('\n');
    expect(lines).toHaveLength(80);
    expect(lines[0]).toBe('line-21');
    expect(lines[79]).toBe('line-100');
  });

  it('keeps only the last 2 KiB of long lines', async () => {
    const c = await runToEnd('i=0; while [ $i -lt 30 ]; do printf "%0100d\\n" $i; i=$((i+1)); done; echo tail-end; exit 1');
    const msg = (await terminationMessage(runtime, c))!;
    expect(Buffer.byteLength(msg)).toBe(MAX_LOG_BYTES);
    expect(msg.endsWith('tail-end\n')).toBe(true);
  });

  it('reads a tty container log as is', async () => {
    const c = await runToEnd('echo on-a-tty; exit 3', { tty: true });
    expect(await terminationMessage(runtime, c)).toMatch(/^on-a-tty\r?\n$/);
  });

  it('leaves no message when the container succeeded', async () => {
    const c = await runToEnd('echo fine; exit 0');
    expect(await terminationMessage(runtime, c)).toBeUndefined();
  });

  it('prefers the termination-log file over the logs', async () => {
    const c = await runToEnd('echo -n from-file > /dev/termination-log; echo from-logs; exit 1');
    expect(await terminationMessage(runtime, c)).toBe('from-file');
  });

  it('with policy File an error exit and an empty file give no message', async () => {
    const c = await runToEnd('echo from-logs; exit 1');
    expect(await terminationMessage(runtime, { ...c, terminationMessagePolicy: 'File' })).toBeUndefined();
  });
});
