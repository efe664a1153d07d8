// A plain-text table for a bench's stdout: the first column left-aligned, the figures right-aligned.
export function formatTable(head: string[], lines: string[][]): string {
  const widths = head.map((_, c) => Math.max(head[c]!.length, ...lines.map((l) => (l[c] ?? '').length)));
  const fmt = (l: string[]) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
