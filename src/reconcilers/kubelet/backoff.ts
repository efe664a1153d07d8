// kubelet's restart back-off (flowcontrol.Backoff): the first restart is immediate; afterwards each restart
// waits 10 s, doubling up to 5 min, counted from when the container last finished. A container that ran
// for 10 minutes starts over. Kept in memory, as kubelet keeps it: after a restart the back-off starts anew.
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_AFTER_RUN_MS = 600_000;

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class Backoff {
  private entries = new Map<string, Entry>();
  constructor(
    private initialMs = BACKOFF_INITIAL_MS,
    private maxMs = BACKOFF_MAX_MS,
  ) {}

  /** The current delay of a key (0 when it has none). */
  delayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** When a restart of `key` may happen, if it must still wait after a run that ended at finishedAt. */
  waitUntil(key: string, finishedAt: number, now = Date.now()): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const until = finishedAt + e.delayMs;
    return now < until ? until : undefined;
  }

  /** Records a restart: the next one waits twice as long (the first waits initialMs). */
  next(key: string, now = Date.now()): void {
    const e = this.entries.get(key);
    // An entry untouched for twice the cap has expired (flowcontrol's GC rule).
    if (!e || now - e.lastUpdate > 2 * this.maxMs) this.entries.set(key, { delayMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdate: now });
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key with the prefix (a pod's containers, when the pod goes). */
  forget(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** "10s", "1m20s", "5m0s": Go's time.Duration String() for whole seconds, as the back-off messages print it. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
