// scripts/dockerd-alive.sh: setup.sh's fast path trusts the local socket only when dockerd's pid file names a running
// dockerd. A socket left behind by a killed daemon (CI stop 21: the machine image's stale /var/run/docker.sock) must
// not pass, nor a pid reused by another program, nor a daemon killed but not yet reaped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(process.cwd(), 'scripts', 'dockerd-alive.sh');
const dir = mkdtempSync(join(tmpdir(), 'dockerd-alive-'));
/** A program whose /proc comm is "dockerd": sleep under that name. */
const fakeDockerd = join(dir, 'dockerd');
copyFileSync(spawnSync('bash', ['-c', 'command -v sleep']).stdout.toString().trim(), fakeDockerd);
spawnSync('chmod', ['+x', fakeDockerd]);
const children: ChildProcess[] = [];

const alive = (pidFile: string) => spawnSync('bash', ['-c', `. "${script}"; dockerd_alive "$1"`, 'test', pidFile]).status === 0;
const pidFileWith = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const started = (argv: string[]) => {
  const c = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  children.push(c);
  return c;
};
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a running dockerd passes, its pid written with or without a newline', () => {
  const d = started([fakeDockerd, '30']);
  expect(alive(pidFileWith('nl', `${d.pid}\n`))).toBe(true);
  expect(alive(pidFileWith('no-nl', `${d.pid}`))).toBe(true);
});

test('no pid file, an empty or garbled one, a dead pid and another program do not', () => {
  expect(alive(join(dir, 'missing'))).toBe(false);
  expect(alive(pidFileWith('empty', ''))).toBe(false);
  expect(alive(pidFileWith('garbled', '../1'))).toBe(false);
  const gone = spawnSync('bash', ['-c', 'echo $$']).stdout.toString().trim();
  expect(alive(pidFileWith('dead', gone))).toBe(false);
  const other = started(['sleep', '30']);
  expect(alive(pidFileWith('other', String(other.pid)))).toBe(false);
});

test('a dockerd killed but not yet reaped (a zombie) does not', async () => {
  // The parent execs into sleep, which never reaps: the killed daemon stays a zombie while the parent lives.
  const pidFile = join(dir, 'zombie');
  started(['bash', '-c', `"${fakeDockerd}" 30 & echo $! > "${pidFile}"; exec sleep 30`]);
  await until(() => readFileSync(pidFile, { flag: 'a+' }).length > 0);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  expect(alive(pidFile)).toBe(true);
  process.kill(pid, 'SIGKILL');
  await until(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z');
  expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]).toBe('Z');
  expect(alive(pidFile)).toBe(false);
});
