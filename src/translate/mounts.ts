// A container's volumeMounts → Docker Binds/Mounts, given the pod's volume plan. A subPath is never joined into a
// host path here: the runtime resolves it beneath its volume without following links out (subPathTargets says what
// to resolve) and passes back the host path it pinned (subPathSources), as the kubelet's PrepareSafeSubpath does.
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { ContainerConfigError } from './errors.js';
import { ETC_HOSTS_PATH, mountsOwnEtcHosts } from './etc-hosts.js';
import { RESOLV_CONF_PATH, mountsOwnResolvConf } from './resolv-conf.js';
import { expand, mappingFor } from './expansion.js';
import type { Container } from './k8s-types.js';
import type { VolumePlan } from './volume-plan.js';

export interface MountOptions {
  /** host mount points of Docker volumes (from `docker volume inspect`), needed only for subPath into a volume */
  volumeMountpoints?: Record<string, string>;
  /** a host file the runtime created to receive the termination message (kubelet's termination-log bind) */
  terminationLogHostPath?: string;
  /** volumeMount index → the host path the runtime bound the safely resolved subPath to */
  subPathSources?: Record<number, string>;
}

/** A subPath the runtime must resolve beneath its volume's host directory before the container can be created. */
export interface SubPathTarget {
  /** position in container.volumeMounts */
  index: number;
  mountName: string;
  /** the volume's host directory (a Docker volume's mount point, a hostPath, a pod volume directory) */
  volumePath: string;
  subPath: string;
  /** the volume's directory may be made first (a hostPath Docker would have created: unset type, DirectoryOrCreate) */
  createVolumePath?: boolean;
}

export interface ContainerMounts {
  Binds: string[];
  Mounts: Docker.MountSettings[];
}

const PROPAGATION: Record<string, Docker.MountPropagation> = { HostToContainer: 'rslave', Bidirectional: 'rshared' };

/** The subPath to use: subPathExpr expanded with the container's env ($(VAR) rules), then checked as kubelet does. */
export function resolveSubPath(mount: { subPath?: string; subPathExpr?: string }, env: ReadonlyMap<string, string>): string {
  const sub = mount.subPathExpr ? expand(mount.subPathExpr, mappingFor(env)) : (mount.subPath ?? '');
  if (!sub) return '';
  if (posix.isAbsolute(sub)) throw new ContainerConfigError(`error SubPath \`${sub}\` must not be an absolute path`);
  if (sub.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${sub}\`: must not contain '..'`);
  return sub;
}

/** The container's subPath mounts (subPathExpr expanded and checked), each with the host directory it lies beneath. */
export function subPathTargets(
  container: Container,
  plan: VolumePlan,
  env: ReadonlyMap<string, string>,
  opts: MountOptions = {},
): SubPathTarget[] {
  const out: SubPathTarget[] = [];
  (container.volumeMounts ?? []).forEach((m, index) => {
    const sub = resolveSubPath(m, env);
    // Names are data: a mount named `constructor` finds a volume of that name or none.
    const src = Object.hasOwn(plan.sources, m.name) ? plan.sources[m.name] : undefined;
    if (!sub || !src) return;
    // Engine API 1.41 has no volume subpath: the directory inside the volume's mount point is bound.
    const volumePath = src.kind === 'bind' ? src.path : opts.volumeMountpoints?.[src.name];
    if (!volumePath) throw new ContainerConfigError(`subPath ${sub} of volume "${m.name}" needs the mount point of its Docker volume`);
    out.push({
      index,
      mountName: m.name,
      volumePath,
      subPath: sub,
      ...(src.kind === 'bind' && src.createIfMissing ? { createVolumePath: true } : {}),
    });
  });
  return out;
}

/** kubelet's message for a subPath it could not prepare; the details name host paths and stay in the logs. */
export const subPathFailure = (mount: string, container: string) =>
  `failed to prepare subPath for volumeMount "${mount}" of container "${container}"`;

export function containerMounts(
  container: Container,
  plan: VolumePlan,
  env: ReadonlyMap<string, string>,
  opts: MountOptions = {},
): ContainerMounts {
  const out: ContainerMounts = { Binds: [], Mounts: [] };
  (container.volumeMounts ?? []).forEach((m, index) => {
    const src = Object.hasOwn(plan.sources, m.name) ? plan.sources[m.name] : undefined;
    if (!src) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
    const readOnly = m.readOnly === true || src.readOnly;
    const propagation = m.mountPropagation && Object.hasOwn(PROPAGATION, m.mountPropagation) ? PROPAGATION[m.mountPropagation] : undefined;
    const bindOptions = propagation ? { BindOptions: { Propagation: propagation } } : {};
    if (resolveSubPath(m, env)) {
      const source = opts.subPathSources?.[index];
      if (!source) throw new ContainerConfigError(subPathFailure(m.name, container.name));
      out.Mounts.push({ Type: 'bind', Source: source, Target: m.mountPath, ReadOnly: readOnly, ...bindOptions });
      return;
    }
    if (src.kind === 'volume') {
      // An emptyDir starts empty: the engine must not copy the image's files (and their modes) at the mount path into it.
      const emptyDir = plan.emptyDirs?.some((e) => e.dockerVolume === src.name) === true;
      out.Mounts.push({
        Type: 'volume',
        Source: src.name,
        Target: m.mountPath,
        ReadOnly: readOnly,
        // dockerode's typing wants every VolumeOptions field; the engine takes NoCopy alone.
        ...(emptyDir ? { VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'] } : {}),
      });
      return;
    }
    if (src.createIfMissing) {
      const flags = [readOnly ? 'ro' : 'rw', ...(propagation ? [propagation] : [])];
      out.Binds.push(`${src.path}:${m.mountPath}:${flags.join(',')}`);
    } else {
      out.Mounts.push({ Type: 'bind', Source: src.path, Target: m.mountPath, ReadOnly: readOnly, ...bindOptions });
    }
  });
  // The kubelet-managed hosts file, unless the container brings its own /etc/hosts (makeMounts).
  if (plan.etcHosts && !mountsOwnEtcHosts(container.volumeMounts)) {
    out.Mounts.push({ Type: 'bind', Source: plan.etcHosts, Target: ETC_HOSTS_PATH, ReadOnly: false });
  }
  // The kubelet-written resolv.conf (ClusterFirst, None), as the runtime mounts the sandbox's into each container.
  if (plan.resolvConf && !mountsOwnResolvConf(container.volumeMounts)) {
    out.Mounts.push({ Type: 'bind', Source: plan.resolvConf, Target: RESOLV_CONF_PATH, ReadOnly: false });
  }
  if (opts.terminationLogHostPath) {
    out.Mounts.push({
      Type: 'bind',
      Source: opts.terminationLogHostPath,
      Target: container.terminationMessagePath ?? '/dev/termination-log',
      ReadOnly: false,
    });
  }
  return out;
}
