// The rules that apply to a user in a namespace (pkg/registry/rbac/validation/rule.go's DefaultRuleResolver): the
// ClusterRoleBindings' roles everywhere, then, in a namespace, its RoleBindings' roles (a ClusterRole bound by a
// RoleBinding grants its rules in that namespace only). A binding whose role is missing contributes an error, not rules.
import type { UserInfo } from '../../machinery/api/user.js';
import { bindingsFor } from './subject-index.js';
import { describeBinding, firstApplyingSubject } from './subjects.js';
import type { BindingObject, PolicyRule, RbacSource, RoleRef } from './types.js';

const q = (s: string) => JSON.stringify(s);

/** The role a binding names, or the error the listers give (`role.rbac.authorization.k8s.io "x" not found`). */
export function roleReferenceRules(
  source: RbacSource,
  ref: RoleRef,
  bindingNamespace: string,
): { rules: readonly PolicyRule[] } | { error: string } {
  switch (ref.kind) {
    case 'Role': {
      const role = bindingNamespace ? source.getRole(bindingNamespace, ref.name) : undefined;
      return role ? { rules: role.rules ?? [] } : { error: `role.rbac.authorization.k8s.io ${q(ref.name)} not found` };
    }
    case 'ClusterRole': {
      const role = source.getClusterRole(ref.name);
      return role ? { rules: role.rules ?? [] } : { error: `clusterrole.rbac.authorization.k8s.io ${q(ref.name)} not found` };
    }
    default:
      return { error: `unsupported role reference kind: ${q(ref.kind)}` };
  }
}

/** Called with each rule and where it came from, or with an error; returning false stops the walk. */
export type RuleVisitor = (rule: PolicyRule | undefined, source: () => string, error?: string) => boolean;

function visitBindings(
  src: RbacSource,
  user: UserInfo,
  bindings: readonly BindingObject[],
  namespace: string,
  visit: RuleVisitor,
): boolean {
  for (const b of bindingsFor(user, bindings, namespace)) {
    const at = firstApplyingSubject(user, b, namespace);
    if (at < 0) continue;
    const resolved = roleReferenceRules(src, b.roleRef, namespace);
    if ('error' in resolved) {
      if (!visit(undefined, () => '', resolved.error)) return false;
      continue;
    }
    const describe = () => describeBinding(b, b.subjects![at]!);
    for (const rule of resolved.rules) if (!visit(rule, describe)) return false;
  }
  return true;
}

export function visitRulesFor(src: RbacSource, user: UserInfo, namespace: string, visit: RuleVisitor): void {
  if (!visitBindings(src, user, src.listClusterRoleBindings(), '', visit)) return;
  if (namespace) visitBindings(src, user, src.listRoleBindings(namespace), namespace, visit);
}

/** Every rule that applies, and the resolution errors (rules are additive: what was found still holds). */
export function resolveRules(src: RbacSource, user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(src, user, namespace, (rule, _source, error) => {
    if (rule) rules.push(rule);
    if (error) errors.push(error);
    return true;
  });
  return { rules, errors };
}

/** utilerrors.NewAggregate's text: one error as itself, several as `[a, b]`. */
export const aggregateErrors = (errors: string[]): string => (errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`);
