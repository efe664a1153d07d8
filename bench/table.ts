// What every bench's run ends with: the plain-text table of its stdout, its JSON result file (with the machine it ran
// on) and the exit code.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';

/** A plain-text table for a bench's stdout: the first column left-aligned, the figures right-aligned. */
export function formatTable(head: string[], lines: string[][]): string {
  const widths = head.map((_, c) => Math.max(head[c]!.length, ...lines.map((l) => (l[c] ?? '').length)));
  const fmt = (l: string[]) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

/** The machine a result was measured on: every result file starts with it. */
export function runEnvironment(): { timestamp: string; node: string; cpus: number; cpuModel: string | undefined } {
  return { timestamp: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model };
}

/** Writes a bench's result file: the run's environment, then `fields`, as indented JSON (directories created). */
export async function saveResults(path: string, fields: Record<string, unknown>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ ...runEnvironment(), ...fields }, null, 2) + '\n');
}

/** A bench's entry point: exit 0 once `main` is done, 1 with the stack on stderr when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
