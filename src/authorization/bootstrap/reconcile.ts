// pkg/registry/rbac/reconciliation as the bootstrap hook uses it (union, never removing): a missing object is
// created; an existing one annotated autoupdate=true, or not annotated, gets the labels, annotations, aggregation
// selectors, rule pieces and subjects it lacks, keeping what users added; autoupdate=false leaves it alone.
import type { KObject } from '../../machinery/api/meta.js';
import type { AggregationRule, BindingObject, RoleObject, Subject } from '../rbac/types.js';
import { AUTOUPDATE_ANNOTATION } from './objects.js';
import { covers } from './covers.js';

export type ReconcileOperation = 'none' | 'create' | 'update' | 'recreate';

export interface ReconcileResult<T> {
  operation: ReconcileOperation;
  /** autoupdate=false: what reconciliation would do is not done. */
  protectedObject: boolean;
  /** What to write (the expected object for create/recreate, the merged one for update). */
  object: T;
}

const isProtected = (o: KObject) => o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';

/** merge(expected, existing): the expected keys, with existing values winning. */
const mergeMaps = (expected: Record<string, string> | undefined, existing: Record<string, string> | undefined) => ({
  ...(expected ?? {}),
  ...(existing ?? {}),
});
const sameMap = (a: Record<string, string>, b: Record<string, string> | undefined) =>
  Object.keys(a).length === Object.keys(b ?? {}).length && Object.entries(a).every(([k, v]) => b?.[k] === v);

/** Labels and annotations: the expected ones added where the existing object lacks them. */
function reconcileMetadata<T extends KObject>(existing: T, expected: T): { object: T; changed: boolean } {
  const labels = mergeMaps(expected.metadata.labels, existing.metadata.labels);
  const annotations = mergeMaps(expected.metadata.annotations, existing.metadata.annotations);
  const changed = !sameMap(labels, existing.metadata.labels) || !sameMap(annotations, existing.metadata.annotations);
  return { object: { ...existing, metadata: { ...existing.metadata, labels, annotations } }, changed };
}

const selectorKey = (s: unknown) => JSON.stringify(s);

/** computeReconciledRole with removeExtraPermissions=false. */
export function reconcileRole(existing: RoleObject | undefined, expected: RoleObject): ReconcileResult<RoleObject> {
  if (!existing) return { operation: 'create', protectedObject: false, object: expected };
  const { object, changed } = reconcileMetadata(existing, expected);
  let update = changed;
  if (expected.aggregationRule) {
    const have = existing.aggregationRule?.clusterRoleSelectors ?? [];
    const keys = new Set(have.map(selectorKey));
    const missing = (expected.aggregationRule.clusterRoleSelectors ?? []).filter((s) => !keys.has(selectorKey(s)));
    if (!existing.aggregationRule || missing.length) {
      object.aggregationRule = { clusterRoleSelectors: [...have, ...missing] } as AggregationRule;
      update = true;
    }
  }
  const { uncovered } = covers(existing.rules ?? [], expected.rules ?? []);
  if (uncovered.length) {
    object.rules = [...(existing.rules ?? []), ...uncovered];
    update = true;
  }
  return { operation: update ? 'update' : 'none', protectedObject: isProtected(existing), object };
}

const subjectKey = (s: Subject) => [s.kind, s.apiGroup ?? '', s.namespace ?? '', s.name].join('/');

/** computeReconciledRoleBinding with removeExtraSubjects=false; a different roleRef means delete and create. */
export function reconcileBinding(existing: BindingObject | undefined, expected: BindingObject): ReconcileResult<BindingObject> {
  if (!existing) return { operation: 'create', protectedObject: false, object: expected };
  const protectedObject = isProtected(existing);
  const ref = (b: BindingObject) => `${b.roleRef.apiGroup}/${b.roleRef.kind}/${b.roleRef.name}`;
  if (ref(existing) !== ref(expected)) return { operation: 'recreate', protectedObject, object: expected };
  const { object, changed } = reconcileMetadata(existing, expected);
  const have = new Set((existing.subjects ?? []).map(subjectKey));
  const missing = (expected.subjects ?? []).filter((s) => !have.has(subjectKey(s)));
  if (missing.length) object.subjects = [...(existing.subjects ?? []), ...missing];
  return { operation: changed || missing.length ? 'update' : 'none', protectedObject, object };
}
