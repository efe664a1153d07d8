// Who owns a volume's files and with which mode bits, as the kubelet's volume ownership manager decides it
// (pkg/volume/volume_linux.go SetVolumeOwnership, pkg/volume/util FsUserFrom). Pure: the runtime walks the tree.
import { effectiveSecurityContext } from './security.js';
import type { Pod } from './k8s-types.js';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
export const SETGID = 0o2000;
/** An emptyDir's root, on disk or tmpfs: anyone may write, so containers running as any user can use it. */
export const EMPTY_DIR_MODE = 0o777;

export type OwnedVolumeKind = 'emptyDir' | 'configMap' | 'secret' | 'downwardAPI' | 'projected';

export interface VolumeOwnership {
  /** the pod's fsGroup: every file and directory gets this group */
  gid: number;
  /** the kubelet's ReadOnly attribute of the volume plugin: group read (0440) rather than read-write (0660) */
  readOnly: boolean;
  /** OnRootMismatch: nothing changes when the volume's root already has the group, setgid and the group bits */
  onRootMismatch: boolean;
}

/** The ownership change the pod asks for on a volume of this kind; undefined without fsGroup. */
export function volumeOwnership(pod: Pod, kind: OwnedVolumeKind): VolumeOwnership | undefined {
  const sc = pod.spec.securityContext;
  if (sc?.fsGroup === undefined) return undefined;
  return { gid: sc.fsGroup, readOnly: kind !== 'emptyDir', onRootMismatch: sc.fsGroupChangePolicy === 'OnRootMismatch' };
}

/** The mode an entry gets: its own bits plus group read(-write), and search plus setgid on directories. */
export function ownedMode(mode: number, isDir: boolean, o: VolumeOwnership): number {
  let mask = o.readOnly ? RO_MASK : RW_MASK;
  if (isDir) mask |= SETGID | EXEC_MASK;
  return (mode & 0o7777) | mask;
}

/** OnRootMismatch's test: the root's group, setgid and (read-write volumes) group rw already as they would be made. */
export function rootNeedsChange(root: { gid: number; mode: number }, o: VolumeOwnership): boolean {
  if (root.gid !== o.gid) return true;
  if (!o.readOnly && (root.mode & RW_MASK) !== RW_MASK) return true;
  return (root.mode & SETGID) === 0;
}

/**
 * FsUserFrom: the user every (init and app) container runs as, when they all set the same one; a projected
 * service account token is owned by it so a non-root container can read its 0600 token.
 */
export function podFsUser(pod: Pod): number | undefined {
  let user: number | undefined;
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const u = effectiveSecurityContext(pod, c).runAsUser;
    if (u === undefined || (user !== undefined && user !== u)) return undefined;
    user = u;
  }
  return user;
}
