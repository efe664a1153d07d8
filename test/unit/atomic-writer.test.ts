// The volume file writer on a real filesystem: kubelet's layout (..data → timestamped payload, top-level links),
// updates, and that nothing is written or removed through a path that leaves the volume directory.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from '../../src/runtime/atomic-writer.js';

let root: string;
let dir: string;
let outside: string;
const file = (s: string, mode = 0o644) => ({ content: Buffer.from(s), mode });

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'atomic-writer-')));
  dir = join(root, 'vol');
  outside = join(root, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(join(outside, 'keep'), 'host file');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('kubelet layout: files in a timestamped payload behind ..data, top-level entries link through it; updates swap it', async () => {
  await writeAtomically(dir, { 'a.conf': file('A', 0o600), 'nested/deep/b': file('B', 0o400) });
  expect(fs.readlinkSync(join(dir, 'a.conf'))).toBe('..data/a.conf');
  expect(fs.readlinkSync(join(dir, 'nested'))).toBe('..data/nested');
  expect(fs.readFileSync(join(dir, 'nested/deep/b'), 'utf8')).toBe('B');
  expect(fs.statSync(join(dir, 'a.conf')).mode & 0o777).toBe(0o600);
  expect(fs.statSync(join(dir, 'nested/deep/b')).mode & 0o777).toBe(0o400);
  const first = fs.readlinkSync(join(dir, '..data'));
  await writeAtomically(dir, { 'a.conf': file('A2') });
  expect(fs.readFileSync(join(dir, 'a.conf'), 'utf8')).toBe('A2');
  expect(fs.existsSync(join(dir, 'nested'))).toBe(false);
  expect(fs.existsSync(join(dir, first))).toBe(false);
});

test("payload paths that are absolute, climb with '..' or take the writer's ..names are refused before anything is written", async () => {
  for (const bad of ['/etc/x', '../outside/keep', 'a/../../outside/x', '..data', '..2020_01_01/x']) {
    await expect(writeAtomically(dir, { ok: file('fine'), [bad]: file('pwned') })).rejects.toThrow(/invalid path/);
  }
  expect(fs.readdirSync(outside)).toEqual(['keep']);
  expect(fs.existsSync(dir)).toBe(false);
});

test('a tampered ..data link does not make the writer remove what it points to', async () => {
  await writeAtomically(dir, { a: file('1') });
  fs.rmSync(join(dir, '..data'));
  fs.symlinkSync('../outside', join(dir, '..data'));
  await writeAtomically(dir, { a: file('2') });
  expect(fs.readFileSync(join(outside, 'keep'), 'utf8')).toBe('host file');
  expect(fs.readFileSync(join(dir, 'a'), 'utf8')).toBe('2');
});

describe('ownership (fsGroup, the pod user)', () => {
  test("fsGroup: the payload's files and directories in the group, read-only group bits, setgid; a file owned by its uid", async () => {
    const o = { gid: 2000, readOnly: true, onRootMismatch: false };
    await writeAtomically(
      dir,
      { 'a/b.txt': { content: Buffer.from('x'), mode: 0o400 }, token: { content: Buffer.from('t'), mode: 0o600, uid: 1000 } },
      o,
    );
    const st = (p: string) => fs.statSync(join(dir, p));
    const mode = (p: string) => (st(p).mode & 0o7777).toString(8);
    expect([mode('.'), st('.').gid]).toEqual(['2755', 2000]);
    expect([mode('a'), st('a').gid]).toEqual(['2755', 2000]);
    expect([mode('a/b.txt'), st('a/b.txt').gid, st('a/b.txt').uid]).toEqual(['440', 2000, 0]);
    expect([mode('token'), st('token').gid, st('token').uid]).toEqual(['640', 2000, 1000]);
  });
});
