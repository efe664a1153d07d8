// ControllerRefManager.ClaimReplicaSets for a deployment: keep the sets it controls that still match its selector,
// adopt matching orphans (controller ownerReference with blockOwnerDeletion), release controlled sets that stopped
// matching. Never touches a set another controller owns.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../machinery/labels.js';
import type { Client, Gvr } from '../../client/types.js';
import { updateWith } from '../../client/update-with.js';
import { controllerOf } from './replica-sets.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const GVR_DEPLOYMENTS: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
export const GVR_REPLICASETS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };
const FIELD_MANAGER = 'deployment-controller';

export const controllerRefTo = (d: KObject): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: d.metadata.name!,
  uid: d.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/** What a claim would do with each candidate: pure, so it can be tested without a server. */
export function classifyReplicaSets(d: KObject, candidates: KObject[]): { owned: KObject[]; adopt: KObject[]; release: KObject[] } {
  const selector = labelSelectorFromObject((d as J).spec?.selector as LabelSelectorObject);
  const deleting = !!d.metadata.deletionTimestamp;
  const out = { owned: [] as KObject[], adopt: [] as KObject[], release: [] as KObject[] };
  for (const rs of candidates) {
    const ref = controllerOf(rs);
    const matches = selector.matches(rs.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue;
      if (matches) out.owned.push(rs);
      else if (!deleting) out.release.push(rs);
    } else if (matches && !deleting && !rs.metadata.deletionTimestamp) {
      out.adopt.push(rs);
    }
  }
  return out;
}

const gone = (e: unknown) => e instanceof StatusError && e.code === 404;

/** Claims the sets: adoption first re-reads the deployment (canAdopt: same uid, not being deleted). */
export async function claimReplicaSets(client: Client, d: KObject, candidates: KObject[]): Promise<KObject[]> {
  const { owned, adopt, release } = classifyReplicaSets(d, candidates);
  const ns = d.metadata.namespace;
  if (adopt.length) {
    const fresh = await client.get(GVR_DEPLOYMENTS, ns, d.metadata.name!);
    if (fresh.metadata.uid !== d.metadata.uid)
      throw new Error(`original Deployment ${ns}/${d.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp)
      throw new Error(`${ns}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
  for (const rs of adopt) {
    try {
      const adopted = await updateWith(
        client,
        GVR_REPLICASETS,
        ns,
        rs.metadata.name!,
        (cur) => {
          if (cur.metadata.uid !== rs.metadata.uid || controllerOf(cur) || cur.metadata.deletionTimestamp) return cur;
          cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), controllerRefTo(d)];
          return cur;
        },
        { fieldManager: FIELD_MANAGER },
      );
      if (controllerOf(adopted)?.uid === d.metadata.uid) owned.push(adopted);
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
  for (const rs of release) {
    try {
      await updateWith(
        client,
        GVR_REPLICASETS,
        ns,
        rs.metadata.name!,
        (cur) => {
          if (cur.metadata.uid !== rs.metadata.uid) return cur;
          const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
          if (refs.length) cur.metadata.ownerReferences = refs;
          else delete cur.metadata.ownerReferences;
          return cur;
        },
        { fieldManager: FIELD_MANAGER },
      );
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
  return owned;
}
