// metav1.Duration: on the wire int64 nanoseconds, in JSON Go's time.Duration string ("1m30s", "1.5s", "500ms").
export { formatDuration as durationToJson } from '../metrics/quantity.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, '\u00b5s': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };

/** Go's time.ParseDuration, in nanoseconds; undefined for text that is not a duration. */
export function durationFromJson(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === body.length && end > 0 ? sign * Math.round(total) : undefined;
}
