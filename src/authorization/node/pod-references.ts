// What a pod references by name in its own namespace (podutil.VisitPodSecretNames / VisitPodConfigmapNames and the
// graph populator's PVC and service account edges): the objects its node needs to run it.
import type { KObject } from '../../machinery/api/meta.js';

/** Objects a node reaches through its pods; `pv` and `volumeattachment` vertices stay empty (dockube serves neither). */
export type VertexType = 'secret' | 'configmap' | 'pvc' | 'serviceaccount' | 'pv' | 'volumeattachment';

export interface PodReference {
  type: VertexType;
  name: string;
}

type Ref = { name?: string } | undefined;
interface EnvSource {
  secretRef?: Ref;
  configMapRef?: Ref;
}
interface EnvVar {
  valueFrom?: { secretKeyRef?: Ref; configMapKeyRef?: Ref };
}
interface Container {
  env?: EnvVar[];
  envFrom?: EnvSource[];
}
interface Projection {
  secret?: Ref;
  configMap?: Ref;
}
interface Volume {
  name?: string;
  secret?: { secretName?: string };
  configMap?: Ref;
  projected?: { sources?: Projection[] };
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
  // Volume sources whose secretRef the kubelet reads (upstream's list; dockube runs none of them, but a node may name them).
  azureFile?: { secretName?: string };
  cephfs?: { secretRef?: Ref };
  cinder?: { secretRef?: Ref };
  flexVolume?: { secretRef?: Ref };
  rbd?: { secretRef?: Ref };
  scaleIO?: { secretRef?: Ref };
  iscsi?: { secretRef?: Ref };
  storageos?: { secretRef?: Ref };
  csi?: { nodePublishSecretRef?: Ref };
}
interface PodSpec {
  serviceAccountName?: string;
  imagePullSecrets?: Ref[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
}

/** Every secret, configmap, PVC and the service account the pod names (deduplicated). */
export function podReferences(pod: KObject): PodReference[] {
  const spec = (pod.spec ?? {}) as PodSpec;
  const seen = new Set<string>();
  const out: PodReference[] = [];
  const add = (type: VertexType, name: string | undefined) => {
    if (!name || seen.has(`${type}/${name}`)) return;
    seen.add(`${type}/${name}`);
    out.push({ type, name });
  };
  for (const s of spec.imagePullSecrets ?? []) add('secret', s?.name);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const f of c.envFrom ?? []) {
      add('secret', f.secretRef?.name);
      add('configmap', f.configMapRef?.name);
    }
    for (const e of c.env ?? []) {
      add('secret', e.valueFrom?.secretKeyRef?.name);
      add('configmap', e.valueFrom?.configMapKeyRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    add('secret', v.secret?.secretName);
    add('configmap', v.configMap?.name);
    for (const p of v.projected?.sources ?? []) {
      add('secret', p.secret?.name);
      add('configmap', p.configMap?.name);
    }
    add('secret', v.azureFile?.secretName);
    for (const r of [v.cephfs, v.cinder, v.flexVolume, v.rbd, v.scaleIO, v.iscsi, v.storageos]) add('secret', r?.secretRef?.name);
    add('secret', v.csi?.nodePublishSecretRef?.name);
    add('pvc', v.persistentVolumeClaim?.claimName);
    // A generic ephemeral volume's claim is named <pod>-<volume> (ephemeral.VolumeClaimName).
    if (v.ephemeral && v.name) add('pvc', `${pod.metadata.name ?? ''}-${v.name}`);
  }
  add('serviceaccount', spec.serviceAccountName);
  return out;
}
