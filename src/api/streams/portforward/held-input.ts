// What a client sends on a forwarded connection before it is wired to the pod (the node is still connecting): held in
// order, with its end or reset, and handed over when the pipe listens. Past a limit the client's connection pauses,
// so a client that writes at once is not buffered whole.
import type { ForwardListener } from './pipe.js';

export const HELD_INPUT_LIMIT = 1024 * 1024;

type Held = { kind: 'data'; d: Buffer } | { kind: 'end' } | { kind: 'abort' };

export class HeldInput {
  private queue: Held[] | undefined = [];
  private size = 0;
  private paused = false;
  private target: ForwardListener | undefined;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly limit = HELD_INPUT_LIMIT,
  ) {}

  data(d: Buffer): void {
    if (this.target) return this.target.data(d);
    this.queue?.push({ kind: 'data', d });
    this.size += d.length;
    if (!this.paused && this.size > this.limit) {
      this.paused = true;
      this.pause();
    }
  }

  end(): void {
    if (this.target) return this.target.end();
    this.queue?.push({ kind: 'end' });
  }

  abort(): void {
    if (this.target) return this.target.abort();
    this.queue?.push({ kind: 'abort' });
  }

  /** Replays what was held, then passes everything on as it comes. */
  listen(on: ForwardListener): void {
    const held = this.queue ?? [];
    this.queue = undefined;
    this.target = on;
    for (const h of held) {
      if (h.kind === 'data') on.data(h.d);
      else if (h.kind === 'end') on.end();
      else on.abort();
    }
    if (this.paused) {
      this.paused = false;
      this.resume();
    }
  }

  /** Whether the client reset the stream or went away before it was wired. */
  get aborted(): boolean {
    return !!this.queue?.some((h) => h.kind === 'abort');
  }
}
