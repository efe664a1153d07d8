// Start-up creates only what is missing: one list of a kind from the watch cache says what exists, instead of a GET
// (or a create refused with 409) per object. A restart then writes nothing and reads each kind once.
import type { ResourceService } from '../registry/service.js';
import type { ResourceDef } from '../registry/types.js';

/** The names of `def`'s objects (in `namespace`, or all of a cluster-scoped kind). */
export async function existingNames(service: ResourceService, def: ResourceDef, namespace?: string): Promise<Set<string>> {
  return new Set((await service.list(def, namespace)).items.map((o) => o.metadata.name!));
}
