// Whether one RBAC rule allows one request: k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches,
// APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and rbac.go's RuleAllows.
import type { RequestAttributes } from '../types.js';
import type { PolicyRule } from './types.js';

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/**
 * `combined` is `resource` or `resource/subresource`; a rule's `*` matches everything, `pods/log` exactly that, and a
 * star, a slash and a subresource (upstream's "star-slash-scale") that subresource of any resource.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** No resourceNames = any name; otherwise the request must name one of them (a list or a create names none). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** Exact URLs, `*` for all, and a trailing `*` as a prefix match (`/healthz/*`). */
export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === url) return true;
    if (u.endsWith('*') && url.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** The request's path as non-resource rules see it: without its query. */
export const requestPath = (attrs: RequestAttributes): string => (attrs.path ?? '').split('?')[0]!;

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, requestPath(attrs));
  const subresource = attrs.subresource ?? '';
  const combined = subresource ? `${attrs.resource ?? ''}/${subresource}` : (attrs.resource ?? '');
  return (
    apiGroupMatches(rule, attrs.apiGroup ?? '') &&
    resourceMatches(rule, combined, subresource) &&
    resourceNameMatches(rule, attrs.name ?? '')
  );
}

export const rulesAllow = (attrs: RequestAttributes, rules: readonly PolicyRule[]): boolean => rules.some((r) => ruleAllows(attrs, r));
