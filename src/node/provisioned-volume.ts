// The PersistentVolume dockube's Docker-volume provisioner creates for a claim, as an external provisioner's
// controller does (sigs.k8s.io/sig-storage-lib-external-provisioner): named pvc-<claim uid>, pre-bound to the claim
// (claimRef with its uid, so the PV controller binds exactly that claim), the class's reclaim policy and mount
// options, the provisioned-by annotation, node affinity to the node whose engine holds the volume, and the
// provisioner's finalizer when the volume is deleted with the PV (HonorPVReclaimPolicy). Pure.
import type { KObject } from '../machinery/api/meta.js';
import { ANN_PROVISIONED_BY, DOCKER_VOLUME_PROVISIONER, classOf } from '../reconcilers/pvc-binder.js';
import { DOCKER_VOLUME_DRIVER } from '../translate/volume-plan.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The external provisioner's finalizer: the PV object goes only after its storage is deleted. */
export const PROVISIONER_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export function provisionedVolume(pvc: KObject, sc: KObject, volumeName: string, nodeName: string): KObject {
  const spec = (pvc.spec ?? {}) as J;
  const reclaimPolicy = String(sc.reclaimPolicy ?? 'Delete');
  const mountOptions = sc.mountOptions as string[] | undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeName,
      annotations: { [ANN_PROVISIONED_BY]: DOCKER_VOLUME_PROVISIONER },
      ...(reclaimPolicy === 'Delete' ? { finalizers: [PROVISIONER_FINALIZER] } : {}),
    },
    spec: {
      capacity: { storage: spec.resources?.requests?.storage },
      accessModes: spec.accessModes ?? [],
      volumeMode: spec.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: reclaimPolicy,
      storageClassName: classOf(pvc),
      ...(mountOptions?.length ? { mountOptions } : {}),
      claimRef: {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        resourceVersion: pvc.metadata.resourceVersion,
      },
      csi: { driver: DOCKER_VOLUME_DRIVER, volumeHandle: volumeName },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [nodeName] }] }] },
      },
    },
  } as KObject;
}

/** The node a PV provisioned by us was made on (its hostname affinity), or undefined for any other PV. */
export function provisionedOn(pv: KObject): string | undefined {
  if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] !== DOCKER_VOLUME_PROVISIONER) return undefined;
  const term = (pv.spec as J | undefined)?.nodeAffinity?.required?.nodeSelectorTerms?.[0] as J | undefined;
  const expr = ((term?.matchExpressions ?? []) as J[]).find((e) => e.key === HOSTNAME_LABEL && e.operator === 'In');
  return expr?.values?.[0];
}
