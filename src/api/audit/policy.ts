// audit.k8s.io/v1 Policy (kube-apiserver's --audit-policy-file) and upstream's rule matching (policy/checker.go):
// the first rule that matches a request decides its level and the stages left out.
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../../machinery/api/user.js';
import type { RequestAttributes } from '../../authorization/types.js';

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
}

/** What a request is audited at: its level and the stages not recorded. */
export interface RequestAuditConfig {
  level: AuditLevel;
  omitStages: AuditStage[];
}

const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Reads a Policy document (YAML or JSON), refusing what kube-apiserver's validation refuses, worded by field. */
export function parsePolicy(text: string): AuditPolicy {
  const doc = parseYaml(text) as Record<string, unknown> | null;
  const errs: string[] = [];
  if (!doc || typeof doc !== 'object') throw new Error('audit policy: not a YAML or JSON object');
  if (doc.kind !== 'Policy' || (doc.apiVersion !== 'audit.k8s.io/v1' && doc.apiVersion !== 'audit.k8s.io/v1beta1'))
    errs.push(`kind/apiVersion: must be Policy in audit.k8s.io/v1, not ${String(doc.kind)} in ${String(doc.apiVersion)}`);
  const stages = (v: unknown, path: string): AuditStage[] | undefined => {
    if (v === undefined) return undefined;
    if (!isList(v)) return (void errs.push(`${path}: must be a list of stages`), undefined);
    v.forEach((s, i) => {
      if (!(AUDIT_STAGES as readonly string[]).includes(s))
        errs.push(`${path}[${i}]: Unsupported value: "${s}": supported values: ${AUDIT_STAGES.map((x) => `"${x}"`).join(', ')}`);
    });
    return v as AuditStage[];
  };
  const rulesIn = Array.isArray(doc.rules) ? doc.rules : [];
  if (doc.rules !== undefined && !Array.isArray(doc.rules)) errs.push('rules: must be a list');
  const rules = rulesIn.map((r: Record<string, unknown>, i: number): PolicyRule => {
    const path = `rules[${i}]`;
    if (!(AUDIT_LEVELS as readonly string[]).includes(r?.level as string))
      errs.push(
        `${path}.level: Unsupported value: "${String(r?.level ?? '')}": supported values: ${AUDIT_LEVELS.map((x) => `"${x}"`).join(', ')}`,
      );
    for (const f of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'] as const)
      if (r[f] !== undefined && !isList(r[f])) errs.push(`${path}.${f}: must be a list of strings`);
    const resources = Array.isArray(r.resources) ? (r.resources as GroupResources[]) : undefined;
    if (isList(r.nonResourceURLs) && r.nonResourceURLs.length > 0 && (resources?.length || (isList(r.namespaces) && r.namespaces.length)))
      errs.push(`${path}.nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
    (isList(r.nonResourceURLs) ? r.nonResourceURLs : []).forEach((u, j) => {
      if (!u.startsWith('/'))
        errs.push(`${path}.nonResourceURLs[${j}]: Invalid value: "${u}": non-resource URL rules must begin with a '/' character`);
      if (u.slice(0, -1).includes('*'))
        errs.push(
          `${path}.nonResourceURLs[${j}]: Invalid value: "${u}": non-resource URL wildcards ('*') must be the final character of the rule`,
        );
    });
    return {
      level: r.level as AuditLevel,
      ...(isList(r.users) ? { users: r.users } : {}),
      ...(isList(r.userGroups) ? { userGroups: r.userGroups } : {}),
      ...(isList(r.verbs) ? { verbs: r.verbs } : {}),
      ...(resources ? { resources } : {}),
      ...(isList(r.namespaces) ? { namespaces: r.namespaces } : {}),
      ...(isList(r.nonResourceURLs) ? { nonResourceURLs: r.nonResourceURLs } : {}),
      ...(r.omitStages !== undefined ? { omitStages: stages(r.omitStages, `${path}.omitStages`) } : {}),
    };
  });
  const omitStages = stages(doc.omitStages, 'omitStages');
  if (errs.length) throw new Error(`invalid audit policy: ${errs.join('; ')}`);
  return { rules, ...(omitStages ? { omitStages } : {}) };
}

function matchesResource(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!attrs.resourceRequest) return false;
  if (rule.namespaces?.length && !rule.namespaces.includes(attrs.namespace ?? '')) return false;
  if (!rule.resources?.length) return true;
  const resource = attrs.resource ?? '';
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${resource}/${sub}` : resource;
  return rule.resources.some((gr) => {
    if ((gr.group ?? '') !== (attrs.apiGroup ?? '')) return false;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(attrs.name ?? '')) return false;
    return gr.resources.some(
      (r) =>
        r === combined ||
        r === '*' ||
        (sub !== '' && r.startsWith('*/') && r.slice(2) === sub) ||
        (r.endsWith('/*') && r.slice(0, -2) === resource),
    );
  });
}

function matchesNonResource(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (attrs.resourceRequest) return false;
  const path = attrs.path ?? '';
  return (rule.nonResourceURLs ?? []).some((u) => u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

function ruleMatches(rule: PolicyRule, user: UserInfo, attrs: RequestAttributes): boolean {
  if (rule.users?.length && !rule.users.includes(user.name)) return false;
  if (rule.userGroups?.length && !user.groups.some((g) => rule.userGroups!.includes(g))) return false;
  if (rule.verbs?.length && !rule.verbs.includes(attrs.verb)) return false;
  if (rule.namespaces?.length || rule.resources?.length) return matchesResource(rule, attrs);
  if (rule.nonResourceURLs?.length) return matchesNonResource(rule, attrs);
  return true;
}

/** The level and omitted stages of a request: the first matching rule's, else None. */
export function auditConfigFor(policy: AuditPolicy, user: UserInfo, attrs: RequestAttributes): RequestAuditConfig {
  for (const rule of policy.rules)
    if (ruleMatches(rule, user, attrs))
      return { level: rule.level, omitStages: [...new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])])] };
  return { level: 'None', omitStages: [] };
}
