// The Baseline level: the Pod Security Standard that stops known privilege escalations.
// Detail strings follow k8s.io/pod-security-admission/policy so messages match a real apiserver.
import {
  arr,
  containersOf,
  containersPhrase,
  has,
  joinQuote,
  nameOf,
  obj,
  pluralize,
  podSecurityContext,
  quote,
  securityContextOf,
  sortedUnique,
  str,
  strings,
} from './helpers.js';
import { ALLOWED, type Check, type CheckResult, type Json, type PodShape } from './types.js';

const deny = (reason: string, detail = ''): CheckResult => ({ allowed: false, reason, detail });

/** "pod and containers "a", "b"": who set a forbidden value. */
function setters(pod: boolean, containers: string[]): string[] {
  return [...(pod ? ['pod'] : []), ...(containers.length ? [containersPhrase(containers)] : [])];
}

// ---- hostProcess (Windows) ----
function windowsHostProcess(pod: PodShape): CheckResult {
  const hostProcess = (sc: Json | undefined) => obj(sc?.windowsOptions).hostProcess === true;
  const bad = containersOf(pod)
    .filter((c) => hostProcess(securityContextOf(c)))
    .map(nameOf);
  const who = setters(hostProcess(podSecurityContext(pod)), bad);
  return who.length ? deny('hostProcess', `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
}

// ---- host namespaces ----
function hostNamespaces(pod: PodShape): CheckResult {
  const found = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod.spec[f] === true).map((f) => `${f}=true`);
  return found.length ? deny('host namespaces', found.join(', ')) : ALLOWED;
}

// ---- privileged containers ----
function privileged(pod: PodShape): CheckResult {
  const bad = containersOf(pod)
    .filter((c) => securityContextOf(c)?.privileged === true)
    .map(nameOf);
  return bad.length ? deny('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : ALLOWED;
}

// ---- capabilities beyond the default set ----
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
function capabilitiesBaseline(pod: PodShape): CheckResult {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of containersOf(pod)) {
    const sc = securityContextOf(c);
    if (!sc || !has(sc, 'capabilities')) continue;
    const extra = strings(obj(sc.capabilities).add).filter((x) => !BASELINE_CAPABILITIES.has(x));
    if (extra.length) {
      bad.push(nameOf(c));
      caps.push(...extra);
    }
  }
  return bad.length
    ? deny(
        'non-default capabilities',
        `${containersPhrase(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`,
      )
    : ALLOWED;
}

// ---- hostPath volumes ----
function hostPathVolumes(pod: PodShape): CheckResult {
  const bad = arr(pod.spec.volumes)
    .filter((v) => has(v, 'hostPath'))
    .map((v) => str(v.name));
  return bad.length ? deny('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : ALLOWED;
}

// ---- host ports ----
function hostPorts(pod: PodShape): CheckResult {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containersOf(pod)) {
    const used = arr(c.ports)
      .map((p) => Number(p.hostPort ?? 0))
      .filter((p) => p !== 0);
    if (used.length) {
      bad.push(nameOf(c));
      ports.push(...used.map(String));
    }
  }
  if (!bad.length) return ALLOWED;
  const list = sortedUnique(ports);
  return deny(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
  );
}

// ---- AppArmor ----
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorTypeAllowed = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
const appArmorAnnotationAllowed = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
function appArmorProfile(pod: PodShape): CheckResult {
  const who: string[] = [];
  const values: string[] = [];
  const profileOf = (sc: Json | undefined) => (sc && has(sc, 'appArmorProfile') ? str(obj(sc.appArmorProfile).type) : undefined);
  const podType = profileOf(podSecurityContext(pod));
  if (podType !== undefined && !appArmorTypeAllowed(podType)) {
    who.push('pod');
    values.push(podType);
  }
  const bad: string[] = [];
  for (const c of containersOf(pod)) {
    const t = profileOf(securityContextOf(c));
    if (t !== undefined && !appArmorTypeAllowed(t)) {
      bad.push(nameOf(c));
      values.push(t);
    }
  }
  if (bad.length) who.push(containersPhrase(bad));
  const annotations = Object.entries(obj(pod.metadata.annotations))
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !appArmorAnnotationAllowed(str(v)))
    .map(([k, v]) => `${k}=${quote(str(v))}`)
    .sort();
  const all = [...sortedUnique(values), ...annotations];
  if (annotations.length) who.push(pluralize('annotation', 'annotations', annotations.length));
  if (!who.length) return ALLOWED;
  return deny(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', all.length),
    `${who.join(' and ')} must not set AppArmor profile type to ${joinQuote(all)}`,
  );
}

// ---- SELinux ----
const SELINUX_TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES_1_0, 'container_engine_t'];
function seLinuxOptions(allowedTypes: string[]) {
  const allowed = new Set(allowedTypes);
  return (pod: PodShape): CheckResult => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (sc: Json | undefined) => {
      if (!sc || !has(sc, 'seLinuxOptions')) return true;
      const o = obj(sc.seLinuxOptions);
      let ok = true;
      if (!allowed.has(str(o.type))) {
        ok = false;
        badTypes.push(str(o.type));
      }
      if (str(o.user)) {
        ok = false;
        setUser = true;
      }
      if (str(o.role)) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podBad = !valid(podSecurityContext(pod));
    const who = setters(
      podBad,
      containersOf(pod)
        .filter((c) => !valid(securityContextOf(c)))
        .map(nameOf),
    );
    if (!who.length) return ALLOWED;
    // As upstream: the user/role notes are only listed alongside a bad type.
    const data: string[] = [];
    if (badTypes.length) {
      const types = sortedUnique(badTypes);
      data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
    }
    return deny('seLinuxOptions', `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}

// ---- /proc mount ----
function procMount(pod: PodShape): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of containersOf(pod)) {
    const sc = securityContextOf(c);
    if (!sc || !has(sc, 'procMount')) continue;
    const t = str(sc.procMount);
    if (t !== 'Default') {
      bad.push(nameOf(c));
      types.push(t);
    }
  }
  return bad.length
    ? deny('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`)
    : ALLOWED;
}

// ---- seccomp ----
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
export const seccompTypeAllowed = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
const seccompAnnotationAllowed = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

/** Before 1.19 seccomp was set by annotations. */
function seccompBaselineAnnotations(pod: PodShape): CheckResult {
  const annotations = obj(pod.metadata.annotations);
  const bad: string[] = [];
  const checkKey = (k: string) => {
    if (k in annotations && !seccompAnnotationAllowed(str(annotations[k]))) bad.push(`${k}=${quote(str(annotations[k]))}`);
  };
  checkKey(SECCOMP_POD_ANNOTATION);
  for (const c of containersOf(pod)) checkKey(SECCOMP_CONTAINER_PREFIX + nameOf(c));
  const list = sortedUnique(bad);
  return list.length
    ? deny('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`)
    : ALLOWED;
}

export const seccompTypeOf = (sc: Json | undefined) => (sc && has(sc, 'seccompProfile') ? str(obj(sc.seccompProfile).type) : undefined);

function seccompBaseline(pod: PodShape): CheckResult {
  const values: string[] = [];
  const podType = seccompTypeOf(podSecurityContext(pod));
  const podBad = podType !== undefined && !seccompTypeAllowed(podType);
  if (podBad) values.push(podType);
  const bad: string[] = [];
  for (const c of containersOf(pod)) {
    const t = seccompTypeOf(securityContextOf(c));
    if (t !== undefined && !seccompTypeAllowed(t)) {
      bad.push(nameOf(c));
      values.push(t);
    }
  }
  const who = setters(podBad, bad);
  return who.length
    ? deny('seccompProfile', `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`)
    : ALLOWED;
}

// ---- sysctls ----
const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
function sysctls(allowedNames: string[]) {
  const allowed = new Set(allowedNames);
  return (pod: PodShape): CheckResult => {
    const bad = arr(podSecurityContext(pod)?.sysctls)
      .map((s) => str(s.name))
      .filter((n) => !allowed.has(n));
    return bad.length ? deny('forbidden sysctls', bad.join(', ')) : ALLOWED;
  };
}

export const BASELINE_CHECKS: Check[] = [
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minVersion: 0, run: windowsHostProcess }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minVersion: 0, run: hostNamespaces }] },
  { id: 'privileged', level: 'baseline', versions: [{ minVersion: 0, run: privileged }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minVersion: 0, run: capabilitiesBaseline }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minVersion: 0, run: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minVersion: 0, run: hostPorts }] },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minVersion: 0, run: appArmorProfile }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minVersion: 0, run: seLinuxOptions(SELINUX_TYPES_1_0) },
      { minVersion: 31, run: seLinuxOptions(SELINUX_TYPES_1_31) },
    ],
  },
  { id: 'procMount', level: 'baseline', versions: [{ minVersion: 0, run: procMount }] },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minVersion: 0, run: seccompBaselineAnnotations },
      { minVersion: 19, run: seccompBaseline },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minVersion: 0, run: sysctls(SYSCTLS_1_0) },
      { minVersion: 27, run: sysctls(SYSCTLS_1_27) },
      { minVersion: 29, run: sysctls(SYSCTLS_1_29) },
      { minVersion: 32, run: sysctls(SYSCTLS_1_32) },
    ],
  },
];
