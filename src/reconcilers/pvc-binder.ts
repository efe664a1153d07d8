// The PersistentVolumeClaim controller: the work of kube-controller-manager's persistentvolume and pvc-protection
// controllers. The Docker volumes and their PersistentVolumes are the node's (src/node/volume-provisioner.ts), as an
// external provisioner runs where the storage is.
// - A claim first takes a matching volume (pv-matching.ts): one pre-bound to it (a provisioned PV names its claim),
//   else, unless its class binds WaitForFirstConsumer (the scheduler picks the volume then), the smallest that fits.
//   Both sides are written (PV claimRef and Bound, claim volumeName, bind annotations and Bound).
// - Without one, the claim is handed to its class's provisioner (the storage-provisioner annotations); for
//   WaitForFirstConsumer, the scheduler selects the node (selected-node annotation), or, for a pod placed on a node
//   directly, the consumer's node is selected here.
// - A deleted claim keeps its kubernetes.io/pvc-protection finalizer while a running pod mounts it.
// - An unclaimed PV is Available; a PV whose claim is gone is Released (Retain, and Delete of a provisioned PV, whose
//   provisioner deletes the storage and then the PV) or deleted (Delete of a static PV).
// Claims bound before provisioned volumes had PV objects (volumeName pvc-<uid> without a PV) stay bound.
import { StatusError } from '../machinery/api/errors.js';
import { PVC_PROTECTION_FINALIZER } from '../admission/persistent-volume-claims.js';
import { PV_PROTECTION_FINALIZER } from '../admission/persistent-volumes.js';
import type { KObject } from '../machinery/api/meta.js';
import { Controller } from './controller.js';
import type { ReconcilerContext } from './context.js';
import { EventRecorder } from './event-recorder.js';
import { controllerIdentity } from '../client/identities.js';
import { Informer } from '../client/informer.js';
import { GVR, type Gvr } from '../client/types.js';
import { updateWith } from '../client/update-with.js';
import { claimRefNames, findMatchingVolume } from './pv-matching.js';
import { compareStrings } from '../machinery/compare.js';

/** The provisioner name of dockube's Docker-volume StorageClass (the default `local` class). */
export const DOCKER_VOLUME_PROVISIONER = 'dockube.io/docker-volume';
/** The provisioner of classes for static volumes only (local PVs): nothing provisions their claims. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const LABEL_PVC_UID = 'dockube.io/pvc-uid';
export const LABEL_RECLAIM_POLICY = 'dockube.io/reclaim-policy';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
const ANN_BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** pv.kubernetes.io/provisioned-by (AnnDynamicallyProvisioned): the provisioner that made the PV. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

/** The volume (and Docker volume) name of a provisioned claim, as external provisioners name PVs. */
export const provisionedVolumeName = (uid: string) => `pvc-${uid}`;

export interface PvcBinderOptions {
  /** how often a claim of a class that does not exist yet is looked at again */
  retryMs?: number;
}

const write = { fieldManager: 'persistentvolume-binder-controller' };
export const STORAGE_CLASSES = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };
export const PERSISTENT_VOLUMES = { group: '', version: 'v1', resource: 'persistentvolumes' };
const PVS = PERSISTENT_VOLUMES;
const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;
const claimsOf = (pod: KObject): string[] =>
  ((pod.spec as J | undefined)?.volumes ?? [])
    .map((v: J) => v.persistentVolumeClaim?.claimName)
    .filter((n: unknown): n is string => typeof n === 'string' && n !== '');
export const classOf = (pvc: KObject): string => {
  const beta = pvc.metadata.annotations?.[ANN_BETA_CLASS];
  return beta !== undefined ? beta : String((pvc.spec as J | undefined)?.storageClassName ?? '');
};
/** A pod that has not finished still uses its claims (pvc-protection's view; terminating pods included). */
const podIsActive = (pod: KObject) => !['Succeeded', 'Failed'].includes(String((pod.status as J | undefined)?.phase ?? ''));

export async function startPvcBinder(ctx: ReconcilerContext, opts: PvcBinderOptions = {}): Promise<Controller> {
  const log = ctx.log.child({ component: 'pvc-binder' });
  // Through the client seam as kube-system/persistent-volume-binder, with informers on claims, pods and classes.
  const client = ctx.client(controllerIdentity('persistent-volume-binder'));
  const PVCS = GVR.persistentvolumeclaims;
  const retryMs = opts.retryMs ?? 15_000;
  const recorder = new EventRecorder(client, log);

  const onError = (err: Error) => log.warn({ err: err.message }, 'informer');
  const volumes = new Informer(client, PVS, { onError });

  /** The claim's spec.volumeName with the bind annotations (bindClaimToVolume upstream), unless another claim of
   * that name replaced it or it is bound already. */
  const bindClaimToVolume = (pvc: KObject, volumeName: string) =>
    updateWith(
      client,
      PVCS,
      pvc.metadata.namespace,
      pvc.metadata.name!,
      (cur) => {
        if (cur.metadata.uid !== pvc.metadata.uid || (cur.spec as J).volumeName) return cur;
        return {
          ...cur,
          metadata: {
            ...cur.metadata,
            annotations: { ...cur.metadata.annotations, [ANN_BIND_COMPLETED]: 'yes', [ANN_BOUND_BY_CONTROLLER]: 'yes' },
          },
          spec: { ...(cur.spec as J), volumeName },
        };
      },
      write,
    );

  /** The bound claim's status: phase Bound with the access modes and capacity `bound` gives for it. */
  const markClaimBound = (pvc: KObject, volumeName: string, bound: (cur: KObject) => J) =>
    updateWith(
      client,
      PVCS,
      pvc.metadata.namespace,
      pvc.metadata.name!,
      (cur) =>
        cur.metadata.uid !== pvc.metadata.uid || (cur.spec as J).volumeName !== volumeName
          ? cur
          : { ...cur, status: { ...(cur.status as J), phase: 'Bound', ...bound(cur) } },
      { ...write, status: true },
    );

  /** Binds a claim to a static volume: the volume's claimRef and phase first, then the claim (as bind() upstream). */
  const bindStatic = async (pvc: KObject, pv: KObject) => {
    const ns = pvc.metadata.namespace!;
    const name = pvc.metadata.name!;
    const ref = {
      kind: 'PersistentVolumeClaim',
      namespace: ns,
      name,
      uid: pvc.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pvc.metadata.resourceVersion,
    };
    const claimed = await updateWith(
      client,
      PVS,
      undefined,
      pv.metadata.name!,
      (cur) => {
        const spec = (cur.spec ?? {}) as J;
        if (spec.claimRef && (!claimRefNames(cur, pvc) || spec.claimRef.uid === pvc.metadata.uid)) return cur;
        const annotations = spec.claimRef ? cur.metadata.annotations : { ...cur.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
        return { ...cur, metadata: { ...cur.metadata, annotations }, spec: { ...spec, claimRef: ref } };
      },
      write,
    );
    if ((claimed.spec as J).claimRef?.uid !== pvc.metadata.uid) return; // someone else's by now
    if ((claimed.status as J | undefined)?.phase !== 'Bound')
      await updateWith(client, PVS, undefined, pv.metadata.name!, (cur) => ({ ...cur, status: { ...(cur.status as J), phase: 'Bound' } }), {
        ...write,
        status: true,
      });
    const pvSpec = claimed.spec as J;
    await bindClaimToVolume(pvc, pv.metadata.name!);
    await markClaimBound(pvc, pv.metadata.name!, () => ({ accessModes: pvSpec.accessModes ?? [], capacity: pvSpec.capacity ?? {} }));
  };

  /** A volume's phase from its claim: Available without one, Bound to a live claim, Released or deleted after it. */
  const syncVolume = async (name: string) => {
    const pv = await get(PVS, undefined, name);
    if (!pv) return;
    const phase = await syncVolumePhase(pv);
    // pv-protection: a volume being deleted goes once it is no longer Bound to a claim.
    if (pv.metadata.deletionTimestamp && phase !== 'Bound' && (pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER))
      await updateWith(
        client,
        PVS,
        undefined,
        name,
        (cur) =>
          cur.metadata.uid !== pv.metadata.uid
            ? cur
            : {
                ...cur,
                metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER) },
              },
        write,
      ).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
  };

  /** A volume's phase from its claim (what it is after this sync): Available without one, Bound to a live claim,
   * Released or deleted after it. */
  const syncVolumePhase = async (pv: KObject): Promise<string | undefined> => {
    const name = pv.metadata.name!;
    const spec = (pv.spec ?? {}) as J;
    const phase = (pv.status as J | undefined)?.phase as string | undefined;
    const setPhase = async (p: string) => {
      if (phase !== p)
        await updateWith(client, PVS, undefined, name, (cur) => ({ ...cur, status: { ...(cur.status as J), phase: p } }), {
          ...write,
          status: true,
        });
      return p;
    };
    if (!spec.claimRef) return setPhase('Available');
    const ref = spec.claimRef as J;
    const claim = await get(PVCS, ref.namespace, ref.name);
    if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
      if ((claim.spec as J).volumeName === name) return setPhase('Bound');
      if (!ref.uid) return setPhase('Available'); // pre-bound, waiting for its claim
      return phase;
    }
    if (!ref.uid) return setPhase('Available');
    // The claim this volume was bound to is gone. A provisioned volume's storage is its provisioner's to delete.
    if (
      spec.persistentVolumeReclaimPolicy === 'Delete' &&
      !pv.metadata.annotations?.[ANN_PROVISIONED_BY] &&
      !pv.metadata.deletionTimestamp
    ) {
      await client.delete(PVS, undefined, name).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
      return phase;
    }
    return setPhase('Released');
  };

  const get = async (gvr: Gvr, ns: string | undefined, name: string) => {
    try {
      return await client.get(gvr, ns, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const event = (pvc: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'persistentvolume-controller') =>
    recorder.record(pvc, type, reason, message, { component });
  const podsUsing = async (ns: string, claim: string) => (await client.list(GVR.pods, ns)).items.filter((p) => claimsOf(p).includes(claim));

  /** The protection finalizer goes once no unfinished pod mounts the claim. */
  const release = async (pvc: KObject) => {
    const ns = pvc.metadata.namespace!;
    const name = pvc.metadata.name!;
    if (!(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return;
    if ((await podsUsing(ns, name)).some(podIsActive)) return; // the pod watch brings the claim back
    await updateWith(
      client,
      PVCS,
      ns,
      name,
      (cur) => {
        if (cur.metadata.uid !== pvc.metadata.uid) return cur;
        return {
          ...cur,
          metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER) },
        };
      },
      write,
    );
  };

  /** emitEventForUnboundDelayBindingClaim: no consumer yet, or the consumers the scheduler has not placed. */
  const waitingForConsumer = async (pvc: KObject) => {
    const pending = (await podsUsing(pvc.metadata.namespace!, pvc.metadata.name!))
      .filter((p) => podIsActive(p) && !(p.spec as J | undefined)?.nodeName)
      .map((p) => p.metadata.name!)
      .sort(compareStrings);
    if (!pending.length) event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else
      event(
        pvc,
        'Normal',
        'WaitForPodScheduled',
        pending.length > 1 ? `waiting for pods ${pending.join(',')} to be scheduled` : `waiting for pod ${pending[0]} to be scheduled`,
      );
  };

  const provision = async (pvc: KObject): Promise<{ requeueAfterMs: number } | void> => {
    const ns = pvc.metadata.namespace!;
    const name = pvc.metadata.name!;
    const className = classOf(pvc);
    const sc = className ? await get(STORAGE_CLASSES, undefined, className) : undefined;
    // A WaitForFirstConsumer claim takes only a volume pre-bound to it: the scheduler chooses one on the pod's node.
    const delayBinding = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const staticVolume = findMatchingVolume(pvc, volumes.list(), className, { delayBinding });
    if (staticVolume) return bindStatic(pvc, staticVolume);
    if (!className) {
      event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!sc) {
      event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return { requeueAfterMs: retryMs };
    }
    const provisioner = String(sc.provisioner ?? '');
    if (provisioner === NO_PROVISIONER) {
      // Static volumes only: nothing will come unless an administrator (or, for WaitForFirstConsumer, the scheduler) binds one.
      if (delayBinding && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) await waitingForConsumer(pvc);
      else event(pvc, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${NO_PROVISIONER}`);
      return;
    }
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
      await updateWith(
        client,
        PVCS,
        ns,
        name,
        (cur) =>
          cur.metadata.uid !== pvc.metadata.uid
            ? cur
            : {
                ...cur,
                metadata: {
                  ...cur.metadata,
                  annotations: {
                    ...cur.metadata.annotations,
                    [ANN_STORAGE_PROVISIONER]: provisioner,
                    [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
                  },
                },
              },
        write,
      );
    }
    if (provisioner !== DOCKER_VOLUME_PROVISIONER) {
      event(
        pvc,
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      );
      return;
    }
    if (delayBinding && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) {
      const consumer = (await podsUsing(ns, name)).find((p) => podIsActive(p) && (p.spec as J | undefined)?.nodeName);
      if (!consumer) {
        await waitingForConsumer(pvc);
        return;
      }
      // The scheduler's volume binding step in Kubernetes: the claim's volume goes where its first consumer runs.
      await updateWith(
        client,
        PVCS,
        ns,
        name,
        (cur) =>
          cur.metadata.uid !== pvc.metadata.uid || cur.metadata.annotations?.[ANN_SELECTED_NODE]
            ? cur
            : {
                ...cur,
                metadata: {
                  ...cur.metadata,
                  annotations: { ...cur.metadata.annotations, [ANN_SELECTED_NODE]: String((consumer.spec as J).nodeName) },
                },
              },
        write,
      );
      return;
    }
    // The node's provisioner creates the volume and its PV, pre-bound to the claim: the PV's event brings it back here.
  };

  const c = new Controller(
    'pvc-binder',
    async (key) => {
      if (key.startsWith('pv:')) return syncVolume(key.slice(3));
      const [ns, name] = key.split('/') as [string, string];
      const pvc = await get(PVCS, ns, name);
      if (!pvc) return;
      if (pvc.metadata.deletionTimestamp) {
        await release(pvc);
        return;
      }
      const spec = pvc.spec as J;
      const phase = (pvc.status as J | undefined)?.phase;
      const pv = spec.volumeName && phase !== 'Bound' ? await get(PVS, undefined, spec.volumeName) : undefined;
      if (pv) {
        // A claim naming a volume: bind it once the volume exists and is free or reserved for it.
        if (!(pv.spec as J | undefined)?.claimRef || claimRefNames(pv, pvc))
          await bindStatic({ ...pvc, spec: { ...spec, volumeName: undefined } }, pv);
        return;
      }
      if (spec.volumeName) {
        // A claim provisioned before PVs were made for it (bound but the status write was lost): its status says so.
        if (phase !== 'Bound' && spec.volumeName === provisionedVolumeName(pvc.metadata.uid!)) {
          await updateWith(
            client,
            PVCS,
            ns,
            name,
            (cur) => ({
              ...cur,
              status: {
                ...(cur.status as J),
                phase: 'Bound',
                accessModes: (cur.spec as J).accessModes ?? [],
                capacity: { storage: (cur.spec as J).resources?.requests?.storage },
              },
            }),
            { ...write, status: true },
          );
        }
        return;
      }
      return provision(pvc);
    },
    log,
  );

  const claims = new Informer(client, PVCS, { onError });
  // A claim's change also concerns the volume it names (a deleted claim releases it).
  c.source(claims, (_t, _old, o) => [
    `${o.metadata.namespace}/${o.metadata.name}`,
    ...((o.spec as J)?.volumeName ? [`pv:${(o.spec as J).volumeName}`] : []),
  ]);
  // A volume's change: its own phase, its claim, and the pending claims it might now satisfy.
  c.source(volumes, (_t, _old, pv) => {
    const ref = (pv.spec as J | undefined)?.claimRef as J | undefined;
    const pending = claims
      .list()
      .filter((p) => !(p.spec as J).volumeName && !p.metadata.deletionTimestamp)
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    return [`pv:${pv.metadata.name}`, ...(ref ? [`${ref.namespace}/${ref.name}`] : []), ...pending];
  });
  // Pods: a finished or deleted pod may release a claim; a scheduled pod is the first consumer of a waiting one.
  c.source(new Informer(client, GVR.pods, { onError }), (_t, _old, o) => claimsOf(o).map((cl) => `${o.metadata.namespace}/${cl}`));
  // A class that appears lets its pending claims be provisioned.
  c.source(new Informer(client, STORAGE_CLASSES, { onError }), (_t, _old, sc) =>
    claims
      .list()
      .filter((p) => classOf(p) === sc.metadata.name && !(p.spec as J).volumeName)
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
  );
  await c.start();
  return c;
}
