// The I/O half of the scheduler's VolumeBinding: reading the facts the plugin needs for a pod (its claims, the
// PersistentVolumes, the StorageClasses) and, once a node is chosen, PreBind: a static volume's claimRef names the
// claim (with the bound-by-controller annotation, as the scheduler's volume binder writes it; the PV controller then
// completes the binding), and a claim to provision on the node gets the selected-node annotation.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { Client } from '../../client/types.js';
import { updateWith } from '../../client/update-with.js';
import { claimRefNames } from '../pv-matching.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, PERSISTENT_VOLUMES, STORAGE_CLASSES } from '../pvc-binder.js';
import { GVR } from '../../client/types.js';
import { podClaimNames, type ClaimBinding, type VolumeFacts } from './volume-binding.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;

/** The facts for a pod with claims; undefined for a pod without any (the plugin has nothing to do). */
export async function readVolumeFacts(client: Client, pod: KObject): Promise<VolumeFacts | undefined> {
  const names = [...new Set(podClaimNames(pod))];
  if (!names.length) return undefined;
  const ns = pod.metadata.namespace;
  const claims = new Map<string, KObject>();
  const [volumes, classes] = await Promise.all([
    client.list(PERSISTENT_VOLUMES, undefined),
    client.list(STORAGE_CLASSES, undefined),
    ...names.map((n) =>
      client.get(GVR.persistentvolumeclaims, ns, n).then(
        (c) => void claims.set(n, c),
        (e) => {
          if (!isNotFound(e)) throw e;
        },
      ),
    ),
  ]);
  const byClass = new Map((classes as { items: KObject[] }).items.map((c) => [c.metadata.name!, c]));
  return {
    claim: (n) => claims.get(n),
    volumes: (volumes as { items: KObject[] }).items,
    storageClass: (n) => byClass.get(n),
  };
}

/** A static volume another claim took between the filter and PreBind: the attempt is retried. */
export class VolumeBindingConflict extends Error {}

/** PreBind: writes the chosen bindings for the pod's unbound claims on `node`. */
export async function preBindVolumes(client: Client, bindings: ClaimBinding[], node: string, fieldManager: string): Promise<void> {
  for (const { claim, volume } of bindings) {
    if (volume) {
      const bound = await updateWith(
        client,
        PERSISTENT_VOLUMES,
        undefined,
        volume.metadata.name!,
        (cur) => {
          const spec = (cur.spec ?? {}) as J;
          if (spec.claimRef) return cur; // pre-bound already (to this claim, or a conflict seen below)
          return {
            ...cur,
            metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
            spec: {
              ...spec,
              claimRef: {
                kind: 'PersistentVolumeClaim',
                apiVersion: 'v1',
                namespace: claim.metadata.namespace,
                name: claim.metadata.name,
                uid: claim.metadata.uid,
                resourceVersion: claim.metadata.resourceVersion,
              },
            },
          };
        },
        { fieldManager },
      );
      if (!claimRefNames(bound, claim)) throw new VolumeBindingConflict(`volume ${volume.metadata.name} was bound to another claim`);
      continue;
    }
    await updateWith(
      client,
      GVR.persistentvolumeclaims,
      claim.metadata.namespace,
      claim.metadata.name!,
      (cur) =>
        cur.metadata.uid !== claim.metadata.uid || (cur.spec as J).volumeName
          ? cur
          : { ...cur, metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, [ANN_SELECTED_NODE]: node } } },
      { fieldManager },
    );
  }
}
