// Whether a binding's subject is a given user (pkg/registry/rbac/validation/rule.go's appliesToUser), and the words
// the authorizer's reasons use for subjects and bindings.
import type { UserInfo } from '../../machinery/api/user.js';
import type { BindingObject, Subject } from './types.js';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** `system:serviceaccount:<ns>:<name>` (serviceaccount.MakeUsername). */
export const serviceAccountUsername = (namespace: string, name: string) => `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;

/**
 * A ServiceAccount subject without a namespace means the binding's own namespace (so a RoleBinding may name its local
 * service accounts unqualified); in a ClusterRoleBinding (`bindingNamespace` empty) it matches nobody.
 */
export function subjectNamespace(subject: Subject, bindingNamespace: string): string {
  return subject.namespace || bindingNamespace;
}

export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subjectNamespace(subject, bindingNamespace);
      return ns !== '' && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

/** The index of the first subject of the binding that is `user`, or -1. */
export function firstApplyingSubject(user: UserInfo, binding: BindingObject, bindingNamespace: string): number {
  return (binding.subjects ?? []).findIndex((s) => appliesToUser(user, s, bindingNamespace));
}

const q = (s: string) => JSON.stringify(s);

/** describeSubject: `User "bob"`, `ServiceAccount "sa/ns"` (name then namespace, as upstream writes it). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} ${q(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${q(subject.name)}`;
}

/** The binding half of "RBAC: allowed by ...": `RoleBinding "rb/ns" of Role "r" to User "bob"`. */
export function describeBinding(binding: BindingObject, subject: Subject): string {
  const ns = binding.metadata.namespace ?? '';
  const ref = `${binding.roleRef.kind} ${q(binding.roleRef.name)}`;
  if (ns) return `RoleBinding ${q(`${binding.metadata.name}/${ns}`)} of ${ref} to ${describeSubject(subject, ns)}`;
  return `ClusterRoleBinding ${q(binding.metadata.name ?? '')} of ${ref} to ${describeSubject(subject, '')}`;
}
