// The scheduling/bootstrap-system-priority-classes post-start hook: system-node-critical and system-cluster-critical
// exist on every start (created when missing, never changed: their value and policy are immutable).
import type { Logger } from '../log.js';
import { StatusError } from '../machinery/api/errors.js';
import type { Client, Gvr } from '../client/types.js';
import { SCHEDULING_GROUP, SYSTEM_PRIORITY_CLASSES } from '../admission/priority.js';

const PRIORITY_CLASSES: Gvr = { group: SCHEDULING_GROUP, version: 'v1', resource: 'priorityclasses' };

export async function ensureSystemPriorityClasses(client: Client, log: Logger): Promise<void> {
  // One list says which exist: a restart writes nothing.
  const have = new Set((await client.list(PRIORITY_CLASSES, undefined)).items.map((o) => o.metadata.name));
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    if (have.has(pc.name)) continue;
    try {
      await client.create(PRIORITY_CLASSES, undefined, {
        apiVersion: `${SCHEDULING_GROUP}/v1`,
        kind: 'PriorityClass',
        metadata: { name: pc.name },
        value: pc.value,
        description: pc.description,
        preemptionPolicy: 'PreemptLowerPriority',
      } as never);
      log.info({ name: pc.name, value: pc.value }, 'created PriorityClass');
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  }
}
