// securityContext → Docker: user, groups, capabilities, privileges, seccomp; pod-level values are defaults for containers.
import { ContainerConfigError } from './errors.js';
import type { Container, Pod, SecurityContext } from './k8s-types.js';

/** The container's effective security context: container fields over the pod's defaults (kubelet's DetermineEffectiveSecurityContext). */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const p = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  return {
    ...c,
    runAsUser: c.runAsUser ?? p.runAsUser,
    runAsGroup: c.runAsGroup ?? p.runAsGroup,
    runAsNonRoot: c.runAsNonRoot ?? p.runAsNonRoot,
    seccompProfile: c.seccompProfile ?? p.seccompProfile,
  };
}

/** Docker's `User`: uid[:gid]; a group without a user cannot be expressed (dockershim refused it too). */
export function dockerUser(sc: SecurityContext): string | undefined {
  if (sc.runAsUser === undefined) {
    if (sc.runAsGroup !== undefined) throw new ContainerConfigError('runAsGroup is specified without a runAsUser');
    return undefined;
  }
  return sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`;
}

/** Supplemental groups: supplementalGroups plus fsGroup, as kubelet passes them. */
export function groupAdd(pod: Pod): string[] | undefined {
  const sc = pod.spec.securityContext;
  const groups = [...(sc?.supplementalGroups ?? []), ...(sc?.fsGroup !== undefined ? [sc.fsGroup] : [])];
  return groups.length ? [...new Set(groups)].map(String) : undefined;
}

/** Kubernetes writes capabilities without the CAP_ prefix ("NET_ADMIN"); Docker's canonical form has it. ALL stays ALL. */
export function dockerCapability(cap: string): string {
  const up = cap.toUpperCase();
  if (up === 'ALL') return 'ALL';
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

export interface SecurityHostConfig {
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  SecurityOpt?: string[];
  GroupAdd?: string[];
}

export function securityHostConfig(pod: Pod, sc: SecurityContext): SecurityHostConfig {
  const out: SecurityHostConfig = {};
  if (sc.privileged) out.Privileged = true;
  if (sc.readOnlyRootFilesystem) out.ReadonlyRootfs = true;
  if (sc.capabilities?.add?.length) out.CapAdd = sc.capabilities.add.map(dockerCapability);
  if (sc.capabilities?.drop?.length) out.CapDrop = sc.capabilities.drop.map(dockerCapability);
  const opts: string[] = [];
  if (sc.allowPrivilegeEscalation === false) opts.push('no-new-privileges');
  // Without a profile Kubernetes runs containers Unconfined (SeccompDefault is off by default); RuntimeDefault is Docker's default profile.
  const seccomp = sc.seccompProfile?.type ?? 'Unconfined';
  if (seccomp === 'Unconfined' && !sc.privileged) opts.push('seccomp=unconfined');
  if (sc.appArmorProfile?.type === 'Unconfined') opts.push('apparmor=unconfined');
  if (opts.length) out.SecurityOpt = opts;
  const groups = groupAdd(pod);
  if (groups) out.GroupAdd = groups;
  return out;
}

/**
 * runAsNonRoot check against the image's configured user (Config.User from image inspect), kubelet's verifyRunAsNonRoot.
 * Returns the error message kubelet reports (reason CreateContainerConfigError), or undefined when allowed.
 */
export function runAsNonRootViolation(pod: Pod, container: Container, imageUser: string | undefined): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return undefined;
  const who = `(pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${who}` : undefined;
  }
  const user = (imageUser ?? '').split(':')[0];
  if (user === '' || user === '0') return `container has runAsNonRoot and image will run as root ${who}`;
  if (!/^\d+$/.test(user))
    return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root ${who}`;
  return undefined;
}
