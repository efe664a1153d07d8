// JSON merge patch (RFC 7386), as evanphx/json-patch's MergePatch applies it for the apiserver: objects merge
// member by member, null removes, anything else replaces. Every member name is data (`constructor`, `__proto__`
// included); the json-merge-patch package silently stops at such names, so the few lines live here.
import { ownValue, setOwn } from '../own-keys.js';

type JMap = Record<string, unknown>;
const isMap = (v: unknown): v is JMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The result of merging `patch` into `target`; neither is modified. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(target), patch);
}

/** Merges into `target`, which is the caller's own copy. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: JMap = isMap(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergeInto(ownValue(out, k), v));
  }
  return out;
}
