// ClaimObjects (controller_ref_manager.go's BaseControllerRefManager) over any kind: an owner keeps what it controls
// and still matches, adopts matching orphans (after a fresh read shows it alive: RecheckDeletionTimestamp) and
// releases what stopped matching. Used by the StatefulSet and DaemonSet controllers for their pods and revisions;
// writes go as a read-modify-write of the ownerReferences, only to the object of the uid decided on.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import type { Client, ClientWriteOptions, Gvr } from '../../client/types.js';
import { updateWith } from '../../client/update-with.js';
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
      const updated = await updateWith(
        client,
        gvr,
        o.metadata.namespace,
        o.metadata.name!,
        (cur) => {
          if (cur.metadata.uid !== o.metadata.uid) return cur;
          const others = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
          if (decision === 'adopt') {
            if (others.some((r) => r.controller) || cur.metadata.deletionTimestamp) return cur;
            cur.metadata.ownerReferences = [...others, ref];
          } else if (others.length) cur.metadata.ownerReferences = others;
          else delete cur.metadata.ownerReferences;
          return cur;
        },
        write,
      );
      if (decision === 'adopt' && updated.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.controller))
        owned.push(updated);
    } catch (e) {
      if (code(e) !== 404 && code(e) !== 409) throw e;
    }
  }
  return owned;
}
