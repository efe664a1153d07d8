// What the runtime must prepare on the host before a pod's containers can mount their volumes:
// Docker volumes to create, and directories to fill with files for configMap/secret/downwardAPI/projected.
// Pure: the caller passes the objects it looked up and writes the files itself.
import { Buffer } from 'node:buffer';
import { posix } from 'node:path';
import { podLayout } from '../data-dir.js';
import { VolumeSetupError } from './errors.js';
import { podFieldValue, resourceFieldValue, type NodeFacts } from './field-ref.js';
import type { ConfigMapData, DownwardAPIFile, KeyToPath, Pod, SecretData, Volume } from './k8s-types.js';
import { LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './labels.js';
import { integerValue } from './resources.js';
import { podFsUser, volumeOwnership, type VolumeOwnership } from './volume-ownership.js';

/** Kubernetes' default file mode for configMap/secret/downwardAPI/projected volumes (0644). */
export const DEFAULT_FILE_MODE = 0o644;
export const LABEL_VOLUME_NAME = 'dockube.io/volume';
export const LABEL_PVC = 'dockube.io/pvc';
/**
 * The CSI driver a PersistentVolume provisioned by dockube names: its volumeHandle is the Docker volume. (A CSI driver
 * name is a DNS subdomain, so it cannot be the class's provisioner name with its slash.)
 */
export const DOCKER_VOLUME_DRIVER = 'docker-volume.dockube.io';

export interface PlannedFile {
  content: Buffer;
  mode: number;
  /** the file's owner when not root (a projected token of a pod whose containers all run as one user) */
  uid?: number;
}
export interface DockerVolumeSpec {
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
  /** PVC volumes outlive the pod; emptyDirs go with it. */
  persistent: boolean;
}
export interface HostDirSpec {
  volume: string;
  path: string;
  files: Record<string, PlannedFile>;
  /** fsGroup ownership applied to the written files and directories */
  ownership?: VolumeOwnership;
}

/** An emptyDir's root to prepare: mode 0777, fsGroup ownership; medium Memory is a tmpfs of ours at a host dir. */
export interface EmptyDirSpec {
  volume: string;
  /** the Docker volume holding it (default medium); its mount point is the root */
  dockerVolume?: string;
  /** medium Memory: a tmpfs mounted at this host directory for the pod's life, so restarts keep its contents */
  tmpfs?: { path: string; sizeBytes?: number };
  ownership?: VolumeOwnership;
}

export type VolumeSource =
  | { kind: 'volume'; name: string; readOnly: boolean }
  | {
      kind: 'bind';
      path: string;
      readOnly: boolean;
      /** Docker may create a missing source (Binds), else it must exist (Mounts) */ createIfMissing: boolean;
    };

export interface VolumePlan {
  dockerVolumes: DockerVolumeSpec[];
  hostDirs: HostDirSpec[];
  /** emptyDirs whose root the runtime prepares (absent in plans made before emptyDirs were prepared) */
  emptyDirs?: EmptyDirSpec[];
  /** the pod's kubelet-managed hosts file, bound at /etc/hosts into every app and init container that has none */
  etcHosts?: string;
  /** the pod's kubelet-written resolv.conf, bound at /etc/resolv.conf into every app and init container that has none */
  resolvConf?: string;
  /** pod volume name → how containers mount it */
  sources: Record<string, VolumeSource>;
}

export interface VolumeInputs extends NodeFacts {
  /** host directory of this pod; projected volumes go to <podDir>/volumes/<volume> */
  podDir: string;
  configMap?(name: string): ConfigMapData | undefined;
  secret?(name: string): SecretData | undefined;
  /** a bound service account token for a projected serviceAccountToken source */
  serviceAccountToken?(req: { audience?: string; expirationSeconds: number }): string | undefined;
  /** What backs a claim (its bound PersistentVolume's source); defaults to the Docker volume pvc-<namespace>-<claim> */
  claimVolume?(claim: string): ClaimVolume;
}

/** A bound claim's storage as the kubelet mounts it: a Docker volume, or a host directory (hostPath/local PV). */
export type ClaimVolume = { dockerVolume: string } | { hostPath: string; createIfMissing: boolean };

/**
 * How the kubelet mounts a PersistentVolume (its volume plugin for the PV's source), or a reason it cannot: the Docker
 * volume of dockube's provisioner (CSI driver DOCKER_VOLUME_DRIVER), a hostPath (an unset type or DirectoryOrCreate
 * may create the directory) or a local volume (its path must exist).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function persistentVolumeSource(pv: { metadata?: { name?: string }; spec?: Record<string, any> }): ClaimVolume | string {
  const spec = pv.spec ?? {};
  if (spec.csi?.driver === DOCKER_VOLUME_DRIVER && spec.csi.volumeHandle) return { dockerVolume: String(spec.csi.volumeHandle) };
  if (spec.hostPath?.path) {
    const type = String(spec.hostPath.type ?? '');
    return { hostPath: String(spec.hostPath.path), createIfMissing: type === '' || type === 'DirectoryOrCreate' };
  }
  if (spec.local?.path) return { hostPath: String(spec.local.path), createIfMissing: false };
  // The kubelet's words when no plugin of its own (or CSI driver registered on the node) serves the source.
  return `failed to get Plugin from volumeSpec for volume "${pv.metadata?.name ?? ''}" err=no volume plugin matched`;
}

export const emptyDirVolumeName = (podUid: string, volume: string) => `dockube-${podUid}-${volume}`;
export const claimVolumeName = (namespace: string, claim: string) => `pvc-${namespace}-${claim}`;
export const hostDirFor = (podDir: string, volume: string) => podLayout(podDir).volume(volume);
/** kubelet's getEtcHostsPath: <podDir>/etc-hosts. */
export const etcHostsPathFor = (podDir: string) => posix.join(podDir, 'etc-hosts');
/** The pod's resolv.conf on the host: <podDir>/resolv.conf. */
export const resolvConfPathFor = (podDir: string) => posix.join(podDir, 'resolv.conf');

type Files = Record<string, PlannedFile>;

/** filepath.Clean for a relative path: no '.', no repeated or trailing slashes. */
const cleanPath = (p: string) => posix.normalize(p).replace(/\/+$/, '');

/** kubelet's AtomicWriter limits (maxPathLength, maxFileNameLength). */
const MAX_PATH_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 255;

/**
 * Why a file path of a configMap/secret/downwardAPI/projected volume may not be written (kubelet's validatePath), or
 * undefined when it may: relative, no '..' element, not starting with '..' (the writer's own ..data entries).
 */
export function payloadPathProblem(path: string): string | undefined {
  if (path === '') return 'invalid path: must not be empty: ""';
  if (posix.isAbsolute(path)) return `invalid path: must be relative path: ${path}`;
  if (path.length > MAX_PATH_LENGTH) return `invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`;
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${path}`;
    if (item.length > MAX_FILE_NAME_LENGTH)
      return `invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`;
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2) return `invalid path: must not start with '..': ${path}`;
  if (cleanPath(path) === '.') return "invalid path: must not be '.'";
  return undefined;
}

function addFile(files: Files, path: string, content: Buffer, mode: number, volume: string) {
  const problem = payloadPathProblem(path);
  if (problem) throw new VolumeSetupError(volume, problem);
  // File names are data: a key named `__proto__` or `constructor` is a file like any other (an own member).
  Object.defineProperty(files, cleanPath(path), { value: { content, mode }, enumerable: true, writable: true, configurable: true });
}

/** Keys (all, or the listed items) of a configMap/secret as files; missing listed keys fail unless optional. */
function keyFiles(
  files: Files,
  volume: string,
  data: Record<string, Buffer>,
  items: KeyToPath[] | undefined,
  mode: number,
  optional: boolean,
  what: 'configmap' | 'secret',
) {
  if (!items?.length) {
    for (const [k, v] of Object.entries(data)) addFile(files, k, v, mode, volume);
    return;
  }
  for (const item of items) {
    const v = Object.hasOwn(data, item.key) ? data[item.key] : undefined;
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetupError(
        volume,
        what === 'configmap'
          ? `configmap references non-existent config key: ${item.key}`
          : `references non-existent secret key: ${item.key}`,
      );
    }
    addFile(files, item.path, v, item.mode ?? mode, volume);
  }
}

const configMapBytes = (cm: ConfigMapData): Record<string, Buffer> => ({
  ...Object.fromEntries(Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
  ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
});
const secretBytes = (s: SecretData): Record<string, Buffer> =>
  Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

function downwardFiles(files: Files, volume: string, pod: Pod, items: DownwardAPIFile[] | undefined, mode: number, inputs: VolumeInputs) {
  for (const item of items ?? []) {
    let value: string;
    if (item.fieldRef) value = podFieldValue(pod, item.fieldRef.fieldPath, inputs);
    else if (item.resourceFieldRef) value = resourceFieldValue(item.resourceFieldRef, pod, undefined, inputs);
    else continue;
    addFile(files, item.path, Buffer.from(value, 'utf8'), item.mode ?? mode, volume);
  }
}

function configMapSource(
  files: Files,
  volume: string,
  ns: string,
  src: { name?: string; items?: KeyToPath[]; optional?: boolean },
  mode: number,
  inputs: VolumeInputs,
) {
  const name = src.name ?? '';
  const cm = inputs.configMap?.(name);
  if (!cm) {
    if (src.optional) return;
    throw new VolumeSetupError(volume, `configmap "${name}" not found`);
  }
  keyFiles(files, volume, configMapBytes(cm), src.items, mode, src.optional === true, 'configmap');
}

function secretSource(
  files: Files,
  volume: string,
  name: string,
  src: { items?: KeyToPath[]; optional?: boolean },
  mode: number,
  inputs: VolumeInputs,
) {
  const s = inputs.secret?.(name);
  if (!s) {
    if (src.optional) return;
    throw new VolumeSetupError(volume, `secret "${name}" not found`);
  }
  keyFiles(files, volume, secretBytes(s), src.items, mode, src.optional === true, 'secret');
}

function projectedFiles(pod: Pod, v: Volume, inputs: VolumeInputs): Files {
  const files: Files = {};
  const ns = pod.metadata.namespace ?? '';
  const mode = v.projected?.defaultMode ?? DEFAULT_FILE_MODE;
  for (const src of v.projected?.sources ?? []) {
    if (src.configMap) configMapSource(files, v.name, ns, src.configMap, mode, inputs);
    else if (src.secret) secretSource(files, v.name, src.secret.name ?? '', src.secret, mode, inputs);
    else if (src.downwardAPI) downwardFiles(files, v.name, pod, src.downwardAPI.items, mode, inputs);
    else if (src.serviceAccountToken) {
      const t = src.serviceAccountToken;
      const token = inputs.serviceAccountToken?.({ audience: t.audience, expirationSeconds: t.expirationSeconds ?? 3600 });
      if (token === undefined) throw new VolumeSetupError(v.name, 'failed to fetch token: no service account token available');
      // Tokens are private to the pod: 0600 unless a mode is given, and always 0600 owned by the pod's one user
      // (FsUserFrom) or group-readable through fsGroup when the pod has either (projected collectData).
      const fsUser = podFsUser(pod);
      const owned = fsUser !== undefined || pod.spec.securityContext?.fsGroup !== undefined;
      addFile(files, t.path, Buffer.from(token, 'utf8'), owned ? 0o600 : (v.projected?.defaultMode ?? 0o600), v.name);
      if (fsUser !== undefined) files[cleanPath(t.path)]!.uid = fsUser;
    }
  }
  return files;
}

export function volumePlan(pod: Pod, inputs: VolumeInputs): VolumePlan {
  const { name = '', namespace = '', uid = '' } = pod.metadata;
  const plan: VolumePlan = { dockerVolumes: [], hostDirs: [], emptyDirs: [], sources: {}, etcHosts: etcHostsPathFor(inputs.podDir) };
  const baseLabels = { [LABEL_MANAGED]: 'true', [LABEL_POD_UID]: uid, [LABEL_POD_NAMESPACE]: namespace, [LABEL_POD_NAME]: name };
  for (const v of pod.spec.volumes ?? []) {
    const dir = hostDirFor(inputs.podDir, v.name);
    const hostDir = (files: Files, kind: 'configMap' | 'secret' | 'downwardAPI' | 'projected') => {
      const ownership = volumeOwnership(pod, kind);
      plan.hostDirs.push({ volume: v.name, path: dir, files, ...(ownership ? { ownership } : {}) });
      plan.sources[v.name] = { kind: 'bind', path: dir, readOnly: true, createIfMissing: false };
    };
    if (v.emptyDir) {
      const ownership = volumeOwnership(pod, 'emptyDir');
      if (v.emptyDir.medium === 'Memory') {
        // One tmpfs per pod at the volume's host dir (as the kubelet mounts it), not a Docker tmpfs volume, which the
        // engine mounts per container start and so comes back empty after a restart.
        const size = integerValue(v.emptyDir.sizeLimit);
        plan.emptyDirs!.push({
          volume: v.name,
          tmpfs: { path: dir, ...(size ? { sizeBytes: size } : {}) },
          ...(ownership ? { ownership } : {}),
        });
        plan.sources[v.name] = { kind: 'bind', path: dir, readOnly: false, createIfMissing: false };
        continue;
      }
      const volName = emptyDirVolumeName(uid, v.name);
      plan.dockerVolumes.push({
        Name: volName,
        Driver: 'local',
        DriverOpts: {},
        Labels: { ...baseLabels, [LABEL_VOLUME_NAME]: v.name },
        persistent: false,
      });
      plan.emptyDirs!.push({ volume: v.name, dockerVolume: volName, ...(ownership ? { ownership } : {}) });
      plan.sources[v.name] = { kind: 'volume', name: volName, readOnly: false };
    } else if (v.hostPath) {
      const type = v.hostPath.type ?? '';
      // An unset type or DirectoryOrCreate may create the directory (Docker's Binds do); other types must already exist.
      plan.sources[v.name] = {
        kind: 'bind',
        path: v.hostPath.path,
        readOnly: false,
        createIfMissing: type === '' || type === 'DirectoryOrCreate',
      };
    } else if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim.claimName;
      const readOnly = v.persistentVolumeClaim.readOnly === true;
      const backing = inputs.claimVolume?.(claim) ?? { dockerVolume: claimVolumeName(namespace, claim) };
      if ('hostPath' in backing) {
        plan.sources[v.name] = { kind: 'bind', path: backing.hostPath, readOnly, createIfMissing: backing.createIfMissing };
        continue;
      }
      const volName = backing.dockerVolume;
      plan.dockerVolumes.push({
        Name: volName,
        Driver: 'local',
        DriverOpts: {},
        Labels: { [LABEL_MANAGED]: 'true', [LABEL_PVC]: `${namespace}/${claim}` },
        persistent: true,
      });
      plan.sources[v.name] = { kind: 'volume', name: volName, readOnly };
    } else if (v.configMap) {
      const files: Files = {};
      configMapSource(files, v.name, namespace, v.configMap, v.configMap.defaultMode ?? DEFAULT_FILE_MODE, inputs);
      hostDir(files, 'configMap');
    } else if (v.secret) {
      const files: Files = {};
      secretSource(files, v.name, v.secret.secretName ?? '', v.secret, v.secret.defaultMode ?? DEFAULT_FILE_MODE, inputs);
      hostDir(files, 'secret');
    } else if (v.downwardAPI) {
      const files: Files = {};
      downwardFiles(files, v.name, pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_FILE_MODE, inputs);
      hostDir(files, 'downwardAPI');
    } else if (v.projected) {
      hostDir(projectedFiles(pod, v, inputs), 'projected');
    }
    // Other sources (csi, nfs, ...) are not supported: no source, and mounting them fails in containerMounts.
  }
  return plan;
}
