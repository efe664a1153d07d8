// What every reconciler gets: the store-backed service (acting as the system user) and a logger.
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { Logger } from '../log.js';
import type { ResourceDef } from '../registry/types.js';

export interface ReconcilerContext {
  service: ResourceService;
  log: Logger;
  def(group: string, plural: string): ResourceDef;
}

export const systemContext = (manager: string): WriteContext => ({
  user: { name: `system:${manager}`, groups: ['system:masters'] }, dryRun: false, fieldManager: manager, warnings: [],
});

export function makeContext(service: ResourceService, log: Logger): ReconcilerContext {
  return {
    service, log,
    def: (group, plural) => {
      const d = service.registry.defs.find((x) => x.group === group && x.plural === plural);
      if (!d) throw new Error(`no resource ${group}/${plural}`);
      return d;
    },
  };
}
