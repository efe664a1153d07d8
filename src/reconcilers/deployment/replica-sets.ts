// What the deployment controller reads off its ReplicaSets (pkg/controller/deployment/util/deployment_util.go and
// controller_utils.go): counts, revisions, the new and old sets, orderings.
import type { KObject } from '../../machinery/api/meta.js';
import { canonicalJson } from './hash.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

export const specReplicas = (o: KObject): number => Number((o as J).spec?.replicas ?? 0);
export const statusOf = (o: KObject): J => (o as J).status ?? {};
export const annotation = (o: KObject, k: string): string | undefined => o.metadata.annotations?.[k];

/** GetReplicaCountForReplicaSets: the replicas asked for (spec). */
export const specSum = (rss: (KObject | undefined)[]) => rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
/** GetActualReplicaCountForReplicaSets, GetReadyReplicaCountForReplicaSets, GetAvailableReplicaCountForReplicaSets. */
export const statusSum = (rss: (KObject | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
  rss.reduce((n, rs) => n + (rs ? Number(statusOf(rs)[field] ?? 0) : 0), 0);

/** FilterActiveReplicaSets: those asking for pods. */
export const activeOf = (rss: (KObject | undefined)[]): KObject[] => rss.filter((rs): rs is KObject => !!rs && specReplicas(rs) > 0);

/** Revision(rs): the revision annotation as a number (0 when absent, NaN when garbled). */
export function revisionOf(o: KObject): number {
  const v = annotation(o, REVISION);
  return v === undefined ? 0 : /^\d+$/.test(v) ? Number(v) : NaN;
}

/** MaxRevision: the highest revision among the sets (garbled ones are skipped). */
export const maxRevision = (rss: KObject[]) => rss.reduce((m, rs) => (Number.isNaN(revisionOf(rs)) ? m : Math.max(m, revisionOf(rs))), 0);

const created = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export const byCreation = (a: KObject, b: KObject) =>
  created(a) - created(b) || compareStrings(a.metadata.name ?? '', b.metadata.name ?? '');
/** ReplicaSetsBySizeOlder: larger first; equal sizes oldest first. */
export const bySizeOlder = (a: KObject, b: KObject) => specReplicas(b) - specReplicas(a) || byCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first; equal sizes newest first. */
export const bySizeNewer = (a: KObject, b: KObject) => specReplicas(b) - specReplicas(a) || byCreation(b, a);
/** ReplicaSetsByRevision: lowest revision first; equal ones by creation. */
export const byRevision = (a: KObject, b: KObject) => (revisionOf(a) || 0) - (revisionOf(b) || 0) || byCreation(a, b);

/** The template without its pod-template-hash label. */
function withoutHash(template: unknown): unknown {
  const t = structuredClone((template ?? {}) as J);
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH];
  return t;
}

/** EqualIgnoreHash: the templates are semantically equal once the pod-template-hash label is left out of both. */
export const equalIgnoreHash = (a: unknown, b: unknown) => canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));

/** FindNewReplicaSet: the oldest set whose template is the deployment's. */
export function findNewReplicaSet(d: KObject, rss: KObject[]): KObject | undefined {
  const template = (d as J).spec?.template;
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash((rs as J).spec?.template, template));
}

/** FindOldReplicaSets: every other set (allOld), and those of them still asking for pods. */
export function findOldReplicaSets(d: KObject, rss: KObject[]): { allOld: KObject[]; active: KObject[] } {
  const fresh = findNewReplicaSet(d, rss);
  const allOld = rss.filter((rs) => rs.metadata.uid !== fresh?.metadata.uid);
  return { allOld, active: activeOf(allOld) };
}

/** The controller ownerReference, if any (metav1.GetControllerOf). */
export const controllerOf = (o: KObject) => (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
