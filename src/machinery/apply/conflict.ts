// The 409 an apply answers when it would change fields other managers own (internal/conflict.go):
// one cause per conflicting field, and a message kubectl prints as is.
import { StatusError } from '../api/errors.js';
import { comparePaths, pathString, type Path } from './field-set.js';
import type { ManagerSet } from './managed-fields.js';

export interface Conflict {
  manager: ManagerSet;
  path: Path;
}

/** `"name"`, `"name" with subresource "status"`, and ` using apps/v1` for updaters. */
export function printManager(m: Pick<ManagerSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

export function conflictError(conflicts: Conflict[]): StatusError {
  const sorted = [...conflicts].sort(
    (a, b) =>
      (printManager(a.manager) < printManager(b.manager) ? -1 : printManager(a.manager) > printManager(b.manager) ? 1 : 0) ||
      comparePaths(a.path, b.path),
  );
  const causes = sorted.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(sorted[0].manager)}: ${pathString(sorted[0].path)}`;
  } else {
    const lines: string[] = [];
    let last = '';
    for (const c of sorted) {
      const who = printManager(c.manager);
      if (who !== last) {
        lines.push(`conflicts with ${who}:`);
        last = who;
      }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
