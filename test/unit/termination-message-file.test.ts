// Reading a termination message from the host: the last 4 KiB (kubelet's tail.ReadAtMost), never through a link,
// never from a mount source outside the directory the kubelet made, never blocking on a FIFO.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRuntime } from '../../src/runtime/container-runtime.js';
import { MAX_MESSAGE_BYTES, terminationMessage } from '../../src/reconcilers/kubelet/termination-message.js';

let root: string;
let logDir: string;
let secret: string;
const noRuntime = {} as ContainerRuntime; // the File policy never asks the engine for logs

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'termmsg-file-')));
  logDir = join(root, 'pods', 'uid', 'containers', 'c');
  fs.mkdirSync(logDir, { recursive: true });
  secret = join(root, 'host-secret');
  fs.writeFileSync(secret, 'root:hash');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const message = (source: string, hostDir: string | undefined = logDir) =>
  terminationMessage(noRuntime, {
    id: 'x',
    exitCode: 1,
    cannotRun: false,
    tty: false,
    terminationMessagePath: '/dev/termination-log',
    mounts: [{ Source: source, Destination: '/dev/termination-log' }],
    hostDir,
  });

test('the file the kubelet made is read, at most its last 4 KiB', async () => {
  const f = join(logDir, 'abcd');
  fs.writeFileSync(f, 'done');
  expect(await message(f)).toBe('done');
  fs.writeFileSync(f, `${'x'.repeat(10_000)}THE END`);
  const m = (await message(f))!;
  expect(m).toHaveLength(MAX_MESSAGE_BYTES);
  expect(m.endsWith('THE END')).toBe(true);
});

test('a link in place of the file is not followed', async () => {
  const f = join(logDir, 'abcd');
  fs.symlinkSync(secret, f);
  const m = await message(f);
  expect(m).toMatch(/^Error on reading termination log/);
  expect(m).not.toContain('root:hash');
});

test("a mount source outside the kubelet's directory is not read", async () => {
  expect(await message(secret)).toBeUndefined();
});

test('a FIFO does not block the kubelet', async () => {
  const f = join(logDir, 'fifo');
  execFileSync('mkfifo', [f]);
  expect(await message(f)).toMatch(/^Error on reading termination log .*not a regular file/);
});
