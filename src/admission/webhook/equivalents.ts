// matchPolicy Equivalent (upstream's EquivalentResourceMapper): a request also matches rules naming another version
// or group of the same stored resource (autoscaling/v1 and v2 HorizontalPodAutoscalers, core/v1 and
// events.k8s.io/v1 Events, the versions of a custom resource), and the webhook then gets the object in the version
// it asked for. Kinds converted by a conversion webhook are matched exactly only (their conversion is asynchronous).
import type { KObject } from '../../machinery/api/meta.js';
import type { Registry } from '../../registry/registry.js';
import type { ResourceDef } from '../../registry/types.js';
import type { Matched } from './review.js';

export interface Equivalent {
  matched: Matched;
  /** The request's object in the matched version. */
  toMatched(obj: KObject): KObject;
  /** A matched-version object (a patched one) back in the request's version. */
  fromMatched(obj: KObject): KObject;
}

const storageIdentity = (d: ResourceDef) => (d.storage ? `${d.storage.group}/${d.storage.plural}` : `${d.group}/${d.plural}`);
const apiVersionOf = (d: ResourceDef) => (d.group ? `${d.group}/${d.version}` : d.version);

function convert(obj: KObject, from: ResourceDef, to: ResourceDef): KObject {
  const stored = from.storage ? from.storage.toStorage(structuredClone(obj)) : structuredClone(obj);
  const out = to.storage ? to.storage.fromStorage(stored) : stored;
  return { ...out, apiVersion: apiVersionOf(to), kind: to.kind };
}

/** The other served resources stored as `def`'s, cached per registry state. */
export class EquivalentResources {
  private cache = new Map<ResourceDef, ResourceDef[]>();
  private defsSeen?: readonly ResourceDef[];

  constructor(private readonly registry: Registry) {}

  of(group: string, version: string, resource: string): Equivalent[] {
    if (this.defsSeen !== this.registry.defs) {
      this.cache.clear();
      this.defsSeen = this.registry.defs;
    }
    const def = this.registry.find(group, version, resource);
    if (!def || def.storage?.converter) return [];
    let others = this.cache.get(def);
    if (!others) {
      const id = storageIdentity(def);
      others = this.registry.defs.filter((d) => d !== def && !d.storage?.converter && storageIdentity(d) === id);
      this.cache.set(def, others);
    }
    return others.map((other) => ({
      matched: {
        resource: { group: other.group, version: other.version, resource: other.plural },
        kind: { group: other.group, version: other.version, kind: other.kind },
      },
      toMatched: (obj) => convert(obj, def, other),
      fromMatched: (obj) => convert(obj, other, def),
    }));
  }
}
