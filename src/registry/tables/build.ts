// The meta.k8s.io/v1 Table kube-apiserver answers with when a client's Accept asks for `as=Table`.
import type { KObject, TableColumn, TableDef } from '../types.js';

/** metav1.TableRowCondition (only `Completed` exists in Kubernetes). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** A TableDef that may also attach row conditions (pods do). */
export interface TableDefWithConditions extends TableDef {
  conditions?(obj: KObject): TableRowCondition[] | undefined;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface BuildTableOptions {
  /** `includeObject` query parameter; Kubernetes' default is Metadata. */
  includeObject: IncludeObject;
  now: Date;
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
  /** Filled into full objects (includeObject=Object) that were stored without kind/apiVersion. */
  objectKind?: { apiVersion: string; kind: string };
}

/** Column definitions as serialised by Kubernetes: every field present, even when empty. */
export const columnDefinitions = (cols: TableColumn[]) =>
  cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));

function rowObject(obj: KObject, opts: BuildTableOptions): unknown {
  switch (opts.includeObject) {
    case 'None':
      return undefined;
    case 'Object':
      if (opts.objectKind && (!obj.kind || !obj.apiVersion))
        return {
          ...opts.objectKind,
          ...obj,
          kind: obj.kind || opts.objectKind.kind,
          apiVersion: obj.apiVersion || opts.objectKind.apiVersion,
        };
      return obj;
    default:
      // PartialObjectMetadata carries the whole ObjectMeta (kubectl needs namespace and labels from it).
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

/** Build the Table for a list (or a single object: one row). */
export function buildTable(def: TableDef, objects: KObject[], opts: BuildTableOptions): object {
  const withConds = def as TableDefWithConditions;
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: def.cells(obj, opts.now) };
    const conditions = withConds.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    const object = rowObject(obj, opts);
    if (object !== undefined) row.object = object;
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: columnDefinitions(def.columns), rows };
}
