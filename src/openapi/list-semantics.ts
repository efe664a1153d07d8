// Adds the list extensions (x-kubernetes-patch-merge-key, -patch-strategy, -list-type, -list-map-keys)
// from the patch engine's merge-key table, so clients see the same list semantics the server applies.
import type { Definitions } from './definitions.js';
import { FALLBACK_MERGE_KEYS, type MergeKeyTable } from './merge-keys-fallback.js';

/** The patch engine's table if it exists, else the built-in stand-in. */
export async function loadMergeKeys(): Promise<MergeKeyTable> {
  // A variable specifier keeps the type-checker from requiring a module another engineer is still writing.
  const spec = '../machinery/patch/merge-keys.js';
  try {
    const mod = (await import(spec)) as { MERGE_KEYS?: MergeKeyTable };
    if (mod.MERGE_KEYS && typeof mod.MERGE_KEYS === 'object') return mod.MERGE_KEYS;
  } catch {
    // not there yet
  }
  return FALLBACK_MERGE_KEYS;
}

/** Writes the extensions into the definitions (in place); unknown definitions or fields are skipped. */
export function annotateListSemantics(defs: Definitions, table: MergeKeyTable): void {
  for (const [defName, fields] of Object.entries(table)) {
    const props = defs[defName]?.properties;
    if (!props) continue;
    for (const [field, sem] of Object.entries(fields)) {
      const p = props[field];
      if (!p) continue;
      if (sem.strategy && sem.strategy !== 'replace') p['x-kubernetes-patch-strategy'] = sem.strategy;
      if (sem.key) p['x-kubernetes-patch-merge-key'] = sem.key;
      if (sem.listType) p['x-kubernetes-list-type'] = sem.listType;
      if (sem.listMapKeys) p['x-kubernetes-list-map-keys'] = sem.listMapKeys;
    }
  }
}
