// quota.CalculateUsage for one quota: what the namespace's objects use of each hard resource, objects listed from the
// controller's monitors. Pure over the objects it is given.
import type { KObject } from '../../machinery/api/meta.js';
import { evaluatorFor, quotaMatches, targetOfResourceName, type QuotaTarget } from '../../admission/resource-quota/evaluators.js';
import { addLists, mask, type ResourceList } from '../../admission/resource-quota/resource-list.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const targetKey = (t: QuotaTarget) => `${t.group}/${t.resource}`;

/** The resources whose objects a quota's hard resources are counted on, by targetKey. */
export function targetsOf(hard: ResourceList): Map<string, { target: QuotaTarget; names: string[] }> {
  const out = new Map<string, { target: QuotaTarget; names: string[] }>();
  for (const name of Object.keys(hard)) {
    const target = targetOfResourceName(name);
    if (!target) continue;
    const k = targetKey(target);
    const entry = out.get(k) ?? { target, names: [] };
    entry.names.push(name);
    out.set(k, entry);
  }
  return out;
}

/**
 * The quota's new status.used: every hard resource a known resource accounts for, summed over the objects (by
 * targetKey) that match the quota's scopes; resources nothing accounts for keep what they had.
 */
export function calculateUsed(quota: KObject, objectsOf: (key: string) => KObject[] | undefined, now: number): ResourceList {
  const hard: ResourceList = (quota as J).spec?.hard ?? {};
  let used: ResourceList = { ...((quota as J).status?.used ?? {}) };
  for (const [key, { target, names }] of targetsOf(hard)) {
    const objects = objectsOf(key);
    if (!objects) continue;
    const evaluator = evaluatorFor(target);
    let sum: ResourceList = Object.fromEntries(names.map((n) => [n, '0']));
    for (const o of objects) if (quotaMatches(quota, hard, evaluator, o)) sum = addLists(sum, mask(evaluator.usage(o, now), names));
    used = { ...used, ...sum };
  }
  return mask(used, Object.keys(hard));
}
