// validation.Covers from k8s.io/component-helpers/auth/rbac/validation: whether one set of rules allows everything
// another does, judged on the other's rules broken into one verb × group × resource (× name) pieces; the pieces
// not allowed come back, as reconciliation adds them.
import type { PolicyRule } from '../rbac/types.js';

/** BreakdownRule: one rule per verb, group, resource and name (or verb and URL). */
export function breakdownRule(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of r.apiGroups ?? [])
    for (const resource of r.resources ?? [])
      for (const verb of r.verbs) {
        if (r.resourceNames?.length)
          for (const name of r.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
        else out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
      }
  for (const url of r.nonResourceURLs ?? []) for (const verb of r.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

const has = (set: string[] | undefined, v: string) => !!set && (set.includes('*') || set.includes(v));

/** A resource, or `*`, `<resource>/*` and `*\/<subresource>` wildcards of the owner covering the asked one. */
function resourceCovered(owner: string[], asked: string): boolean {
  if (owner.includes('*') || owner.includes(asked)) return true;
  const slash = asked.indexOf('/');
  if (slash < 0) return false;
  return owner.includes(`${asked.slice(0, slash)}/*`) || owner.includes(`*${asked.slice(slash)}`);
}

const urlCovered = (owner: string[], asked: string) =>
  owner.some((u) => u === '*' || u === asked || (u.endsWith('*') && asked.startsWith(u.slice(0, -1))));

/** ruleCovers: whether `owner` allows all of the (broken down) rule `sub`. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  if (!sub.verbs.every((v) => has(owner.verbs, v))) return false;
  if (sub.nonResourceURLs?.length)
    return !!owner.nonResourceURLs && sub.nonResourceURLs.every((u) => urlCovered(owner.nonResourceURLs!, u));
  if (!(sub.apiGroups ?? []).every((g) => has(owner.apiGroups, g))) return false;
  if (!(sub.resources ?? []).every((r) => resourceCovered(owner.resources ?? [], r))) return false;
  if (!owner.resourceNames?.length) return true;
  return !!sub.resourceNames?.length && sub.resourceNames.every((n) => owner.resourceNames!.includes(n));
}

/** A rule's fields in a fixed order (stored rules may list them in another): equal keys, equal rules. */
const ruleKey = (r: PolicyRule) =>
  JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);

/** Covers: whether `owners` allow every piece of `servants`, and the pieces they do not. */
export function covers(owners: PolicyRule[], servants: PolicyRule[]): { covered: boolean; uncovered: PolicyRule[] } {
  // A servant rule the owners hold as it is covers all its pieces: not broken down. On a restart every bootstrap role
  // holds its rules so, and breaking them all down cost ~40 ms of start-up.
  const held = new Set(owners.map(ruleKey));
  const uncovered = servants
    .filter((s) => !held.has(ruleKey(s)))
    .flatMap(breakdownRule)
    .filter((piece) => !owners.some((o) => ruleCovers(o, piece)));
  return { covered: uncovered.length === 0, uncovered };
}
