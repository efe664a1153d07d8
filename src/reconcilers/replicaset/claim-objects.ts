// ClaimObjects (controller_ref_manager.go's BaseControllerRefManager) over any kind: an owner keeps what it controls
// and still matches, adopts matching orphans (after a fresh read shows it alive: RecheckDeletionTimestamp) and
// releases what stopped matching. Used by the StatefulSet and DaemonSet controllers for their pods and revisions;
// writes are the strategic merge patches upstream sends (no read first: the daemon-set-controller may not get pods),
// with the object's uid as a precondition.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import type { Client, ClientWriteOptions, Gvr } from '../../client/types.js';
import { claimDecision } from './claim.js';

const code = (e: unknown) => (e instanceof StatusError ? e.code : 0);

export interface ClaimTarget {
  client: Client;
  /** The owner's own resource (for the fresh read before adopting). */
  ownerGvr: Gvr;
  owner: KObject;
  ref: OwnerReference;
  write: ClientWriteOptions;
}

/** The objects of `gvr` among `candidates` that the owner controls once the claim is done. */
export async function claimObjects(t: ClaimTarget, gvr: Gvr, candidates: KObject[], matches: (o: KObject) => boolean): Promise<KObject[]> {
  const { client, owner, ref, write } = t;
  const owned: KObject[] = [];
  let canAdopt: Promise<boolean> | undefined;
  const recheck = async () => {
    try {
      const fresh = await client.get(t.ownerGvr, owner.metadata.namespace, owner.metadata.name!);
      return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (e) {
      if (code(e) === 404) return false;
      throw e;
    }
  };
  for (const o of candidates) {
    const decision = claimDecision(owner, o, matches(o));
    if (decision === 'owned') owned.push(o);
    if (decision !== 'adopt' && decision !== 'release') continue;
    if (decision === 'adopt' && !(await (canAdopt ??= recheck()))) continue;
    try {
      // ownerRefControllerPatch / GenerateDeleteOwnerRefStrategicMergeBytes: only to the object of this uid.
      const patch =
        decision === 'adopt'
          ? { metadata: { ownerReferences: [ref], uid: o.metadata.uid } }
          : { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: o.metadata.uid } };
      const updated = await client.patch(gvr, o.metadata.namespace, o.metadata.name!, 'strategic', patch, write);
      if (decision === 'adopt') owned.push(updated);
    } catch (e) {
      // Gone, or replaced by another object of that name (the uid precondition): nothing to claim.
      if (code(e) !== 404 && code(e) !== 409 && code(e) !== 422) throw e;
    }
  }
  return owned;
}
