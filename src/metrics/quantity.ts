// The string forms metrics-server serves: CPU as a decimal Quantity scaled in nanocores, memory as a binary Quantity
// of bytes, both in Kubernetes' canonical form (the largest suffix that keeps the value exact), and the window as Go's
// time.Duration string (metav1.Duration). Parsing and CPU's form are the machinery's resource.Quantity.
import { formatQuantity, parseQuantity } from '../machinery/api/quantity.js';

const NANOS = 1_000_000_000n;

const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** CPU usage in nanocores as a canonical Quantity: 200000000 → "200m", 12345678 → "12345678n", 2e9 → "2". */
export function formatCpu(nanocores: number | bigint): string {
  const nanos = typeof nanocores === 'bigint' ? nanocores : BigInt(Math.max(0, Math.round(nanocores)));
  return formatQuantity({ nanos, format: 'DecimalSI' });
}

/** Bytes as a canonical binary Quantity: 2048 → "2Ki", 1500 → "1500" (not a multiple of 1024: plain bytes). */
export function formatMemory(bytes: number): string {
  let n = BigInt(Math.max(0, Math.round(bytes)));
  if (n < 1024n) return String(n);
  let i = 0;
  while (n % 1024n === 0n && i < BINARY.length - 1) {
    n /= 1024n;
    i++;
  }
  return `${n}${BINARY[i]}`;
}

/** The numeric value of a Quantity string in base units (cores, bytes); NaN when it is not one. */
export function quantityValue(q: string): number {
  const parsed = parseQuantity(q);
  if (!parsed) return NaN;
  // Whole units and the nano remainder apart, so large values stay exact in a double.
  return Number(parsed.nanos / NANOS) + Number(parsed.nanos % NANOS) / 1e9;
}

/** Go's time.Duration.String(): "1.004013118s", "10s", "1m30s", "250ms", "0s". */
export function formatDuration(ns: number): string {
  let v = Math.round(ns);
  if (v === 0) return '0s';
  const sign = v < 0 ? '-' : '';
  v = Math.abs(v);
  if (v < 1e9) {
    // Sub-second durations use the largest unit that keeps an integer part.
    const [unit, div] = v < 1e3 ? ['ns', 1] : v < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimFraction(v, div)}${unit}`;
  }
  const h = Math.floor(v / 3.6e12);
  const m = Math.floor((v % 3.6e12) / 6e10);
  const s = v % 6e10;
  let out = trimFraction(s, 1e9) + 's';
  if (h || m) out = `${m}m${out}`;
  if (h) out = `${h}h${out}`;
  return sign + out;
}

/** value/div with the fraction's trailing zeros removed (exact: digits come from integer arithmetic). */
function trimFraction(value: number, div: number): string {
  const whole = Math.floor(value / div);
  const frac = value - whole * div;
  if (!frac) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}
