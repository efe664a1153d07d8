// Upstream's BoundedFrequencyRunner, reduced: requests coalesce into one run at a time, runs at least minIntervalMs
// apart (a burst of endpoint changes becomes one restore), and a request made while a run is going gets a run of its
// own afterwards, so no change is ever left unapplied. A failed run is retried after retryMs.
export class SyncRunner {
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastEnd = 0;
  private pending: (() => void)[] = [];
  private stopped = false;

  constructor(
    private fn: () => Promise<void>,
    private opts: { minIntervalMs: number; retryMs: number; onError: (e: Error) => void },
  ) {}

  /** Resolves once a run that started after this call has finished (or failed: errors go to onError). */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.pending.push(resolve));
    this.schedule(0);
    return done;
  }

  private schedule(extraDelay: number): void {
    if (this.timer || this.running) return;
    const wait = Math.max(extraDelay, this.lastEnd + this.opts.minIntervalMs - Date.now(), 0);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce();
    }, wait);
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const waiters = this.pending.splice(0);
    let failed = false;
    this.running = this.fn().catch((e: unknown) => {
      failed = true;
      this.opts.onError(e as Error);
    });
    await this.running;
    this.running = undefined;
    this.lastEnd = Date.now();
    waiters.forEach((w) => w());
    if (this.pending.length) this.schedule(0);
    else if (failed && !this.stopped) this.schedule(this.opts.retryMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.pending.splice(0).forEach((w) => w());
  }
}
