// What an aggregated ClusterRole's rules should be (pkg/controller/clusterroleaggregation syncClusterRole): for each
// selector in order, the rules of the matching ClusterRoles sorted by name, each rule once, its own rules never.
import type { PolicyRule, RoleObject } from '../../authorization/rbac/types.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../machinery/labels.js';

const ruleKey = (r: PolicyRule) =>
  JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);

/** The rules `role` aggregates from `all` (every ClusterRole), or undefined when it has no aggregationRule. */
export function aggregatedRules(role: RoleObject, all: readonly RoleObject[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const byName = [...all].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const sel of role.aggregationRule.clusterRoleSelectors ?? []) {
    const selector = labelSelectorFromObject(sel as LabelSelectorObject);
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name || !selector.matches(other.metadata.labels)) continue;
      for (const r of other.rules ?? []) {
        const k = ruleKey(r);
        if (!seen.has(k)) {
          seen.add(k);
          rules.push(r);
        }
      }
    }
  }
  return rules;
}

/** Whether two rule lists are the same (Semantic.DeepEqual, an empty list equal to none). */
export const sameRules = (a: readonly PolicyRule[] | undefined, b: readonly PolicyRule[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((r, i) => ruleKey(r) === ruleKey((b ?? [])[i]!));

/** The ClusterRoles whose aggregated rules may change when `changed` does: every aggregated role (as upstream). */
export const aggregatedRoles = (all: readonly RoleObject[]): RoleObject[] => all.filter((r) => !!r.aggregationRule);
