// The subPath resolver (kubelet's safe-open) against the symlink tricks of CVE-2017-1002101, on a real filesystem:
// links out (absolute, relative '..', chains, in an intermediate component), links swapped in while walking and
// between resolving and using, links that stay inside (allowed), files where directories are expected, missing
// directories made safely, and no descriptor leaks.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBeneath, UnsafePathError, type OpenedPath } from '../../src/runtime/safe-open.js';

let root: string;
let vol: string;
let outside: string;
const opened: OpenedPath[] = [];

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'safe-open-')));
  vol = join(root, 'vol');
  outside = join(root, 'outside');
  fs.mkdirSync(join(vol, 'a', 'b'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(join(outside, 'secret'), 'host secret');
  fs.writeFileSync(join(vol, 'file'), 'in the volume');
});
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function open(rel: string, opts: Parameters<typeof openBeneath>[2] = {}) {
  const o = await openBeneath(vol, rel, opts);
  opened.push(o);
  return o;
}
async function refusal(rel: string, opts: Parameters<typeof openBeneath>[2] = {}): Promise<UnsafePathError> {
  try {
    await open(rel, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(UnsafePathError);
    return e as UnsafePathError;
  }
  throw new Error(`${rel} was opened`);
}
const fdCount = () => fs.readdirSync('/proc/self/fd').length;

describe('links that leave the volume are refused', () => {
  test('an absolute link to a host directory, and to the host root', async () => {
    fs.symlinkSync(outside, join(vol, 'escape'));
    fs.symlinkSync('/', join(vol, 'root'));
    expect((await refusal('escape')).reason).toBe('escapes');
    expect((await refusal('root')).reason).toBe('escapes');
    expect((await refusal('root/etc', { createDirs: 0o755 })).reason).toBe('escapes');
  });

  test("a relative link climbing out with '..'", async () => {
    fs.symlinkSync('../outside', join(vol, 'up'));
    fs.symlinkSync('../../../../../../../../..', join(vol, 'far'));
    fs.symlinkSync('b/../../..', join(vol, 'a', 'sneaky'));
    expect((await refusal('up')).reason).toBe('escapes');
    expect((await refusal('far')).reason).toBe('escapes');
    expect((await refusal('a/sneaky')).reason).toBe('escapes');
  });

  test('a chain of links whose last one leaves', async () => {
    fs.symlinkSync('l2', join(vol, 'l1'));
    fs.symlinkSync('a/l3', join(vol, 'l2'));
    fs.symlinkSync(outside, join(vol, 'a', 'l3'));
    expect((await refusal('l1')).reason).toBe('escapes');
  });

  test('a link in an intermediate component', async () => {
    fs.symlinkSync(outside, join(vol, 'mid'));
    fs.symlinkSync('..', join(vol, 'dots'));
    expect((await refusal('mid/secret')).reason).toBe('escapes');
    expect((await refusal('a/b/../../dots/outside')).reason).toBe('escapes');
    // Even making directories does not go through it, and nothing is created outside.
    expect((await refusal('mid/new/dir', { createDirs: 0o755 })).reason).toBe('escapes');
    expect(fs.readdirSync(outside)).toEqual(['secret']);
  });

  test('a link that leaves and comes back is refused too (nothing outside the volume is ever looked at)', async () => {
    fs.symlinkSync('../vol/a', join(vol, 'roundtrip'));
    expect((await refusal('roundtrip')).reason).toBe('escapes');
  });

  test('a dangling link out is not created through', async () => {
    fs.symlinkSync(join(outside, 'made-by-pod'), join(vol, 'dangling'));
    expect((await refusal('dangling', { createDirs: 0o777 })).reason).toBe('escapes');
    expect(fs.existsSync(join(outside, 'made-by-pod'))).toBe(false);
  });

  test('a link loop ends with too-many-links', async () => {
    fs.symlinkSync('y', join(vol, 'x'));
    fs.symlinkSync('x', join(vol, 'y'));
    expect((await refusal('x')).reason).toBe('too-many-links');
  });
});

describe('what stays inside the volume works', () => {
  test('plain directories and files', async () => {
    const d = await open('a/b');
    expect(d.isDirectory).toBe(true);
    expect(d.hostPath()).toBe(join(vol, 'a', 'b'));
    const f = await open('file');
    expect(f.isDirectory).toBe(false);
    expect(fs.readFileSync(f.source, 'utf8')).toBe('in the volume');
  });

  test('relative links, chains, the root itself and absolute links into the volume', async () => {
    fs.symlinkSync('a/b', join(vol, 'rel'));
    fs.symlinkSync('../file', join(vol, 'a', 'up-to-file'));
    fs.symlinkSync('rel', join(vol, 'chain'));
    fs.symlinkSync('.', join(vol, 'self'));
    fs.symlinkSync(join(vol, 'a'), join(vol, 'abs-inside'));
    expect((await open('rel')).hostPath()).toBe(join(vol, 'a', 'b'));
    expect((await open('a/up-to-file')).hostPath()).toBe(join(vol, 'file'));
    expect((await open('chain/../b')).hostPath()).toBe(join(vol, 'a', 'b'));
    expect((await open('self/self/a')).hostPath()).toBe(join(vol, 'a'));
    expect((await open('self')).hostPath()).toBe(vol);
    expect((await open('abs-inside/b')).hostPath()).toBe(join(vol, 'a', 'b'));
  });

  test('configMap-style ..data links resolve to the payload file', async () => {
    fs.mkdirSync(join(vol, '..2024_01_01'));
    fs.writeFileSync(join(vol, '..2024_01_01', 'key'), 'value');
    fs.symlinkSync('..2024_01_01', join(vol, '..data'));
    fs.symlinkSync('..data/key', join(vol, 'key'));
    const f = await open('key');
    expect(f.hostPath()).toBe(join(vol, '..2024_01_01', 'key'));
  });

  test('a FIFO is opened without blocking (O_PATH)', async () => {
    execFileSync('mkfifo', [join(vol, 'pipe')]);
    expect((await open('pipe')).isDirectory).toBe(false);
  });
});

describe('files where directories are expected, missing components', () => {
  test('a file in the middle of the path', async () => {
    expect((await refusal('file/x')).reason).toBe('not-a-directory');
    expect((await refusal('file/x/y', { createDirs: 0o755 })).reason).toBe('not-a-directory');
    fs.symlinkSync('file', join(vol, 'to-file'));
    expect((await refusal('to-file/x')).reason).toBe('not-a-directory');
  });

  test('missing directories: refused without createDirs, made beneath the volume with the mode given', async () => {
    expect((await refusal('a/new/deeper')).reason).toBe('not-found');
    const d = await open('a/new/deeper', { createDirs: 0o2775 });
    expect(d.hostPath()).toBe(join(vol, 'a', 'new', 'deeper'));
    for (const p of ['a/new', 'a/new/deeper']) {
      const st = fs.lstatSync(join(vol, p));
      expect(st.isDirectory()).toBe(true);
      expect(st.mode & 0o7777).toBe(0o2775);
    }
    // A dangling link that stays inside is made through, inside.
    fs.symlinkSync('a/target', join(vol, 'later'));
    expect((await open('later', { createDirs: 0o755 })).hostPath()).toBe(join(vol, 'a', 'target'));
  });

  test('a missing base is reported, not thrown raw', async () => {
    const e = await openBeneath(join(root, 'nope'), 'x').then(
      () => undefined,
      (x) => x,
    );
    expect(e).toBeInstanceOf(UnsafePathError);
  });
});

describe('links swapped in while resolving or before use (TOCTOU)', () => {
  test('a directory replaced by a link to the host after it was opened: the walk goes on in what it opened', async () => {
    const d = await open('a/b', {
      afterStep: (names) => {
        if (names.join('/') !== 'a') return;
        fs.renameSync(join(vol, 'a'), join(vol, 'a-moved'));
        fs.symlinkSync(outside, join(vol, 'a'));
      },
    });
    expect(d.hostPath()).toBe(join(vol, 'a-moved', 'b'));
  });

  test('a link swapped in after resolving: what is used through the descriptor is still the volume directory', async () => {
    const d = await open('a/b');
    fs.renameSync(join(vol, 'a', 'b'), join(vol, 'a', 'b-moved'));
    fs.symlinkSync(outside, join(vol, 'a', 'b'));
    // The magic link is what the bind mount is made from: it names the pinned directory, not the path.
    fs.writeFileSync(join(d.source, 'written'), 'x');
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    expect(fs.readFileSync(join(vol, 'a', 'b-moved', 'written'), 'utf8')).toBe('x');
    // Resolving again now refuses.
    expect((await refusal('a/b')).reason).toBe('escapes');
  });
});

test('no descriptor is left open, refused or not', async () => {
  fs.symlinkSync(outside, join(vol, 'escape'));
  const before = fdCount();
  for (let i = 0; i < 20; i++) {
    await refusal('escape/x');
    await refusal('file/x');
    await refusal('missing/x');
    const ok = await openBeneath(vol, 'a/b');
    await ok.close();
  }
  expect(fdCount()).toBe(before);
});
