// The DaemonSet's ControllerRevisions (update.go constructHistory, snapshot, dedupCurHistories, cleanupHistory): the
// revision whose data is the set's template is current (renumbered to be the newest if it was not); none is a new
// snapshot named `<set>-<pod-template-hash>` (ComputeHash of the template and the collision count).
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import type { Client, ClientWriteOptions } from '../../client/types.js';
import { computeHash } from '../deployment/hash.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  newControllerRevision,
  nextRevision,
  revisionOf,
  sortRevisions,
  templatePatch,
  dataOf,
} from '../history/controller-history.js';
import { createControllerRevision, renumberControllerRevision } from '../history/store.js';
import { deepEqual } from '../../machinery/api/equality.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DaemonHistory {
  current: KObject;
  old: KObject[];
  /** The current revision's hash label: the pods' controller-revision-hash. */
  hash: string;
  collisionCount: number;
}

/** Match: the revision holds this template. */
export const matchesTemplate = (ds: KObject, revision: KObject): boolean => deepEqual(dataOf(revision), templatePatch(ds));

export async function constructHistory(
  client: Client,
  ds: KObject,
  ref: OwnerReference,
  owned: KObject[],
  write: ClientWriteOptions,
): Promise<DaemonHistory> {
  const sorted = sortRevisions(owned);
  const current = sorted.filter((r) => matchesTemplate(ds, r));
  const old = sorted.filter((r) => !matchesTemplate(ds, r));
  const next = nextRevision(old);
  let collisionCount = Number((ds as J).status?.collisionCount ?? 0);
  let cur: KObject;
  if (!current.length) {
    const template = (ds as J).spec?.template;
    const candidate = newControllerRevision(ds, ref, template?.metadata?.labels, templatePatch(ds), next, collisionCount);
    const created = await createControllerRevision(client, ds, candidate, collisionCount, write, (n) => computeHash(template, n));
    cur = created.revision;
    collisionCount = created.collisionCount;
  } else {
    // dedupCurHistories: the newest equal revision stays; the others are old (cleaned up with history).
    cur = current[current.length - 1];
    old.push(...current.slice(0, -1));
    if (revisionOf(cur) < next) cur = await renumberControllerRevision(client, cur, next, write);
  }
  const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? cur.metadata.name!.slice(ds.metadata.name!.length + 1);
  return { current: cur, old: sortRevisions(old), hash, collisionCount };
}
