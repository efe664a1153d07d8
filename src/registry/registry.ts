// The set of served resources, and the lookups every generic path needs.
import { apiVersionOf, type ResourceDef } from './types.js';
import { compareStrings } from '../machinery/compare.js';

export interface GroupVersion {
  group: string;
  version: string;
}

export class Registry {
  private byPath = new Map<string, ResourceDef>();
  private byKindMap = new Map<string, ResourceDef>();

  constructor(public readonly defs: ResourceDef[]) {
    for (const d of defs) {
      this.byPath.set(`${d.group}/${d.version}/${d.plural}`, d);
      this.byKindMap.set(`${d.group}/${d.kind}`, d);
    }
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  byKind(group: string, kind: string): ResourceDef | undefined {
    return this.byKindMap.get(`${group}/${kind}`);
  }

  /** Group-versions in serving order: core first, then groups by name. */
  groupVersions(): GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const d of this.defs) seen.set(apiVersionOf(d), { group: d.group, version: d.version });
    return [...seen.values()].sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : compareStrings(a.group, b.group)));
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.defs.filter((d) => d.group === group && d.version === version);
  }
}

/** Storage key: /registry/<group|core>/<plural>/[<namespace>/]<name>. */
export function storageKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${prefixOf(def)}${namespace}/${name}` : `${prefixOf(def)}${name}`;
}

/** Prefix for listing: all namespaces when namespace is empty. */
export function listPrefix(def: ResourceDef, namespace?: string): string {
  return def.namespaced && namespace ? `${prefixOf(def)}${namespace}/` : prefixOf(def);
}

const prefixOf = (def: ResourceDef) => {
  const at = def.storage ?? def;
  return `/registry/${at.group || 'core'}/${at.plural}/`;
};

/** The OpenAPI definition name of a kind, as upstream names it (io.k8s.api.apps.v1.Deployment). */
export function definitionName(group: string, version: string, kind: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '_');
  return `io.k8s.api.${g}.${version}.${kind}`;
}
