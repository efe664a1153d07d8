// The kubelet's sysctl admission (pkg/kubelet/sysctl allowlist): a pod asking for a sysctl outside the safe set is
// rejected on the node (phase Failed, reason SysctlForbidden) before anything of it starts. Names that are invalid
// or clash with the host's namespaces never get here: the API server refuses them at validation.
import type { Pod } from '../../translate/k8s-types.js';
import { normalizeSysctlName } from '../../machinery/api/sysctl-names.js';

export const SYSCTL_FORBIDDEN = 'SysctlForbidden';

// Namespaced sysctls every pod may set (safe_sysctls.go); the kernels this runs on have them all.
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** Why the node refuses the pod, or undefined: the event's message, and the status's (prefixed as rejectPod does). */
export function rejectForSysctls(pod: Pod): { reason: string; message: string; eventMessage: string } | undefined {
  for (const s of pod.spec.securityContext?.sysctls ?? []) {
    if (SAFE_SYSCTLS.has(normalizeSysctlName(s.name))) continue;
    const eventMessage = `forbidden sysctl: "${s.name}" not allowlisted`;
    return { reason: SYSCTL_FORBIDDEN, message: `Pod was rejected: ${eventMessage}`, eventMessage };
  }
  return undefined;
}
