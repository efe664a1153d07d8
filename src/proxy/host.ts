// The host tools the iptables proxier drives (iptables, iptables-restore, iptables-save, ip, conntrack) and the
// /proc and /sys knobs it sets: the only I/O of the iptables mode, in one place.
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command (no shell), feeding `input` on stdin; never rejects for a non-zero exit. */
export function run(cmd: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** One atomic restore of both tables, leaving every chain it does not name alone. */
export const iptablesRestore = (text: string) => must('iptables-restore', ['--noflush', '--wait'], text).then(() => undefined);

/** The chains of `table` whose names start with `prefix`. */
export async function chainsWithPrefix(table: 'nat' | 'filter', prefix: string): Promise<string[]> {
  const out = await must('iptables-save', ['-t', table]);
  return out
    .split('\n')
    .filter((l) => l.startsWith(`:${prefix}`))
    .map((l) => l.slice(1).split(' ')[0]!);
}

/** Inserts `rule` first in `chain` unless it is there already (upstream's EnsureRule(Prepend)). */
export async function ensureFirstRule(table: string, chain: string, rule: string[]): Promise<void> {
  if ((await run('iptables', ['-w', '-t', table, '-C', chain, ...rule])).code === 0) return;
  await must('iptables', ['-w', '-t', table, '-I', chain, '1', ...rule]);
}

export const routeReplace = (cidr: string, dev: string, metric: number) =>
  must('ip', ['route', 'replace', cidr, 'dev', dev, 'metric', String(metric)]).then(() => undefined);
export const routeDelete = (cidr: string, dev: string, metric: number) =>
  run('ip', ['route', 'del', cidr, 'dev', dev, 'metric', String(metric)]).then(() => undefined);

/** Writes a /proc/sys or /sys value when it differs; false when the file is missing. */
export async function ensureKnob(path: string, value: string): Promise<boolean> {
  try {
    if ((await readFile(path, 'utf8')).trim() === value) return true;
    await writeFile(path, value);
    return true;
  } catch {
    return false;
  }
}

/** hairpin_mode on every port of the bridge (new veths come with each pod), so a pod can reach itself via a service. */
export async function ensureHairpin(bridge: string): Promise<void> {
  let ports: string[];
  try {
    ports = await readdir(`/sys/class/net/${bridge}/brif`);
  } catch {
    return; // no bridge yet: the kubelet creates it with the first pod network
  }
  await Promise.all(ports.map((p) => ensureKnob(`/sys/class/net/${bridge}/brif/${p}/hairpin_mode`, '1')));
}

/** `conntrack <args>`; exit 1 ("0 flow entries") is not an error. Resolves false when conntrack is not installed. */
export async function conntrack(args: string[]): Promise<boolean> {
  try {
    const r = await run('conntrack', args);
    if (r.code > 1) throw new Error(`conntrack ${args.join(' ')}: ${r.stderr.trim()}`);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
