// A pod's volumes on the host: engine volumes (the runtime's) for emptyDir/PVC, and configMap/secret/downwardAPI/projected
// files under <data-dir>/pods/<uid>/volumes/<name>, rewritten (atomically) whenever their content changes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { chmod, lstat, readFile, realpath, rm } from 'node:fs/promises';
import { dataDirLayout } from '../../data-dir.js';
import { StatusError } from '../../machinery/api/errors.js';
import { GVR, type Client, type Gvr } from '../../client/types.js';
import { PERSISTENT_VOLUMES } from '../pvc-binder.js';
import { writeAtomically } from '../../runtime/atomic-writer.js';
import { mountsBeneath, unmountBeneath } from '../../runtime/bind-mount.js';
import { ensureTmpfs } from '../../runtime/tmpfs.js';
import { setVolumeOwnership } from '../../runtime/volume-ownership.js';
import { hostNetworkHostsContent, managedHostsContent } from '../../translate/etc-hosts.js';
import type { DnsParams } from '../../translate/dns.js';
import { podResolvConf } from '../../translate/resolv-conf.js';
import { EMPTY_DIR_MODE, rootNeedsChange, type VolumeOwnership } from '../../translate/volume-ownership.js';
import type { VolumeRuntime } from '../../runtime/container-runtime.js';
import type { NodeFacts } from '../../translate/field-ref.js';
import type { ConfigMapData, Pod, SecretData } from '../../translate/k8s-types.js';
import { VolumeSetupError } from '../../translate/errors.js';
import {
  claimVolumeName,
  etcHostsPathFor,
  persistentVolumeSource,
  resolvConfPathFor,
  volumePlan,
  type ClaimVolume,
  type EmptyDirSpec,
  type VolumePlan,
} from '../../translate/volume-plan.js';
import { PodTokenManager } from '../../serviceaccount/pod-tokens.js';
import { cleanSubPaths } from './subpaths.js';
import type { ApiEndpoint } from '../../serviceaccount/service-env.js';
import { podServiceEnv } from './service-env.js';
import { tokenRequestsVia } from './token-requests.js';
import { compareStrings } from '../../machinery/compare.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const podDir = (dataDir: string, uid: string) => dataDirLayout(dataDir).pod(uid).dir;

/**
 * The ConfigMaps and Secrets the pod refers to (volumes and env), and its claims, looked up once per sync through
 * the node's client (the API server's watch cache answers these reads from memory).
 */
export interface PodSources {
  configMap(name: string): ConfigMapData | undefined;
  secret(name: string): SecretData | undefined;
  /** the PersistentVolumeClaim (undefined: not found); absent = claims are not checked */
  claim?(name: string): J | undefined;
  /** the PersistentVolume a claim is bound to (undefined: not found or not read) */
  volume?(name: string): J | undefined;
  /** The service variables (FOO_SERVICE_HOST..., KUBERNETES_SERVICE_HOST...) of the pod's containers. */
  serviceEnv?: Record<string, string>;
  /** The node's status.allocatable, which limits.* of a container without limits report (downward API). */
  allocatable?: Record<string, string | number>;
}

/** Whether any env var or downwardAPI/projected file asks for a container resource. */
function usesResourceFields(pod: Pod): boolean {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  if (containers.some((c) => (c.env ?? []).some((e) => e.valueFrom?.resourceFieldRef))) return true;
  return (pod.spec.volumes ?? []).some(
    (v) =>
      (v.downwardAPI?.items ?? []).some((i) => i.resourceFieldRef) ||
      (v.projected?.sources ?? []).some((s) => (s.downwardAPI?.items ?? []).some((i) => i.resourceFieldRef)),
  );
}

/** The node's allocatable as its Node object reports it (what node-status computed from the engine). */
async function nodeAllocatable(client: Client, nodeName: string | undefined): Promise<Record<string, string | number> | undefined> {
  if (!nodeName) return undefined;
  try {
    const node = await client.get(GVR.nodes, '', nodeName);
    return ((node as J).status?.allocatable ?? (node as J).status?.capacity) as Record<string, string | number> | undefined;
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw e;
  }
}

export async function fetchSources(client: Client, pod: Pod, apiEndpoint?: ApiEndpoint): Promise<PodSources> {
  const cms = new Set<string>();
  const secrets = new Set<string>();
  const claims = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) claims.add(v.persistentVolumeClaim.claimName);
    if (v.configMap?.name) cms.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) cms.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) cms.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) cms.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  const ns = pod.metadata.namespace ?? '';
  const fetch = async (gvr: Gvr, names: Set<string>, namespace: string | undefined = ns, absent = [404]) => {
    const m = new Map<string, J>();
    await Promise.all(
      [...names].map(async (n) => {
        try {
          m.set(n, await client.get(gvr, namespace, n));
        } catch (e) {
          if (!(e instanceof StatusError && absent.includes(e.code))) throw e;
        }
      }),
    );
    return m;
  };
  const [cmMap, secretMap, claimMap, allocatable, serviceEnv] = await Promise.all([
    fetch(GVR.configmaps, cms),
    fetch(GVR.secrets, secrets),
    fetch(GVR.persistentvolumeclaims, claims),
    usesResourceFields(pod) ? nodeAllocatable(client, pod.spec.nodeName) : undefined,
    apiEndpoint ? podServiceEnv(client, pod, apiEndpoint) : undefined,
  ]);
  // The volumes the bound claims name (the node may read them through its pods' claims; a PV that does not exist is
  // not on the Node authorizer's graph either, so a 403 means missing too).
  const volumeNames = new Set([...claimMap.values()].map((c) => c.spec?.volumeName).filter((v): v is string => !!v));
  const pvMap = volumeNames.size ? await fetch(PERSISTENT_VOLUMES, volumeNames, undefined, [403, 404]) : new Map<string, J>();
  return {
    ...(allocatable ? { allocatable } : {}),
    configMap: (n) => cmMap.get(n) as ConfigMapData | undefined,
    secret: (n) => secretMap.get(n) as SecretData | undefined,
    claim: (n: string) => claimMap.get(n),
    volume: (n: string) => pvMap.get(n),
    ...(serviceEnv ? { serviceEnv } : {}),
  };
}

/**
 * What backs each claim the pod mounts: its bound PersistentVolume's source (a Docker volume, a hostPath or local
 * directory), or, for a claim provisioned before PVs were made, the Docker volume its spec.volumeName names. A claim
 * that is missing, not bound yet or being deleted, or whose volume no plugin serves, keeps the pod from starting, as
 * kubelet's volume manager does (FailedMount).
 */
function boundClaimVolumes(
  pod: Pod,
  claimOf: (name: string) => J | undefined,
  volumeOf: (name: string) => J | undefined = () => undefined,
): (claim: string) => ClaimVolume {
  const ns = pod.metadata.namespace ?? '';
  const names = new Map<string, ClaimVolume>();
  for (const v of pod.spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const pvc = claimOf(claim);
    const problem = !pvc
      ? `failed to fetch PVC from API server: persistentvolumeclaims "${claim}" not found`
      : pvc.metadata?.deletionTimestamp
        ? 'PVC is being deleted'
        : pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName
          ? 'PVC is not bound'
          : undefined;
    if (problem) throw new VolumeSetupError(v.name, `error processing PVC ${ns}/${claim}: ${problem}`);
    const volumeName = String(pvc!.spec.volumeName);
    const pv = volumeOf(volumeName);
    // Without its PV only a claim provisioned before PVs were made (pvc-<its uid>) has a volume: that Docker volume.
    if (!pv && volumeName !== `pvc-${pvc!.metadata?.uid}`)
      throw new VolumeSetupError(
        v.name,
        `error processing PVC ${ns}/${claim}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`,
      );
    const source = pv ? persistentVolumeSource(pv) : { dockerVolume: volumeName };
    if (typeof source === 'string') throw new VolumeSetupError(v.name, source);
    names.set(claim, source);
  }
  return (claim) => names.get(claim) ?? { dockerVolume: claimVolumeName(ns, claim) };
}

const HOSTS_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;

/** An emptyDir root that is set up already: 0777, and with fsGroup its group and setgid. */
function emptyDirReady(st: fs.Stats, o: VolumeOwnership | undefined): boolean {
  if ((st.mode & 0o777) !== EMPTY_DIR_MODE) return false;
  return !o || !rootNeedsChange({ gid: st.gid, mode: st.mode }, o);
}

export interface PreparedVolumes {
  plan: VolumePlan;
  mountpoints: Record<string, string>;
}

/** Creates what the plan asks for; throws VolumeSetupError (FailedMount) for a missing source. */
export class VolumeManager {
  /** content hash per host dir, so unchanged files are not rewritten on every sync */
  private written = new Map<string, string>();
  /** emptyDir roots already set up (mode, fsGroup), as the kubelet's emptyDir marks a volume ready once */
  private emptyDirsReady = new Set<string>(); // `<pod uid>:<root>`
  /** the hosts file content last written per pod directory */
  private hostsWritten = new Map<string, string>();
  /** bound service account tokens of projected volumes (TokenRequests as the node), refreshed at 80% of their lifetime */
  private tokens: PodTokenManager;
  /** the resolv.conf content last written per pod directory */
  private resolvWritten = new Map<string, string>();
  constructor(
    private runtime: VolumeRuntime,
    private dataDir: string,
    client: Client,
    /** the cluster DNS (kubelet's --cluster-dns, --cluster-domain) and the node's resolv.conf, for pods' resolv.conf */
    private dns: DnsParams = {},
  ) {
    this.tokens = new PodTokenManager(tokenRequestsVia(client));
  }

  async prepare(pod: Pod, sources: PodSources, facts: NodeFacts): Promise<PreparedVolumes> {
    const uid = pod.metadata.uid ?? '';
    const claimVolume = sources.claim ? boundClaimVolumes(pod, sources.claim, sources.volume) : undefined;
    const serviceAccountToken = await this.tokens.prepare(pod);
    const plan = volumePlan(pod, {
      ...(sources.allocatable ? { allocatable: sources.allocatable } : {}),
      ...facts,
      podDir: podDir(this.dataDir, uid),
      configMap: sources.configMap,
      secret: sources.secret,
      claimVolume,
      serviceAccountToken,
    });
    const mountpoints: Record<string, string> = {};
    for (const v of plan.dockerVolumes) {
      // A claim's volume is made by the PVC binder (with its class's options): it is only created here if missing.
      if (v.persistent) {
        const mp = await this.runtime.volumeMountpoint(v.Name);
        if (mp !== undefined) {
          if (mp) mountpoints[v.Name] = mp;
          continue;
        }
      }
      const mp = await this.runtime.createVolume(v);
      if (mp) mountpoints[v.Name] = mp;
    }
    for (const d of plan.hostDirs) {
      const h = createHash('sha256');
      for (const [p, f] of Object.entries(d.files).sort(([a], [b]) => compareStrings(a, b)))
        h.update(p).update('\0').update(String(f.mode)).update(f.content);
      const digest = h.digest('hex');
      if (this.written.get(d.path) === digest) continue;
      await writeAtomically(d.path, d.files, d.ownership);
      this.written.set(d.path, digest);
    }
    for (const e of plan.emptyDirs ?? []) await this.setUpEmptyDir(uid, e, mountpoints);
    // The hosts file exists before any container that binds it is created; the pod IP line comes with hostsFile().
    const podIP = facts.podIP;
    if (pod.spec.hostNetwork || podIP || !this.hostsWritten.has(plan.etcHosts ?? '')) await this.hostsFile(pod, podIP ? [podIP] : []);
    const resolvConf = await this.resolvConfFile(pod);
    return { plan: resolvConf ? { ...plan, resolvConf } : plan, mountpoints };
  }

  /** An emptyDir's root: 0777 so any user may write, the pod's fsGroup; a tmpfs of ours for medium Memory. */
  private async setUpEmptyDir(uid: string, e: EmptyDirSpec, mountpoints: Record<string, string>): Promise<void> {
    let root: string | undefined;
    try {
      root = e.tmpfs
        ? await ensureTmpfs(e.tmpfs.path, { mode: EMPTY_DIR_MODE, sizeBytes: e.tmpfs.sizeBytes })
        : mountpoints[e.dockerVolume ?? ''];
    } catch (err) {
      // A tmpfs the host refuses (no privilege to mount) is the pod's FailedMount, not a crash of its sync.
      throw new VolumeSetupError(e.volume, (err as Error).message);
    }
    if (!root || this.emptyDirsReady.has(`${uid}:${root}`)) return;
    const st = await lstat(root);
    if (!emptyDirReady(st, e.ownership)) {
      if ((st.mode & 0o777) !== EMPTY_DIR_MODE) await chmod(root, EMPTY_DIR_MODE);
      if (e.ownership) await setVolumeOwnership(root, e.ownership);
    }
    this.emptyDirsReady.add(`${uid}:${root}`);
  }

  /**
   * Writes the pod's hosts file (kubelet's ensureHostsFile) in place, so the file every container binds keeps its
   * inode: written before the containers are created, and again once the sandbox has its IP, before they start.
   */
  async hostsFile(pod: Pod, podIPs: string[]): Promise<void> {
    const path = etcHostsPathFor(podDir(this.dataDir, pod.metadata.uid ?? ''));
    const content = pod.spec.hostNetwork
      ? hostNetworkHostsContent(pod, await readFile('/etc/hosts', 'utf8').catch(() => ''))
      : managedHostsContent(pod, podIPs);
    if (this.hostsWritten.get(path) === content) return;
    await fs.promises.mkdir(podDir(this.dataDir, pod.metadata.uid ?? ''), { recursive: true });
    const fh = await fs.promises.open(path, HOSTS_FLAGS, 0o644);
    try {
      await fh.writeFile(content);
      await fh.chmod(0o644);
    } finally {
      await fh.close();
    }
    this.hostsWritten.set(path, content);
  }

  /**
   * Writes the pod's resolv.conf (the runtime's part in Kubernetes: the sandbox's DNS config, in every container) when
   * its DNS policy asks for one of ours; its path, or undefined when the engine's own file stays (Default).
   */
  private async resolvConfFile(pod: Pod): Promise<string | undefined> {
    const content = podResolvConf(pod, this.dns);
    if (content === undefined) return undefined;
    const dir = podDir(this.dataDir, pod.metadata.uid ?? '');
    const path = resolvConfPathFor(dir);
    if (this.resolvWritten.get(path) === content) return path;
    await fs.promises.mkdir(dir, { recursive: true });
    const fh = await fs.promises.open(path, HOSTS_FLAGS, 0o644);
    try {
      await fh.writeFile(content);
      await fh.chmod(0o644);
    } finally {
      await fh.close();
    }
    this.resolvWritten.set(path, content);
    return path;
  }

  /** Removes the pod's emptyDir volumes and host files (PVC volumes stay: they outlive pods). */
  async cleanup(uid: string): Promise<void> {
    await this.runtime.removePodVolumes(uid);
    const dir = podDir(this.dataDir, uid);
    this.tokens.forget(uid);
    for (const k of [...this.written.keys()]) if (k.startsWith(dir)) this.written.delete(k);
    for (const k of [...this.emptyDirsReady]) if (k.startsWith(`${uid}:`)) this.emptyDirsReady.delete(k);
    this.hostsWritten.delete(etcHostsPathFor(dir));
    this.resolvWritten.delete(resolvConfPathFor(dir));
    // subPath binds first: a recursive remove must never walk into a mounted volume (or a host directory).
    if (!(await cleanSubPaths(dir))) throw new Error(`subPath mounts of pod ${uid} could not be unmounted; its directory stays`);
    // Then the pod's tmpfs emptyDirs (the only mounts of ours under its volumes directory).
    const volumesDir = await realpath(`${dir}/volumes`).catch(() => undefined);
    if (volumesDir && !(await unmountBeneath(volumesDir)))
      throw new Error(`tmpfs volumes of pod ${uid} could not be unmounted; its directory stays`);
    const real = await realpath(dir).catch(() => undefined);
    if (real && (await mountsBeneath(real)).length) throw new Error(`mounts remain under ${real}; its directory stays`);
    await rm(dir, { recursive: true, force: true });
  }
}
