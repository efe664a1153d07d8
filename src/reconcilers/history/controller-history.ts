// pkg/controller/history (controller_history.go): ControllerRevisions, the immutable snapshots of a StatefulSet's or
// DaemonSet's template that rollouts move between. A revision is named `<parent>-<hash>`, its hash (FNV-32a of the
// data, then the collision count, in rand.SafeEncodeString's alphabet: the Deployment's pod-template-hash machinery)
// is also its controller-revision-hash label, and a name taken by different data bumps the owner's collisionCount.
// The pure parts are here; the writes (create with collision handling, renumbering, claiming) are in store.ts.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { canonicalJson, fnv32a, safeEncodeString } from '../deployment/hash.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut so the name stays a valid DNS subdomain. */
export const controllerRevisionName = (prefix: string, hash: string): string =>
  `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;

/** HashControllerRevision: FNV-32a of the data, then the collision count as 4 little-endian bytes. */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(data) ?? ''));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/**
 * The data both controllers snapshot (getPatch): the template as a strategic merge patch that replaces the whole
 * template, which `kubectl rollout undo` applies to the owner as it is.
 */
export function templatePatch(owner: KObject): J {
  const template = structuredClone((owner as J).spec?.template ?? {});
  template.$patch = 'replace';
  return { spec: { template } };
}

/** NewControllerRevision: labelled with the template's labels and its hash, annotated as `owner`, controlled by it. */
export function newControllerRevision(
  owner: KObject,
  ref: OwnerReference,
  templateLabels: Record<string, string> | undefined,
  data: J,
  revision: number,
  collisionCount?: number,
): KObject {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata.name ?? '', hash),
      namespace: owner.metadata.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      // The owner's annotations (kubernetes.io/change-cause is what `kubectl rollout history` shows).
      ...(owner.metadata.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
      ownerReferences: [ref],
    },
    data,
    revision,
  } as KObject;
}

export const revisionOf = (r: KObject): number => Number((r as J).revision ?? 0);
export const dataOf = (r: KObject): unknown => (r as J).data;

/** EqualRevision: same hash label and the same data (the hash alone may collide). */
export function equalRevision(a: KObject | undefined, b: KObject | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== hb) return false;
  return deepEqual(dataOf(a), dataOf(b));
}

/** FindEqualRevisions: the revisions equal to `needle`, in the order given. */
export const findEqualRevisions = (revisions: KObject[], needle: KObject): KObject[] => revisions.filter((r) => equalRevision(r, needle));

/** SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: KObject[]): KObject[] {
  return [...revisions].sort(
    (a, b) =>
      revisionOf(a) - revisionOf(b) ||
      compareStrings(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
      compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''),
  );
}

/** nextRevision: one past the highest revision (1 for none). */
export const nextRevision = (revisions: KObject[]): number => revisions.reduce((m, r) => Math.max(m, revisionOf(r)), 0) + 1;

/**
 * truncateHistory: the revisions to delete so that at most `limit` revisions stay that no live pod uses and that
 * are neither current nor update; the oldest go first.
 */
export function historyToDelete(revisions: KObject[], live: Set<string>, limit: number): KObject[] {
  const idle = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''));
  const excess = idle.length - Math.max(0, limit);
  return excess > 0 ? idle.slice(0, excess) : [];
}
