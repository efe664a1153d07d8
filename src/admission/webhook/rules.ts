// Whether a webhook's rules name a request (k8s.io/apiserver admission/plugin/webhook/predicates/rules): the
// operation, group, version, resource with its subresource (`*` every resource but no subresource, `pods/*` every
// subresource of pods, `*/*` everything, `*/status` every status) and the scope.
import type { AdmissionOperation } from '../chain.js';
import type { WebhookRule } from './config.js';

export interface RuleTarget {
  operation: AdmissionOperation;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped requests. */
  namespace: string;
}

const anyOf = (list: readonly string[] | undefined, value: string) => (list ?? []).some((x) => x === '*' || x === value);

function resourceMatches(resources: readonly string[] | undefined, resource: string, subresource: string): boolean {
  for (const r of resources ?? []) {
    const slash = r.indexOf('/');
    const [res, sub] = slash < 0 ? [r, ''] : [r.slice(0, slash), r.slice(slash + 1)];
    if ((res === '*' || res === resource) && (sub === '*' || sub === subresource)) return true;
  }
  return false;
}

/** Namespaces are cluster-scoped even though a request about one names it as its namespace upstream. */
function scopeMatches(scope: string | undefined, t: RuleTarget): boolean {
  if (!scope || scope === '*') return true;
  const namespaceObject = t.group === '' && t.resource === 'namespaces';
  if (scope === 'Namespaced') return !namespaceObject && t.namespace !== '';
  if (scope === 'Cluster') return namespaceObject || t.namespace === '';
  return false;
}

export function ruleMatches(rule: WebhookRule, t: RuleTarget): boolean {
  return (
    anyOf(rule.operations, t.operation) &&
    anyOf(rule.apiGroups, t.group) &&
    anyOf(rule.apiVersions, t.version) &&
    resourceMatches(rule.resources, t.resource, t.subresource) &&
    scopeMatches(rule.scope, t)
  );
}

export const rulesMatch = (rules: readonly WebhookRule[] | undefined, t: RuleTarget) => (rules ?? []).some((r) => ruleMatches(r, t));

/** The admissionregistration kinds are never sent to webhooks, so a broken webhook can always be removed. */
const EXEMPT = new Set([
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

export const isExemptFromWebhooks = (group: string, resource: string) => group === 'admissionregistration.k8s.io' && EXEMPT.has(resource);
