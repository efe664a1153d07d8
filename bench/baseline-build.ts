// An older commit of dockube, built to run beside the current one: a git worktree under the temp dir, its npm
// packages (this checkout's node_modules when they hold everything its package.json names, else its own
// `npm install`), and its TypeScript build. Kept between runs; each step is skipped when already done.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
// dist/bench/baseline-build.js → the repository root
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_OUTPUT = 64 * 1024 * 1024;

async function sh(cmd: string, args: string[], cwd: string, why: string): Promise<void> {
  process.stderr.write(`baseline: ${why}\n`);
  try {
    await run(cmd, args, { cwd, maxBuffer: MAX_OUTPUT });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) failed: ${out.message}\n${(out.stdout ?? '') + (out.stderr ?? '')}`.slice(0, 8000),
    );
  }
}

/** Names in package.json that `node_modules` lacks. */
function missingPackages(pkgJson: string, nodeModules: string): string[] {
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((n) => !existsSync(join(nodeModules, n, 'package.json')));
}

/** Builds `commit` (once) and returns its entry point, the counterpart of dist/src/cli/main.js. */
export async function buildBaseline(commit: string): Promise<{ dir: string; main: string; commit: string; bundle?: string }> {
  const { stdout } = await run('git', ['rev-parse', '--short', `${commit}^{commit}`], { cwd: ROOT });
  const short = stdout.trim();
  const dir = join(tmpdir(), `dockube-baseline-${short}`);
  if (!existsSync(join(dir, 'package.json'))) {
    await sh('git', ['worktree', 'add', '--force', '--detach', dir, short], ROOT, `git worktree of ${short} at ${dir}`);
  }
  const modules = join(dir, 'node_modules');
  // A link left pointing at a checkout that is gone (existsSync follows it) is replaced.
  if (!existsSync(modules) && lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(modules);
  if (!existsSync(modules)) {
    const missing = missingPackages(join(dir, 'package.json'), join(ROOT, 'node_modules'));
    if (missing.length === 0) symlinkSync(join(ROOT, 'node_modules'), modules, 'dir');
    else
      await sh(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund'],
        dir,
        `npm install (this checkout lacks ${missing.join(', ')})`,
      );
  }
  const built = join(dir, 'dist', '.built');
  if (!existsSync(built)) {
    await sh(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir, `building ${short}`);
    writeFileSync(built, `${short}\n`);
  }
  // Its bundle too, when the commit has scripts/bundle.mjs (what its bin/dockube ran).
  const bundle = join(dir, 'dist', 'bundle', 'main.js');
  if (!existsSync(bundle) && existsSync(join(dir, 'scripts', 'bundle.mjs')))
    await sh(process.execPath, [join(dir, 'scripts', 'bundle.mjs')], dir, `bundling ${short}`);
  // Its CommonJS entry when it has one (what its bin/dockube ran, and what the current bundle's row runs): main.js
  // imports it through the ES module loader, a few ms more.
  const cjs = join(dir, 'dist', 'bundle', 'main.cjs');
  const entry = existsSync(cjs) ? cjs : bundle;
  return { dir, main: join(dir, 'dist', 'src', 'cli', 'main.js'), commit: short, ...(existsSync(entry) ? { bundle: entry } : {}) };
}
