// spec.securityContext.sysctls at validation (pkg/apis/core/validation validateSysctls, ValidateHostSysctl): names,
// duplicates, and namespaced sysctls a pod sharing the host's namespace cannot set. Which sysctls a node allows
// (the safe set, --allowed-unsafe-sysctls) is the kubelet's admission, not the API server's.
import { arr, child, duplicate, index, invalid, isObj, required, type Errs, type J } from '../common/field.js';
import { normalizeSysctlName } from '../../../machinery/api/sysctl-names.js';

const SYSCTL_MAX_LENGTH = 253;
const SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
// Segments joined by dots or slashes (sysctl.d accepts both), as upstream's SysctlContainSlashFmt.
const SYSCTL_PATTERN = `^(${SEGMENT}[\\./])*${SEGMENT}$`;
const SYSCTL_RE = new RegExp(SYSCTL_PATTERN);

export function isValidSysctlName(name: string): boolean {
  return name.length <= SYSCTL_MAX_LENGTH && SYSCTL_RE.test(name);
}

// The kernel namespace a sysctl belongs to (component-helpers' sysctl.GetNamespace), for the host-namespace checks.
const IPC_NAMES = new Set([
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
]);

export function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const n = normalizeSysctlName(name);
  if (n.startsWith('net.')) return 'net';
  if (IPC_NAMES.has(n) || n.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

/** validateSysctls over a v1 PodSpec (hostNetwork and hostIPC sit on the spec in v1). `p` is the spec's path. */
export function validateSysctls(spec: J, p: string): Errs {
  const sc = isObj(spec.securityContext) ? spec.securityContext : {};
  const field = child(child(p, 'securityContext'), 'sysctls');
  const seen = new Set<string>();
  const errs: Errs = [];
  arr(sc.sysctls).forEach((s, i) => {
    const name = isObj(s) && typeof s.name === 'string' ? s.name : '';
    const f = child(index(field, i), 'name');
    if (!name) errs.push(required(f, ''));
    else if (!isValidSysctlName(name))
      errs.push(invalid(f, name, `must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${SYSCTL_PATTERN}`));
    else if (seen.has(name)) errs.push(duplicate(f, name));
    const ns = name ? sysctlNamespace(name) : undefined;
    if (spec.hostNetwork === true && ns === 'net') errs.push(invalid(f, name, "may not be specified when 'hostNetwork' is true"));
    if (spec.hostIPC === true && ns === 'ipc') errs.push(invalid(f, name, "may not be specified when 'hostIPC' is true"));
    seen.add(name);
  });
  return errs;
}
