// Bindings by subject, so finding a user's bindings costs the user's own bindings, not every binding of the
// namespace (upstream scans the list; with thousands of RoleBindings that scan is the request's cost).
// Built once per list instance: an RbacSource hands out the same array until its bindings change.
import type { UserInfo } from '../../machinery/api/user.js';
import { SERVICE_ACCOUNT_PREFIX, subjectNamespace } from './subjects.js';
import type { BindingObject, Subject } from './types.js';

type Index = Map<string, number[]>;

const userKey = (name: string) => `u\u0000${name}`;
const groupKey = (name: string) => `g\u0000${name}`;
/** A service account is a user name (`system:serviceaccount:<ns>:<name>`): it keys as that user. */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return userKey(s.name);
    case 'Group':
      return groupKey(s.name);
    case 'ServiceAccount': {
      const ns = subjectNamespace(s, bindingNamespace);
      return ns ? userKey(`${SERVICE_ACCOUNT_PREFIX}${ns}:${s.name}`) : undefined;
    }
    default:
      return undefined;
  }
}

function build(bindings: readonly BindingObject[], bindingNamespace: string): Index {
  const index: Index = new Map();
  bindings.forEach((b, position) => {
    for (const s of b.subjects ?? []) {
      const key = subjectKey(s, bindingNamespace);
      if (key === undefined) continue;
      const at = index.get(key);
      if (!at) index.set(key, [position]);
      else if (at[at.length - 1] !== position) at.push(position);
    }
  });
  return index;
}

const indexes = new WeakMap<readonly BindingObject[], Index>();

/**
 * The bindings of `bindings` that name `user` (as a user, a service account or one of its groups), in list order,
 * each once: the ones upstream's scan would visit.
 */
export function bindingsFor(user: UserInfo, bindings: readonly BindingObject[], bindingNamespace: string): BindingObject[] {
  if (bindings.length === 0) return [];
  let index = indexes.get(bindings);
  if (!index) indexes.set(bindings, (index = build(bindings, bindingNamespace)));
  const hits: number[] = [...(index.get(userKey(user.name)) ?? [])];
  let lists = hits.length ? 1 : 0;
  for (const g of user.groups) {
    const at = index.get(groupKey(g));
    if (!at) continue;
    hits.push(...at);
    lists++;
  }
  if (lists > 1) {
    hits.sort((a, b) => a - b);
    return hits.filter((p, i) => i === 0 || hits[i - 1] !== p).map((p) => bindings[p]!);
  }
  return hits.map((p) => bindings[p]!);
}
