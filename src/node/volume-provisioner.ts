// The node side of PVC provisioning, as an external provisioner (local-path's) runs on the node that holds the
// storage: it creates the Docker volume `pvc-<uid>` of a claim the PVC controller handed to dockube's provisioner
// (with its class's driver options), then its PersistentVolume pre-bound to the claim (provisioned-volume.ts), which
// the PVC controller binds. A PV of ours whose claim is gone (Released) with reclaim policy Delete, or that is deleted,
// has its Docker volume removed once no container holds it, then the PV itself (its finalizer first). A claim bound to
// its Docker volume before PVs were made gets its PV (adopt); a deleted one's volume is removed by its labels.
// Through the client seam as kube-system/dockube-volume-provisioner, with the node's Docker client.
import type Dockerode from 'dockerode';
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { VOLUME_PROVISIONER } from '../client/identities.js';
import { Informer } from '../client/informer.js';
import { GVR } from '../client/types.js';
import { updateWith } from '../client/update-with.js';
import { Controller } from '../reconcilers/controller.js';
import type { ReconcilerContext } from '../reconcilers/context.js';
import { EventRecorder } from '../reconcilers/event-recorder.js';
import { LABEL_DATA_DIR, LABEL_INSTANCE, instanceFilter } from '../reconcilers/kubelet/observed.js';
import {
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  DOCKER_VOLUME_PROVISIONER,
  LABEL_PVC_UID,
  LABEL_RECLAIM_POLICY,
  PERSISTENT_VOLUMES,
  STORAGE_CLASSES,
  classOf,
  provisionedVolumeName,
} from '../reconcilers/pvc-binder.js';
import { engineMessage, engineStatus } from '../runtime/engine.js';
import { instanceFor } from '../runtime/instance.js';
import { LABEL_MANAGED } from '../translate/labels.js';
import { LABEL_PVC } from '../translate/volume-plan.js';
import type { DockerClient } from './docker-client.js';
import { PROVISIONER_FINALIZER, provisionedOn, provisionedVolume } from './provisioned-volume.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface VolumeProvisionerOptions {
  /** The node's Docker client. */
  docker: DockerClient;
  nodeName: string;
  /** the server's data dir, labelled on the volumes so abandoned ones can be found (as the kubelet does) */
  dataDir: string;
  /** defaults to the kubelet's instance for the data dir */
  instance?: string;
  /**
   * Whether this node also provisions claims that name no node (Immediate binding): the server's own node does;
   * with several nodes the others take only the claims selected for them.
   */
  provisionUnselected?: boolean;
  /** how often a claim whose volume cannot be created yet is looked at again */
  retryMs?: number;
}

const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;

export async function startVolumeProvisioner(ctx: ReconcilerContext, opts: VolumeProvisionerOptions): Promise<Controller> {
  const log = ctx.log.child({ component: 'volume-provisioner', node: opts.nodeName });
  // Its own service account and small role (system:dockube:volume-provisioner), as k3s's local-path provisioner has.
  const client = ctx.client(VOLUME_PROVISIONER);
  const instance = opts.instance ?? instanceFor(opts.dataDir);
  const retryMs = opts.retryMs ?? 15_000;
  const recorder = new EventRecorder(client, log);
  const PVCS = GVR.persistentvolumeclaims;
  const event = (pvc: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(pvc, type, reason, message, { component: DOCKER_VOLUME_PROVISIONER });

  const PVS = PERSISTENT_VOLUMES;
  const getPV = async (name: string) => {
    try {
      return await client.get(PVS, undefined, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  /** Removes a Docker volume; false while a container still holds it. */
  const removeVolume = async (docker: Dockerode, name: string): Promise<boolean> => {
    try {
      await docker.getVolume(name).remove();
      log.info({ volume: name }, 'deleted a reclaimed volume');
    } catch (e) {
      if (engineStatus(e) === 404) return true;
      // Still mounted by a container that has not been removed yet: try again later.
      log.info({ volume: name, err: engineMessage(e) }, 'reclaimed volume not removed yet');
      return false;
    }
    return true;
  };

  /**
   * Removes the Docker volumes of claim ns/name (reclaim Delete) except the one of the live claim `keepUid`: only
   * those provisioned before PVs were made, the others go with their PV.
   */
  const reclaim = async (docker: Dockerode, ns: string, name: string, keepUid: string | undefined): Promise<boolean> => {
    const { Volumes } = await docker.listVolumes({
      filters: { label: [`${LABEL_PVC}=${ns}/${name}`, instanceFilter(instance), `${LABEL_RECLAIM_POLICY}=Delete`] },
    });
    let pending = false;
    for (const v of Volumes ?? []) {
      if (keepUid && v.Labels?.[LABEL_PVC_UID] === keepUid) continue;
      if (await getPV(v.Name)) continue;
      if (!(await removeVolume(docker, v.Name))) pending = true;
    }
    return pending;
  };

  /**
   * A claim bound to its Docker volume before provisioned volumes had PVs gets its PV now, if the volume is this
   * node's, with the reclaim policy recorded on the volume: from then on it is reclaimed as every other.
   */
  const adopt = async (docker: Dockerode, pvc: KObject, volumeName: string) => {
    let labels: Record<string, string> | undefined;
    try {
      labels = (await docker.getVolume(volumeName).inspect()).Labels ?? {};
    } catch (e) {
      if (engineStatus(e) === 404) return;
      throw e;
    }
    if (labels[LABEL_INSTANCE] !== instance || labels[LABEL_PVC_UID] !== pvc.metadata.uid) return;
    const sc = (await client.get(STORAGE_CLASSES, undefined, classOf(pvc)).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw e;
    })) ?? { metadata: {} };
    const recorded = { ...sc, reclaimPolicy: labels[LABEL_RECLAIM_POLICY] ?? sc.reclaimPolicy } as KObject;
    try {
      await client.create(PVS, undefined, provisionedVolume(pvc, recorded, volumeName, opts.nodeName), {
        fieldManager: 'volume-provisioner',
      });
      log.info(
        { claim: `${pvc.metadata.namespace}/${pvc.metadata.name}`, volume: volumeName },
        'created the PV of a claim bound before PVs',
      );
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  };

  /** A PV of ours on this node: its storage goes when it is Released with Delete, or deleted; then the PV. */
  const syncVolume = async (name: string): Promise<{ requeueAfterMs: number } | void> => {
    const pv = await getPV(name);
    if (!pv || provisionedOn(pv) !== opts.nodeName) return;
    const spec = (pv.spec ?? {}) as J;
    const deleteStorage = spec.persistentVolumeReclaimPolicy === 'Delete';
    const released = (pv.status as J | undefined)?.phase === 'Released';
    if (!pv.metadata.deletionTimestamp && !(released && deleteStorage)) return;
    if (deleteStorage && !(await removeVolume(await opts.docker(), String(spec.csi?.volumeHandle ?? name))))
      return { requeueAfterMs: 2000 };
    if ((pv.metadata.finalizers ?? []).includes(PROVISIONER_FINALIZER))
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
                metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== PROVISIONER_FINALIZER) },
              },
        { fieldManager: 'volume-provisioner' },
      ).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    if (!pv.metadata.deletionTimestamp)
      await client.delete(PVS, undefined, name, { preconditions: { uid: pv.metadata.uid } }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
  };

  const ensureVolume = async (docker: Dockerode, pvc: KObject, sc: KObject, name: string) => {
    try {
      await docker.getVolume(name).inspect();
      return;
    } catch (e) {
      if (engineStatus(e) !== 404) throw e;
    }
    const params = { ...((sc.parameters as Record<string, string> | undefined) ?? {}) };
    // The class's parameters are the local driver's options (type=tmpfs, o=size=...); `driver` picks another driver.
    const driver = params.driver ?? 'local';
    delete params.driver;
    await docker.createVolume({
      Name: name,
      Driver: driver,
      DriverOpts: params,
      Labels: {
        [LABEL_MANAGED]: 'true',
        [LABEL_PVC]: `${pvc.metadata.namespace}/${pvc.metadata.name}`,
        [LABEL_PVC_UID]: pvc.metadata.uid ?? '',
        [LABEL_RECLAIM_POLICY]: String(sc.reclaimPolicy ?? 'Delete'),
        [LABEL_INSTANCE]: instance,
        [LABEL_DATA_DIR]: opts.dataDir,
      },
    });
  };

  /** A claim is this node's to provision once the controller handed it to our provisioner and it is not yet done. */
  const mine = (pvc: KObject, sc: KObject): boolean => {
    const ann = pvc.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== DOCKER_VOLUME_PROVISIONER || sc.provisioner !== DOCKER_VOLUME_PROVISIONER) return false;
    const selected = ann[ANN_SELECTED_NODE];
    if (selected) return selected === opts.nodeName;
    // WaitForFirstConsumer waits for the node the controller selects; Immediate claims go to the unselected provisioner.
    return sc.volumeBindingMode !== 'WaitForFirstConsumer' && !!opts.provisionUnselected;
  };

  const c = new Controller(
    'volume-provisioner',
    async (key) => {
      if (key.startsWith('pv:')) return syncVolume(key.slice(3));
      const [ns, name] = key.split('/') as [string, string];
      let pvc: KObject | undefined;
      try {
        pvc = await client.get(PVCS, ns, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const docker = await opts.docker();
      if (await reclaim(docker, ns, name, pvc?.metadata.uid)) return { requeueAfterMs: 2000 };
      if (!pvc || pvc.metadata.deletionTimestamp) return;
      const volumeName = provisionedVolumeName(pvc.metadata.uid!);
      const bound = (pvc.spec as J | undefined)?.volumeName;
      if (bound) {
        if (bound === volumeName && !(await getPV(volumeName))) await adopt(docker, pvc, volumeName);
        return;
      }
      if (await getPV(volumeName)) return;
      let sc: KObject;
      try {
        sc = await client.get(STORAGE_CLASSES, undefined, classOf(pvc));
      } catch (e) {
        if (isNotFound(e)) return; // the controller reports a missing class
        throw e;
      }
      if (!mine(pvc, sc)) return;
      event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`);
      try {
        await ensureVolume(docker, pvc, sc, volumeName);
      } catch (e) {
        event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${classOf(pvc)}": ${engineMessage(e)}`);
        return { requeueAfterMs: retryMs };
      }
      // The PersistentVolume, pre-bound to the claim: the PV controller binds the two.
      try {
        await client.create(PVS, undefined, provisionedVolume(pvc, sc, volumeName, opts.nodeName), { fieldManager: 'volume-provisioner' });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      }
      event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`);
    },
    log,
  );
  const onError = (err: Error) => log.warn({ err: err.message }, 'informer');
  c.source(new Informer(client, PVCS, { onError }), (_t, _old, o) => [`${o.metadata.namespace}/${o.metadata.name}`]);
  c.source(new Informer(client, PVS, { onError }), (_t, _old, o) => (provisionedOn(o) === opts.nodeName ? [`pv:${o.metadata.name}`] : []));
  await c.start();
  return c;
}
