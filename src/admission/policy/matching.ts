// Which requests a policy's matchConstraints or a binding's matchResources select (upstream's policy/matching):
// namespace and object selectors, resourceRules (with resourceNames) minus excludeResourceRules, and under
// matchPolicy Equivalent the same resource served in another version (or another group sharing its storage).
import { labelSelectorFromObject, type LabelSelectorObject } from '../../machinery/labels.js';
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../chain.js';

export interface NamedRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
  resourceNames?: string[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  resourceRules?: NamedRule[];
  excludeResourceRules?: NamedRule[];
  matchPolicy?: string;
}

export interface Matched {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
}

/** What matching needs beyond the request: namespace labels (lazily) and the resource's equivalents. */
export interface MatchContext {
  /** The labels of the request's namespace; undefined when it does not exist. */
  namespaceLabels(): Promise<Record<string, string> | undefined>;
  /** Other served resources equivalent to the request's (same storage), with their kinds. */
  equivalents(): Matched[];
}

const includes = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** rules.Matcher: scope, operation, group, version and resource/subresource. */
export function ruleMatches(rule: NamedRule, attrs: AdmissionAttributes, resource: GroupVersionResource): boolean {
  const isNamespace = resource.group === '' && resource.resource === 'namespaces';
  const scope = rule.scope ?? '*';
  if (scope === 'Namespaced' && (isNamespace || attrs.namespace === '')) return false;
  if (scope === 'Cluster' && !(isNamespace || attrs.namespace === '')) return false;
  if (!includes(rule.operations, attrs.operation)) return false;
  if (!includes(rule.apiGroups, resource.group) || !includes(rule.apiVersions, resource.version)) return false;
  return (rule.resources ?? []).some((r) => {
    const slash = r.indexOf('/');
    const [res, sub] = slash < 0 ? [r, ''] : [r.slice(0, slash), r.slice(slash + 1)];
    return (res === '*' || res === resource.resource) && (sub === '*' || sub === attrs.subresource);
  });
}

const named = (rule: NamedRule, attrs: AdmissionAttributes) => !rule.resourceNames?.length || rule.resourceNames.includes(attrs.name);

function matchesRules(
  rules: NamedRule[],
  matchPolicy: string | undefined,
  attrs: AdmissionAttributes,
  ctx: MatchContext,
): Matched | undefined {
  for (const rule of rules) {
    if (ruleMatches(rule, attrs, attrs.resource) && named(rule, attrs)) return { resource: attrs.resource, kind: attrs.kind };
  }
  if (matchPolicy === 'Exact') return undefined;
  const equivalents = ctx.equivalents();
  for (const rule of rules) {
    for (const eq of equivalents) if (ruleMatches(rule, attrs, eq.resource)) return eq;
  }
  return undefined;
}

const isEmptySelector = (s: LabelSelectorObject | undefined) =>
  !s || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length);

async function namespaceSelected(sel: LabelSelectorObject | undefined, attrs: AdmissionAttributes, ctx: MatchContext): Promise<boolean> {
  const isNamespace = attrs.resource.group === '' && attrs.resource.resource === 'namespaces';
  // Cluster-scoped requests other than for a Namespace are never exempted by a namespaceSelector.
  if (!attrs.namespace && !isNamespace) return true;
  if (isEmptySelector(sel)) return true;
  const labels = isNamespace ? (attrs.object ?? attrs.oldObject)?.metadata?.labels : await ctx.namespaceLabels();
  if (!isNamespace && labels === undefined) throw new NamespaceNotFound(attrs.namespace);
  return labelSelectorFromObject(sel).matches(labels ?? {});
}

/**
 * As the webhooks' object.Matcher (which policies share upstream): an object without metadata (a CONNECT's
 * PodExecOptions and the like) has no labels to select, so a non-empty objectSelector never matches it.
 */
function objectSelected(sel: LabelSelectorObject | undefined, attrs: AdmissionAttributes): boolean {
  if (isEmptySelector(sel)) return true;
  const s = labelSelectorFromObject(sel);
  return [attrs.object, attrs.oldObject].some((o) => o?.metadata !== undefined && s.matches(o.metadata.labels ?? {}));
}

/** The request's namespace is missing: upstream answers 404 for it. */
export class NamespaceNotFound extends Error {
  constructor(readonly namespace: string) {
    super(`namespaces "${namespace}" not found`);
  }
}

/**
 * The resource and kind `m` matches the request as, or undefined. `rulesOptional`: a binding's matchResources without
 * resourceRules selects everything its policy does. Throws (NamespaceNotFound, a bad selector) when a selector cannot
 * be decided and the rules do match.
 */
export async function matchResources(
  m: MatchResources,
  attrs: AdmissionAttributes,
  ctx: MatchContext,
  rulesOptional: boolean,
): Promise<Matched | undefined> {
  let selectorError: unknown;
  const decide = async (f: () => Promise<boolean> | boolean) => {
    try {
      return await f();
    } catch (e) {
      selectorError ??= e;
      return true;
    }
  };
  if (!(await decide(() => namespaceSelected(m.namespaceSelector, attrs, ctx)))) return undefined;
  if (!(await decide(() => objectSelected(m.objectSelector, attrs)))) return undefined;
  if (m.excludeResourceRules?.length && matchesRules(m.excludeResourceRules, m.matchPolicy, attrs, ctx)) return undefined;
  const matched =
    rulesOptional && !m.resourceRules?.length
      ? { resource: attrs.resource, kind: attrs.kind }
      : matchesRules(m.resourceRules ?? [], m.matchPolicy, attrs, ctx);
  if (!matched) return undefined;
  if (selectorError) throw selectorError;
  return matched;
}

const EXEMPT = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

/** Admission configuration itself is never subject to policies (rules.IsExemptAdmissionConfigurationResource). */
export const isExemptAdmissionConfiguration = (r: GroupVersionResource) =>
  r.group === 'admissionregistration.k8s.io' && EXEMPT.has(r.resource);
