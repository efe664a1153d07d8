// RBAC printers (pkg/printers/internalversion): roles print NAME and CREATED AT; bindings NAME, ROLE (`Kind/name`),
// AGE, and in -o wide USERS, GROUPS, SERVICEACCOUNTS (`namespace/name`), each comma-joined.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, rec, str } from './columns.js';
import { defaultTable } from './default.js';

export const rolesTable: TableDef = defaultTable;

/** rbacv1helpers.SubjectsStrings: users, groups and service accounts (`namespace/name`). */
function subjectsStrings(subjects: unknown): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(subjects)) {
    if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
  }
  return [users, groups, sas];
}

const ROLE_REF_DESCRIPTION =
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.';

/** `of` names the kind in the wide columns' descriptions, as upstream's two column sets do. */
function bindingsTable(of: 'roleBinding' | 'clusterRoleBinding'): TableDef {
  return {
    columns: [
      nameColumn(),
      column('Role', 'string', ROLE_REF_DESCRIPTION),
      ageColumn(),
      column('Users', 'string', `Users in the ${of}`, 1),
      column('Groups', 'string', `Groups in the ${of}`, 1),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${of}`, 1),
    ],
    cells: (b, now) => {
      const ref = rec(b.roleRef);
      const [users, groups, sas] = subjectsStrings(b.subjects);
      return [nameOf(b), `${str(ref.kind)}/${str(ref.name)}`, ageOf(b, now), users.join(', '), groups.join(', '), sas.join(', ')];
    },
  };
}

export const roleBindingsTable = bindingsTable('roleBinding');
export const clusterRoleBindingsTable = bindingsTable('clusterRoleBinding');
