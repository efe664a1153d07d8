// The set of served resources, and the lookups every generic path needs. Kinds may be added and removed while the
// server runs (CustomResourceDefinitions): consumers that derive something from the set (discovery, OpenAPI) listen
// for changes; everything else looks kinds up on every request.
import { apiVersionOf, type ResourceDef } from './types.js';
import { compareStrings } from '../machinery/compare.js';

export interface GroupVersion {
  group: string;
  version: string;
}

/** What changed in the served set: the definitions added and removed by one call. */
export interface RegistryChange {
  added: ResourceDef[];
  removed: ResourceDef[];
}
export type RegistryListener = (change: RegistryChange) => void;

const pathKey = (d: ResourceDef) => `${d.group}/${d.version}/${d.plural}`;

export class Registry {
  private byPath = new Map<string, ResourceDef>();
  private byKindMap = new Map<string, ResourceDef>();
  private current: ResourceDef[] = [];
  private listeners = new Set<RegistryListener>();

  constructor(defs: ResourceDef[]) {
    this.current = [...defs];
    this.index();
  }

  /** The served definitions, a snapshot: a change replaces the array rather than mutating it. */
  get defs(): ResourceDef[] {
    return this.current;
  }

  private index(): void {
    this.byPath.clear();
    this.byKindMap.clear();
    for (const d of this.current) {
      this.byPath.set(pathKey(d), d);
      // The first definition of a kind in a group stands for it (the preferred version comes first).
      if (!this.byKindMap.has(`${d.group}/${d.kind}`)) this.byKindMap.set(`${d.group}/${d.kind}`, d);
    }
  }

  /**
   * Serves `add` and stops serving `remove` in one step (a definition of the same group/version/plural is replaced);
   * listeners hear of it once.
   */
  change(add: ResourceDef[], remove: ResourceDef[] = []): void {
    const gone = new Set(remove.map(pathKey));
    const replaced = new Set(add.map(pathKey));
    const removed = this.current.filter((d) => gone.has(pathKey(d)) || replaced.has(pathKey(d)));
    if (!add.length && !removed.length) return;
    this.current = [...this.current.filter((d) => !gone.has(pathKey(d)) && !replaced.has(pathKey(d))), ...add];
    this.index();
    for (const l of this.listeners) l({ added: add, removed });
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  onChange(fn: RegistryListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
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
    for (const d of this.current) seen.set(apiVersionOf(d), { group: d.group, version: d.version });
    return [...seen.values()].sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : compareStrings(a.group, b.group)));
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.current.filter((d) => d.group === group && d.version === version);
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

/** OpenAPI names of kinds served from a schema of their own (custom resources), by group/version/kind. */
const customDefinitionNames = new Map<string, string>();

/** Names the OpenAPI definition of a group/version/kind (undefined forgets it). */
export function setDefinitionName(group: string, version: string, kind: string, name: string | undefined): void {
  if (name) customDefinitionNames.set(`${group}/${version}/${kind}`, name);
  else customDefinitionNames.delete(`${group}/${version}/${kind}`);
}

/** The OpenAPI definition name of a kind, as upstream names it (io.k8s.api.apps.v1.Deployment, com.example.v1.Foo). */
export function definitionName(group: string, version: string, kind: string): string {
  const custom = customDefinitionNames.get(`${group}/${version}/${kind}`);
  if (custom) return custom;
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '_');
  return `io.k8s.api.${g}.${version}.${kind}`;
}
