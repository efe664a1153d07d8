// A container's volumeMounts → Docker Binds/Mounts, given the pod's volume plan.
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { ContainerConfigError } from './errors.js';
import { expand, mappingFor } from './expansion.js';
import type { Container } from './k8s-types.js';
import type { VolumePlan } from './volume-plan.js';

export interface MountOptions {
  /** host mount points of Docker volumes (from `docker volume inspect`), needed only for subPath into a volume */
  volumeMountpoints?: Record<string, string>;
  /** a host file the runtime created to receive the termination message (kubelet's termination-log bind) */
  terminationLogHostPath?: string;
}

export interface ContainerMounts { Binds: string[]; Mounts: Docker.MountSettings[] }

const PROPAGATION: Record<string, Docker.MountPropagation> = { HostToContainer: 'rslave', Bidirectional: 'rshared' };

/** The subPath to use: subPathExpr expanded with the container's env ($(VAR) rules), then checked as kubelet does. */
export function resolveSubPath(mount: { subPath?: string; subPathExpr?: string }, env: ReadonlyMap<string, string>): string {
  const sub = mount.subPathExpr ? expand(mount.subPathExpr, mappingFor(env)) : mount.subPath ?? '';
  if (!sub) return '';
  if (posix.isAbsolute(sub)) throw new ContainerConfigError(`error SubPath \`${sub}\` must not be an absolute path`);
  if (sub.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${sub}\`: must not contain '..'`);
  return sub;
}

export function containerMounts(container: Container, plan: VolumePlan, env: ReadonlyMap<string, string>, opts: MountOptions = {}): ContainerMounts {
  const out: ContainerMounts = { Binds: [], Mounts: [] };
  for (const m of container.volumeMounts ?? []) {
    const src = plan.sources[m.name];
    if (!src) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
    const readOnly = m.readOnly === true || src.readOnly;
    const propagation = m.mountPropagation ? PROPAGATION[m.mountPropagation] : undefined;
    const sub = resolveSubPath(m, env);
    let hostPath: string | undefined;
    let createIfMissing = false;
    if (src.kind === 'volume') {
      if (!sub) {
        out.Mounts.push({ Type: 'volume', Source: src.name, Target: m.mountPath, ReadOnly: readOnly });
        continue;
      }
      // Engine API 1.41 has no volume subpath: bind the directory inside the volume's mount point (kubelet creates it if missing).
      const mp = opts.volumeMountpoints?.[src.name];
      if (!mp) throw new ContainerConfigError(`subPath ${sub} of volume "${m.name}" needs the mount point of Docker volume ${src.name}`);
      hostPath = posix.join(mp, sub);
      createIfMissing = true;
    } else {
      hostPath = sub ? posix.join(src.path, sub) : src.path;
      createIfMissing = src.createIfMissing || (sub !== '' && src.readOnly === false);
    }
    if (createIfMissing) {
      const flags = [readOnly ? 'ro' : 'rw', ...(propagation ? [propagation] : [])];
      out.Binds.push(`${hostPath}:${m.mountPath}:${flags.join(',')}`);
    } else {
      out.Mounts.push({ Type: 'bind', Source: hostPath, Target: m.mountPath, ReadOnly: readOnly, ...(propagation ? { BindOptions: { Propagation: propagation } } : {}) });
    }
  }
  if (opts.terminationLogHostPath) {
    out.Mounts.push({ Type: 'bind', Source: opts.terminationLogHostPath, Target: container.terminationMessagePath ?? '/dev/termination-log', ReadOnly: false });
  }
  return out;
}
