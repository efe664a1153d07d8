// The kubelet's pod lifecycle lines at info: each container started, killed, backed off, probed unhealthy or failed
// is logged as well as recorded as an event, so an operator reading the server's log sees what the pods did (as
// the kubelet's own log shows it) without listing events.
import { EventRecorder } from '../event-recorder.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { Client } from '../../client/types.js';
import type { Logger } from '../../log.js';

/** Event reasons logged, with the line's message (the event's text goes in `message`). */
const LOGGED: Record<string, string> = {
  Started: 'Container started',
  Killing: 'Killing container',
  BackOff: 'Back-off restarting failed container',
  Unhealthy: 'Probe failed',
  Failed: 'Container failed',
  FailedCreatePodSandBox: 'Failed to create pod sandbox',
};

/** `spec.containers{web}` → `web`. */
const containerOf = (fieldPath: string | undefined) => (fieldPath ? /\{([^}]*)\}$/.exec(fieldPath)?.[1] : undefined);

export class LifecycleLoggingRecorder extends EventRecorder {
  constructor(
    client: Client,
    private readonly lines: Logger,
  ) {
    super(client, lines);
  }

  override record(...args: Parameters<EventRecorder['record']>): void {
    const [regarding, type, reason, message, opts] = args;
    const line = LOGGED[reason];
    if (line) {
      const meta = (regarding as KObject).metadata;
      const container = containerOf(opts.fieldPath);
      this.lines.info(
        {
          pod: `${meta.namespace}/${meta.name}`,
          podUID: meta.uid,
          ...(container ? { containerName: container } : {}),
          reason,
          type,
          message,
        },
        line,
      );
    }
    super.record(...args);
  }
}
