// A pod's volumes on the host: Docker volumes for emptyDir/PVC, and configMap/secret/downwardAPI/projected
// files under <data-dir>/pods/<uid>/volumes/<name>, rewritten (atomically) whenever their content changes.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { StatusError } from '../../api/errors.js';
import type { ResourceService } from '../../registry/service.js';
import type { ResourceDef } from '../../registry/types.js';
import { writeAtomically } from '../../runtime/atomic-writer.js';
import { engineStatus } from '../../runtime/engine.js';
import type { NodeFacts } from '../../translate/field-ref.js';
import type { ConfigMapData, Pod, SecretData } from '../../translate/k8s-types.js';
import { LABEL_MANAGED, LABEL_POD_UID } from '../../translate/labels.js';
import { volumePlan, type VolumePlan } from '../../translate/volume-plan.js';
import { LABEL_DATA_DIR, LABEL_INSTANCE, instanceFilter } from './observed.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const podDir = (dataDir: string, uid: string) => join(dataDir, 'pods', uid);

/** The ConfigMaps and Secrets the pod refers to (volumes and env), looked up once per sync. */
export interface PodSources { configMap(name: string): ConfigMapData | undefined; secret(name: string): SecretData | undefined }

export async function fetchSources(service: ResourceService, defs: { configmaps: ResourceDef; secrets: ResourceDef }, pod: Pod): Promise<PodSources> {
  const cms = new Set<string>(); const secrets = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap?.name) cms.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) cms.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const f of c.envFrom ?? []) { if (f.configMapRef?.name) cms.add(f.configMapRef.name); if (f.secretRef?.name) secrets.add(f.secretRef.name); }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) cms.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  const ns = pod.metadata.namespace ?? '';
  const fetch = async (def: ResourceDef, names: Set<string>) => {
    const m = new Map<string, J>();
    await Promise.all([...names].map(async (n) => {
      try { m.set(n, await service.get(def, ns, n)); } catch (e) { if (!(e instanceof StatusError && e.code === 404)) throw e; }
    }));
    return m;
  };
  const [cmMap, secretMap] = await Promise.all([fetch(defs.configmaps, cms), fetch(defs.secrets, secrets)]);
  return {
    configMap: (n) => cmMap.get(n) as ConfigMapData | undefined,
    secret: (n) => secretMap.get(n) as SecretData | undefined,
  };
}

export interface PreparedVolumes { plan: VolumePlan; mountpoints: Record<string, string> }

/** Creates what the plan asks for; throws VolumeSetupError (FailedMount) for a missing source. */
export class VolumeManager {
  /** content hash per host dir, so unchanged files are not rewritten on every sync */
  private written = new Map<string, string>();
  constructor(private docker: Docker, private dataDir: string, private instance: string) {}

  async prepare(pod: Pod, sources: PodSources, facts: NodeFacts): Promise<PreparedVolumes> {
    const uid = pod.metadata.uid ?? '';
    const plan = volumePlan(pod, { ...facts, podDir: podDir(this.dataDir, uid), configMap: sources.configMap, secret: sources.secret });
    const mountpoints: Record<string, string> = {};
    for (const v of plan.dockerVolumes) {
      const labels = v.persistent ? v.Labels : { ...v.Labels, [LABEL_INSTANCE]: this.instance, [LABEL_DATA_DIR]: this.dataDir };
      const created = await this.docker.createVolume({ Name: v.Name, Driver: v.Driver, DriverOpts: v.DriverOpts, Labels: labels }) as unknown as { Mountpoint?: string };
      const mp = created?.Mountpoint ?? (await this.docker.getVolume(v.Name).inspect()).Mountpoint;
      if (mp) mountpoints[v.Name] = mp;
    }
    for (const d of plan.hostDirs) {
      const h = createHash('sha256');
      for (const [p, f] of Object.entries(d.files).sort(([a], [b]) => a.localeCompare(b))) h.update(p).update('\0').update(String(f.mode)).update(f.content);
      const digest = h.digest('hex');
      if (this.written.get(d.path) === digest) continue;
      await writeAtomically(d.path, d.files);
      this.written.set(d.path, digest);
    }
    return { plan, mountpoints };
  }

  /** Removes the pod's emptyDir volumes and host files (PVC volumes stay: they outlive pods). */
  async cleanup(uid: string): Promise<void> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_POD_UID}=${uid}`, instanceFilter(this.instance)] } });
    await Promise.all((Volumes ?? []).map(async (v) => {
      try { await this.docker.getVolume(v.Name).remove(); } catch (e) { if (engineStatus(e) !== 404) throw e; }
    }));
    const dir = podDir(this.dataDir, uid);
    for (const k of [...this.written.keys()]) if (k.startsWith(dir)) this.written.delete(k);
    await rm(dir, { recursive: true, force: true });
  }
}
