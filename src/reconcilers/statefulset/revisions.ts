// getStatefulSetRevisions / ApplyRevision (stateful_set_control.go): the update revision is the set's template as a
// ControllerRevision (an equal older one is renumbered to be the newest, as after `rollout undo`; a new one is
// created, with the collision count moving on a name clash); the current revision is the one status names, or the
// update revision for a new set.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import type { Client, ClientWriteOptions } from '../../client/types.js';
import {
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  revisionOf,
  sortRevisions,
  templatePatch,
} from '../history/controller-history.js';
import { createControllerRevision, renumberControllerRevision } from '../history/store.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SetRevisions {
  current: KObject;
  update: KObject;
  collisionCount: number;
  /** Every revision the set owns after this step, oldest first. */
  all: KObject[];
}

/** ApplyRevision: the set with the revision's template. */
export function applyRevision(set: KObject, revision: KObject): KObject {
  const out = structuredClone(set) as J;
  const template = structuredClone((revision as J).data?.spec?.template ?? {});
  delete template.$patch;
  out.spec = { ...(out.spec ?? {}), template };
  return out as KObject;
}

export async function statefulSetRevisions(
  client: Client,
  set: KObject,
  ref: OwnerReference,
  owned: KObject[],
  write: ClientWriteOptions,
): Promise<SetRevisions> {
  let all = sortRevisions(owned);
  let collisionCount = Number((set as J).status?.collisionCount ?? 0);
  const candidate = newControllerRevision(
    set,
    ref,
    (set as J).spec?.template?.metadata?.labels,
    templatePatch(set),
    nextRevision(all),
    collisionCount,
  );
  const equal = findEqualRevisions(all, candidate);
  let update: KObject;
  if (equal.length && equal[equal.length - 1].metadata.uid === all[all.length - 1].metadata.uid) update = all[all.length - 1];
  else if (equal.length) {
    const old = equal[equal.length - 1];
    update = await renumberControllerRevision(client, old, revisionOf(candidate), write);
    all = sortRevisions(all.map((r) => (r.metadata.uid === update.metadata.uid ? update : r)));
  } else {
    const created = await createControllerRevision(client, set, candidate, collisionCount, write);
    update = created.revision;
    collisionCount = created.collisionCount;
    if (!all.some((r) => r.metadata.uid === update.metadata.uid)) all = sortRevisions([...all, update]);
  }
  const currentName = (set as J).status?.currentRevision;
  const current = all.find((r) => r.metadata.name === currentName) ?? update;
  return { current, update, collisionCount, all };
}
