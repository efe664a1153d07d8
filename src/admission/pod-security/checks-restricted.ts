// The Restricted level: current pod hardening practice, on top of Baseline.
// Detail strings follow k8s.io/pod-security-admission/policy so messages match a real apiserver.
import {
  arr,
  containersOf,
  containersPhrase,
  has,
  isWindowsPod,
  joinQuote,
  nameOf,
  obj,
  pluralize,
  podSecurityContext,
  securityContextOf,
  sortedUnique,
  str,
  strings,
} from './helpers.js';
import { seccompTypeAllowed, seccompTypeOf } from './checks-baseline.js';
import { ALLOWED, type Check, type CheckFn, type CheckResult, type PodShape } from './types.js';

const deny = (reason: string, detail = ''): CheckResult => ({ allowed: false, reason, detail });

/** Since policy 1.25 some checks do not apply to Windows pods (spec.os.name=windows). */
const exceptWindows =
  (run: CheckFn): CheckFn =>
  (pod) =>
    isWindowsPod(pod) ? ALLOWED : run(pod);

// ---- volume types ----
const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
/** The sources named in the message, in the order upstream tests them; anything else is "unknown". */
const NAMED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];
function restrictedVolumes(pod: PodShape): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of arr(pod.spec.volumes)) {
    if (ALLOWED_VOLUME_SOURCES.some((k) => has(v, k))) continue;
    bad.push(str(v.name));
    types.push(NAMED_VOLUME_SOURCES.find((k) => has(v, k)) ?? 'unknown');
  }
  if (!bad.length) return ALLOWED;
  const list = sortedUnique(types);
  return deny(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
  );
}

// ---- privilege escalation ----
function allowPrivilegeEscalation(pod: PodShape): CheckResult {
  const bad = containersOf(pod)
    .filter((c) => securityContextOf(c)?.allowPrivilegeEscalation !== false)
    .map(nameOf);
  return bad.length
    ? deny('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`)
    : ALLOWED;
}

// ---- runAsNonRoot ----
function runAsNonRoot(pod: PodShape): CheckResult {
  const who: string[] = [];
  const podValue = podSecurityContext(pod)?.runAsNonRoot;
  if (podValue === false) who.push('pod');
  const podNonRoot = podValue === true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(pod)) {
    const v = securityContextOf(c)?.runAsNonRoot;
    if (v === false) explicit.push(nameOf(c));
    else if (v !== true && !podNonRoot) implicit.push(nameOf(c));
  }
  if (explicit.length) who.push(containersPhrase(explicit));
  if (who.length) return deny('runAsNonRoot != true', `${who.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length)
    return deny('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
}

// ---- runAsUser ----
function runAsUser(pod: PodShape): CheckResult {
  const who: string[] = [];
  if (podSecurityContext(pod)?.runAsUser === 0) who.push('pod');
  const bad = containersOf(pod)
    .filter((c) => securityContextOf(c)?.runAsUser === 0)
    .map(nameOf);
  if (bad.length) who.push(containersPhrase(bad));
  return who.length ? deny('runAsUser=0', `${who.join(' and ')} must not set runAsUser=0`) : ALLOWED;
}

// ---- seccomp ----
function seccompRestricted(pod: PodShape): CheckResult {
  const who: string[] = [];
  const values: string[] = [];
  const podType = seccompTypeOf(podSecurityContext(pod));
  let podSet = false;
  if (podType !== undefined) {
    if (seccompTypeAllowed(podType)) podSet = true;
    else {
      who.push('pod');
      values.push(podType);
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(pod)) {
    const t = seccompTypeOf(securityContextOf(c));
    if (t !== undefined) {
      if (!seccompTypeAllowed(t)) {
        explicit.push(nameOf(c));
        values.push(t);
      }
    } else if (!podSet) implicit.push(nameOf(c));
  }
  if (explicit.length) who.push(containersPhrase(explicit));
  if (who.length) {
    return deny(
      'seccompProfile',
      `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
    );
  }
  if (implicit.length) {
    return deny(
      'seccompProfile',
      `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  }
  return ALLOWED;
}

// ---- capabilities ----
function capabilitiesRestricted(pod: PodShape): CheckResult {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  for (const c of containersOf(pod)) {
    const sc = securityContextOf(c);
    if (!sc || !has(sc, 'capabilities')) {
      missingDrop.push(nameOf(c));
      continue;
    }
    const capabilities = obj(sc.capabilities);
    if (!strings(capabilities.drop).includes('ALL')) missingDrop.push(nameOf(c));
    const extra = strings(capabilities.add).filter((x) => x !== 'NET_BIND_SERVICE');
    if (extra.length) {
      adding.push(nameOf(c));
      caps.push(...extra);
    }
  }
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length)
    details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`);
  return details.length ? deny('unrestricted capabilities', details.join('; ')) : ALLOWED;
}

export const RESTRICTED_CHECKS: Check[] = [
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minVersion: 0, run: restrictedVolumes, overrides: ['hostPathVolumes'] }] },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minVersion: 8, run: allowPrivilegeEscalation },
      { minVersion: 25, run: exceptWindows(allowPrivilegeEscalation) },
    ],
  },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minVersion: 0, run: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minVersion: 23, run: runAsUser }] },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minVersion: 19, run: seccompRestricted, overrides: ['seccompProfile_baseline'] },
      { minVersion: 25, run: exceptWindows(seccompRestricted), overrides: ['seccompProfile_baseline'] },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minVersion: 22, run: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minVersion: 25, run: exceptWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
];
