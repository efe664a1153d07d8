// metav1.Duration strings (Go's time.Duration.String(), e.g. "1.004013118s", "1m30s") in milliseconds, for the
// `window` of PodMetrics.
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDurationMs(text: string): number | undefined {
  if (text === '0' || text === '0s') return 0;
  const re = /(\d+(?:\.\d*)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}
