// The writes of pkg/controller/history's realHistory through the client seam: CreateControllerRevision (a name taken
// by different data bumps the collision count and tries the next name) and UpdateControllerRevision (a rollback to an
// old template renumbers that revision instead of copying it). Claiming revisions is replicaset/claim-objects.ts.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { Client, ClientWriteOptions, Gvr } from '../../client/types.js';
import { updateWith } from '../../client/update-with.js';
import {
  equalRevision,
  hashControllerRevision,
  controllerRevisionName,
  CONTROLLER_REVISION_HASH_LABEL,
  dataOf,
} from './controller-history.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const GVR_CONTROLLER_REVISIONS: Gvr = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

const code = (e: unknown) => (e instanceof StatusError ? e.code : 0);

/**
 * Creates `revision`, renamed with the collision count while its name is held by a revision with other data. Resolves
 * to the stored revision (an equal one that already existed counts) and the collision count it ended with.
 */
export async function createControllerRevision(
  client: Client,
  owner: KObject,
  revision: KObject,
  collisionCount: number,
  write: ClientWriteOptions,
  /** The name's hash for a collision count (the DaemonSet names revisions by its pod template's hash). */
  hashFor: (count: number) => string = (count) => hashControllerRevision(dataOf(revision), count),
): Promise<{ revision: KObject; collisionCount: number }> {
  let count = collisionCount;
  for (let attempt = 0; attempt < 100; attempt++) {
    const hash = hashFor(count);
    const candidate = structuredClone(revision);
    candidate.metadata.name = controllerRevisionName(owner.metadata.name ?? '', hash);
    candidate.metadata.labels = { ...(candidate.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
    try {
      return { revision: await client.create(GVR_CONTROLLER_REVISIONS, owner.metadata.namespace, candidate, write), collisionCount: count };
    } catch (e) {
      if (code(e) !== 409) throw e;
      const existing = await client.get(GVR_CONTROLLER_REVISIONS, owner.metadata.namespace, candidate.metadata.name!);
      if (equalRevision(existing, candidate)) return { revision: existing, collisionCount: count };
      count++;
    }
  }
  throw new Error(`could not find a free name for a revision of ${owner.metadata.namespace}/${owner.metadata.name}`);
}

/** UpdateControllerRevision: the revision renumbered (a rollback to it makes it the newest). */
export function renumberControllerRevision(client: Client, revision: KObject, n: number, write: ClientWriteOptions): Promise<KObject> {
  return updateWith(
    client,
    GVR_CONTROLLER_REVISIONS,
    revision.metadata.namespace,
    revision.metadata.name!,
    (cur) => {
      (cur as J).revision = n;
      return cur;
    },
    write,
  );
}
