// How far a watch's client may fall behind. Kubernetes' cacher gives each watcher a bounded buffer and closes the
// watch when it stays full ("Forcing watcher close due to unresponsiveness"), so that a client that stops reading
// cannot make the server hold events for it without end; the client then resumes from the last resourceVersion it
// saw. Here the buffer is the response's bytes not yet taken by the socket.
import type { Response } from 'express';

/** Unsent bytes a watch may hold before it is closed (a few of the largest objects; see README "Limits"). */
export const WATCH_BACKLOG_LIMIT_BYTES = 8 * 1024 * 1024;

export class WatchBacklog {
  /** Until replayed(): the initial events are being written, and all of them go out. */
  private replaying = true;
  /** Unsent bytes of the initial events, allowed on top of the limit until they have gone out. */
  private replayBytes = 0;

  constructor(
    private res: Response,
    private limit = WATCH_BACKLOG_LIMIT_BYTES,
  ) {}

  /** The initial events (current state, or the window's replay) are written: they may drain at the client's pace. */
  replayed(): void {
    this.replaying = false;
    this.replayBytes = this.res.writableLength;
    if (this.replayBytes > 0)
      this.res.once('drain', () => {
        this.replayBytes = 0;
      });
  }

  /** False when the client is too far behind to be sent another event. */
  hasRoom(): boolean {
    return this.replaying || this.res.writableLength <= this.limit + this.replayBytes;
  }
}
